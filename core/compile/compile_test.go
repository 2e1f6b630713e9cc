package compile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

func compileSrc(t *testing.T, src string) *Program {
	t.Helper()
	f, errs := syntax.Parse("t.litmus", src)
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	prog, diags := Compile("t.litmus", f)
	if prog == nil {
		t.Fatal(diags)
	}
	return prog
}

// disasm prints a function's code one instruction per line, with
// visible operations by name.
func disasm(p *Program, fn *Func) string {
	var b strings.Builder
	for _, in := range fn.Code {
		switch in.Op {
		case OpVisible:
			fmt.Fprintf(&b, "visible %s; ", p.Tmpls[in.A].Op.Name)
		case OpBinary, OpUnary:
			fmt.Fprintf(&b, "%s %s; ", in.Op, syntax.Token(in.B))
		default:
			fmt.Fprintf(&b, "%s %d; ", in.Op, in.A)
		}
	}
	return strings.TrimSpace(b.String())
}

func TestCodegen(t *testing.T) {
	p := compileSrc(t, `C t
{ int y = 2; }
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*y) + 1; smp_mb(); WRITE_ONCE(*x, r0); }
exists (x=3)`)
	got := disasm(p, p.Funcs[p.Threads[0]])
	// Fences compile to nothing; each shared access is one visible step.
	want := "addr 0; visible READ_ONCE; int 1; binary +; store 0; addr 1; load 0; visible WRITE_ONCE; retv 0;"
	if got != want {
		t.Errorf("code\n %s\nwant\n %s", got, want)
	}
	if p.InitMem[0] != machine.Int(2) || p.Layout.Objects[0].Name != "y" {
		t.Errorf("init %v objects %v", p.InitMem, p.Layout.Objects)
	}
}

func TestSynchronizeRCUIsTwoSteps(t *testing.T) {
	p := compileSrc(t, "C t\n{}\nP0(int *x) { synchronize_rcu(); }\nexists (x=0)")
	if got := disasm(p, p.Funcs[p.Threads[0]]); got != "visible synchronize_rcu; visible synchronize_rcu; retv 0;" {
		t.Errorf("code %s", got)
	}
	if p.Tmpls[0].Op.Kind != machine.OpGPStart || p.Tmpls[1].Op.Kind != machine.OpGPEnd {
		t.Errorf("templates %+v", p.Tmpls)
	}
}

func TestLocationsInHerdOrder(t *testing.T) {
	p := compileSrc(t, "C t\n{}\nP0(int *z, int *a) { int r1; int r0; }\nP1(int *z) { int r0; }\nlocations [z; 1:r0]\nexists (0:r1=0 /\\ a=0 /\\ 0:r0=0)")
	var names []string
	for _, l := range p.Locs {
		names = append(names, l.Name)
	}
	if got := strings.Join(names, " "); got != "0:r0 0:r1 1:r0 a z" {
		t.Errorf("locations %s", got)
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"READ_ONCE", "WRITE_ONCE", "spin_lock", "r0"}
	for in, want := range map[string]string{"WRITE_ONC": "WRITE_ONCE", "spin_lokc": "spin_lock", "r1": "r0", "completely_else": ""} {
		if got := Nearest(in, cands); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuiltinTable(t *testing.T) {
	// Every primitive of SUMMARY.md §2 is defined, with its ordering variants.
	for _, name := range []string{"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
		"rcu_dereference", "rcu_assign_pointer", "atomic_read", "atomic_set", "smp_mb", "smp_rmb",
		"smp_wmb", "smp_mb__after_spinlock", "barrier", "xchg_relaxed", "cmpxchg_release",
		"atomic_fetch_andnot_acquire", "atomic_add_return_relaxed", "atomic_inc", "atomic_dec_and_test",
		"atomic_add_unless", "spin_lock", "spin_unlock", "spin_trylock", "spin_is_locked",
		"rcu_read_lock", "rcu_read_unlock", "synchronize_rcu", "srcu_read_lock", "srcu_down_read",
		"srcu_up_read", "synchronize_srcu", "BUG_ON", "WARN_ON", "WARN_ON_ONCE", "VM_WARN_ON_ONCE"} {
		if builtins[name] == nil {
			t.Errorf("%s is not defined", name)
		}
	}
	names := BuiltinNames()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("BuiltinNames not sorted or has duplicates at %q", names[i])
		}
	}
}
