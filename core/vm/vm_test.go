package vm

import (
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

func prog(t *testing.T, src string) *compile.Program {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", src)
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	p, diags := compile.Compile("t.litmus", f)
	if p == nil {
		t.Fatal(diags)
	}
	return p
}

// A thread stops at each visible operation with its operands filled in,
// and resumes with the operation's result.
func TestStepping(t *testing.T) {
	p := prog(t, "C t\n{}\nP0(int *x) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 40); }\nexists (x=0)")
	th := New(p, 0)
	if th.Status != Ready || th.Pending.Kind != machine.OpLoad || th.Pending.Addr != machine.Ptr(0, 0) {
		t.Fatalf("first op %+v", th.Pending)
	}
	c := th.Clone()
	th.Complete(p, machine.Int(2))
	if th.Pending.Kind != machine.OpStore || th.Pending.Arg != machine.Int(42) {
		t.Fatalf("second op %+v", th.Pending)
	}
	// The clone is independent: resuming it with another value diverges.
	c.Complete(p, machine.Int(5))
	if c.Pending.Arg != machine.Int(45) || th.Pending.Arg != machine.Int(42) {
		t.Errorf("clone shares state: %v %v", c.Pending.Arg, th.Pending.Arg)
	}
	th.Complete(p, machine.Value{})
	if th.Status != Done || th.Steps != 2 {
		t.Errorf("status %v steps %d", th.Status, th.Steps)
	}
	if th.Reg(0) != machine.Int(2) {
		t.Errorf("r0 = %v", th.Reg(0))
	}
}

func TestLocalLoopBound(t *testing.T) {
	p := prog(t, "C t\n{}\nP0(int *x) { int i; while (1) i++; }\nexists (x=0)")
	th := New(p, 0)
	if th.Status != Crashed || th.Fault.Kind != "step-bound" || !strings.Contains(th.Fault.Msg, "unbounded loop") {
		t.Errorf("status %v fault %+v", th.Status, th.Fault)
	}
}

func TestRecursionBound(t *testing.T) {
	p := prog(t, "C t\n{}\nint f(int n) { return f(n + 1); }\nP0(int *x) { WRITE_ONCE(*x, f(0)); }\nexists (x=0)")
	th := New(p, 0)
	if th.Status != Crashed || !strings.Contains(th.Fault.Msg, "unbounded recursion") {
		t.Errorf("fault %+v", th.Fault)
	}
}
