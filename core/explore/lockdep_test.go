package explore

import (
	"context"
	"strings"
	"testing"
)

const abba = `C ABBA
{}
P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }
exists (true)`

func findingsOf(r *Result, kind string) []FoundFinding {
	var out []FoundFinding
	for _, f := range r.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

// The inversion is reported even when the exploration is bounded to
// executions in which no deadlock happens (no preemptions: the two
// threads run one after the other).
func TestLockOrderWithoutDeadlock(t *testing.T) {
	prog := mustCompile(t, abba)
	r, err := Explore(context.Background(), prog, Options{Strategy: "naive", MaxPreemptions: 0})
	if err != nil {
		t.Fatal(err)
	}
	if r.Deadlocked != 0 {
		t.Fatalf("bounded run deadlocked %d times", r.Deadlocked)
	}
	lo := findingsOf(r, "lock-order")
	if len(lo) != 1 {
		t.Fatalf("lock-order findings %+v", r.Findings)
	}
	f := lo[0]
	if f.Msg != "possible circular locking dependency: a -> b (P0 at 3:36, 3:50); b -> a (P1 at 4:36, 4:50)" {
		t.Errorf("message %q", f.Msg)
	}
	for _, want := range []string{"WARNING: possible circular locking dependency detected", "CPU0", "CPU1", "lock(a);", "lock(b);", "*** DEADLOCK ***"} {
		if !strings.Contains(f.Report, want) {
			t.Errorf("report lacks %q:\n%s", want, f.Report)
		}
	}
	// The full exploration finds the deadlock too, and the same report.
	full := run(t, prog, Options{Strategy: "dpor"})
	if len(findingsOf(full, "deadlock")) == 0 || len(findingsOf(full, "lock-order")) != 1 || findingsOf(full, "lock-order")[0].Msg != f.Msg {
		t.Errorf("full run findings %+v", full.Findings)
	}
}

func TestTrylockAddsNoDependency(t *testing.T) {
	prog := mustCompile(t, `C trylock
{}
P0(spinlock_t *a, spinlock_t *b) { int r; spin_lock(a); r = spin_trylock(b); if (r) spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }
exists (true)`)
	r := run(t, prog, Options{Strategy: "dpor"})
	if len(r.Findings) != 0 {
		t.Errorf("findings %+v: a trylock cannot deadlock", r.Findings)
	}
}

func TestRecursiveLocking(t *testing.T) {
	// ptl == pml when split PTE locks are off (kernel.md §4 R8): taking
	// the "second" lock without the ptl != pml test self-deadlocks.
	const tmpl = `C R8
{}
P0(spinlock_t *pml, spinlock_t *other) {
	spinlock_t *ptl;
	spin_lock(pml);
	ptl = %s;
	%s
	WRITE_ONCE(*other, 1);
	if (ptl != pml) spin_unlock(ptl);
	spin_unlock(pml);
}
exists (true)`
	cases := []struct {
		ptl, lock string
		recursive bool
	}{
		{"pml", "spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);", true},
		{"pml", "if (ptl != pml) spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);", false},
		{"other", "spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);", false},
		{"other", "if (ptl != pml) spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);", false},
	}
	for _, c := range cases {
		src := strings.Replace(strings.Replace(tmpl, "%s", c.ptl, 1), "%s", c.lock, 1)
		r := run(t, mustCompile(t, src), Options{Strategy: "dpor"})
		rec := findingsOf(r, "recursive-locking")
		if (len(rec) > 0) != c.recursive || len(findingsOf(r, "deadlock")) > 0 {
			t.Errorf("ptl=%s, %s: findings %+v", c.ptl, c.lock, r.Findings)
		}
		if c.recursive && !strings.Contains(rec[0].Report, "WARNING: possible recursive locking detected") {
			t.Errorf("report %q", rec[0].Report)
		}
	}
}
