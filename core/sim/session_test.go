package sim

import (
	"context"
	"testing"
)

func TestSessionContinue(t *testing.T) {
	s, err := NewSession("sb.litmus", `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=1 /\ 1:r0=0)`)
	if err != nil {
		t.Fatal(err)
	}
	// P0 finishes before P1 starts: only 0:r0=0, 1:r0=1 remains.
	s.Step(0)
	s.Step(0)
	res, err := s.Continue(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.States) != 1 || res.StateLine(res.States[0]) != "0:r0=0; 1:r0=1;" || !res.Exhaustive {
		t.Errorf("states %v exhaustive %v", res.States, res.Exhaustive)
	}
	if _, err := NewSession("bad.litmus", "C x\n{}\nP0(int *x) { nope(); }\n"); err == nil {
		t.Error("a bad script started a session")
	}
}
