package explore

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// optimalCases are small programs covering the primitives the optimal
// explorer must handle: plain races, locks with contention, trylocks,
// reader-writer semaphores, RCU grace periods, RCU callbacks, IRQ-off
// sections with IPI rounds, SRCU, deadlocks.
var optimalCases = []struct{ name, src string }{
	{"MP", `C MP
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_store_release(y, 1); }
P1(int *x, int *y) { int r0; int r1; r0 = smp_load_acquire(y); r1 = READ_ONCE(*x); }
exists (1:r0=1 /\ 1:r1=0)`},
	{"SB", `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\ 1:r0=0)`},
	{"LB", `C LB
{}
P0(int *x, int *y) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; r0 = READ_ONCE(*y); WRITE_ONCE(*x, 1); }
exists (0:r0=1 /\ 1:r0=1)`},
	{"three-writers", `C W3
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *x) { WRITE_ONCE(*x, 2); }
P2(int *x) { int r0; int r1; r0 = READ_ONCE(*x); WRITE_ONCE(*x, 3); r1 = READ_ONCE(*x); }
exists (2:r0=2 /\ 2:r1=3 /\ x=1)`},
	{"IRIW", `C IRIW
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *y) { WRITE_ONCE(*y, 1); }
P2(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*x); r1 = READ_ONCE(*y); }
P3(int *x, int *y) { int r0; int r1; r0 = READ_ONCE(*y); r1 = READ_ONCE(*x); }
exists (2:r0=1 /\ 2:r1=0 /\ 3:r0=1 /\ 3:r1=0)`},
	{"lock-contention", `C locks3
{}
P0(int *x, spinlock_t *l) { int r0; spin_lock(l); r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); spin_unlock(l); }
P1(int *x, spinlock_t *l) { int r0; spin_lock(l); r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); spin_unlock(l); }
P2(int *x, spinlock_t *l) { int r0; spin_lock(l); r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); spin_unlock(l); }
exists (x=3)`},
	{"lock-and-racy-reader", `C lockreader
{}
P0(int *x, int *y, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); spin_unlock(l); }
P1(int *x, int *y, spinlock_t *l) { int r0; int r1; r0 = READ_ONCE(*y); spin_lock(l); r1 = READ_ONCE(*x); spin_unlock(l); }
P2(int *x, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*x, 2); spin_unlock(l); }
exists (1:r0=1 /\ 1:r1=2)`},
	{"ABBA", `C ABBA
{}
P0(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(a); spin_lock(b); WRITE_ONCE(*x, 1); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b, int *x) { spin_lock(b); spin_lock(a); WRITE_ONCE(*x, 2); spin_unlock(a); spin_unlock(b); }
exists (x=2)`},
	{"unmatched-lock", `C unmatched
{}
P0(spinlock_t *l) { spin_lock(l); }
P1(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P2(spinlock_t *l, int *x) { int r0; r0 = spin_is_locked(l); }
exists (x=1)`},
	{"lock-never-released", `C held
{}
P0(spinlock_t *l) { spin_lock(l); }
P1(spinlock_t *l, int *x, int *y) { spin_lock(l); WRITE_ONCE(*x, 2); spin_unlock(l); WRITE_ONCE(*y, 2); tlb_remove_table_sync_one(); }
exists (x=2)`},
	{"trylock", `C trylock
{}
P0(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(spinlock_t *l, int *x) { int r0; int r1; r0 = spin_trylock(l); if (r0) { r1 = READ_ONCE(*x); spin_unlock(l); } }
P2(spinlock_t *l, int *x) { int r0; r0 = spin_trylock(l); if (r0) { WRITE_ONCE(*x, 2); spin_unlock(l); } }
exists (1:r0=0 /\ 2:r0=0)`},
	{"rwsem", `C rwsem
{}
P0(struct rw_semaphore *s, int *x) { int r0; down_read(s); r0 = READ_ONCE(*x); up_read(s); }
P1(struct rw_semaphore *s, int *x) { int r0; down_read(s); r0 = READ_ONCE(*x); up_read(s); }
P2(struct rw_semaphore *s, int *x) { down_write(s); WRITE_ONCE(*x, 1); up_write(s); }
exists (0:r0=1 /\ 1:r0=0)`},
	{"rwsem-downgrade-trylock", `C rwsem2
{}
P0(struct rw_semaphore *s, int *x) { int r0; down_write(s); WRITE_ONCE(*x, 1); downgrade_write(s); r0 = READ_ONCE(*x); up_read(s); }
P1(struct rw_semaphore *s, int *x) { int r0; int r1; r0 = down_read_trylock(s); if (r0) { r1 = READ_ONCE(*x); up_read(s); } }
P2(struct rw_semaphore *s, int *x) { int r0; r0 = down_write_trylock(s); if (r0) { WRITE_ONCE(*x, 2); up_write(s); } }
exists (1:r0=1 /\ 1:r1=1)`},
	{"rcu-synchronize", `C rcu
{}
P0(int *x, int *y) { int r0; int r1; rcu_read_lock(); r0 = READ_ONCE(*x); r1 = READ_ONCE(*y); rcu_read_unlock(); }
P1(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\ 0:r1=1)`},
	{"rcu-two-readers", `C rcu2
{}
P0(int *x, int *y) { int r0; rcu_read_lock(); r0 = READ_ONCE(*x); rcu_read_unlock(); }
P1(int *x, int *y) { int r0; rcu_read_lock(); r0 = READ_ONCE(*y); rcu_read_unlock(); }
P2(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*y, 1); }
exists (0:r0=0 /\ 1:r0=1)`},
	{"rcu-free", `C rcufree
{ int obj = 1; int *p = &obj; }
P0(int **p, int *obj) { int *r0; int r1; rcu_read_lock(); r0 = rcu_dereference(*p); if (r0) r1 = READ_ONCE(*r0); rcu_read_unlock(); }
P1(int **p, int *obj) { WRITE_ONCE(*p, 0); synchronize_rcu(); kfree(obj); }
exists (0:r1=1)`},
	{"kvfree_rcu", `C kvfree
{ int obj = 1; int *p = &obj; }
P0(int **p, int *obj) { int *r0; int r1; rcu_read_lock(); r0 = rcu_dereference(*p); if (r0) r1 = READ_ONCE(*r0); rcu_read_unlock(); }
P1(int **p, int *obj) { WRITE_ONCE(*p, 0); kvfree_rcu(obj); }
exists (0:r1=1)`},
	{"kvfree_rcu-two-callbacks", `C kvfree2
{ int a = 1; int b = 2; int *p = &a; int *q = &b; }
P0(int **p, int **q) { int *r0; int r1; int *r2; int r3; rcu_read_lock(); r0 = rcu_dereference(*p); if (r0) r1 = READ_ONCE(*r0); rcu_read_unlock(); r2 = READ_ONCE(*q); if (r2) r3 = READ_ONCE(*r2); }
P1(int **p, int *a) { WRITE_ONCE(*p, 0); kvfree_rcu(a); }
P2(int **q, int *b) { WRITE_ONCE(*q, 0); kvfree_rcu(b); }
exists (0:r1=1 /\ 0:r3=2)`},
	{"irq-off-ipi", `C gupfast
{ int table = 1; int *pmd = &table; }
P0(int **pmd) { int *r0; int r1; local_irq_disable(); r0 = READ_ONCE(*pmd); if (r0) r1 = READ_ONCE(*r0); local_irq_enable(); }
P1(int **pmd, int *table) { WRITE_ONCE(*pmd, 0); tlb_remove_table_sync_one(); kfree(table); }
exists (0:r1=1)`},
	{"irq-off-lock", `C irqlock
{}
P0(spinlock_t *l, int *x) { int r0; local_irq_disable(); spin_lock(l); r0 = READ_ONCE(*x); spin_unlock(l); local_irq_enable(); }
P1(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); tlb_remove_table_sync_one(); WRITE_ONCE(*x, 2); }
exists (0:r0=2)`},
	{"srcu", `C srcu
{}
P0(struct srcu_struct *s, int *x, int *y) { int r0; int r1; int r2; r0 = srcu_read_lock(s); r1 = READ_ONCE(*x); r2 = READ_ONCE(*y); srcu_read_unlock(s, r0); }
P1(struct srcu_struct *s, int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_srcu(s); WRITE_ONCE(*y, 1); }
exists (0:r1=0 /\ 0:r2=1)`},
	{"srcu-cross-thread", `C srcu2
{}
P0(struct srcu_struct *s, int *x, int *t) { int r0; int r1; r0 = srcu_down_read(s); WRITE_ONCE(*t, r0); r1 = READ_ONCE(*x); }
P1(struct srcu_struct *s, int *t) { int r0; r0 = READ_ONCE(*t); if (r0) srcu_up_read(s, r0); }
P2(struct srcu_struct *s, int *x) { WRITE_ONCE(*x, 1); synchronize_srcu(s); }
P3(struct srcu_struct *s) { srcu_up_read(s, 1001); }
exists (0:r1=0)`},
	{"cmpxchg-counters", `C cmpxchg
{}
P0(int *x) { int r0; r0 = cmpxchg(x, 0, 1); }
P1(int *x) { int r0; r0 = atomic_add_unless(x, 1, 0); }
P2(int *x) { int r0; r0 = xchg(x, 5); }
exists (0:r0=0 /\ 1:r0=1)`},
	{"sync-rcu-under-lock", `C syncdeadlock
{}
P0(spinlock_t *l, int *x) { rcu_read_lock(); spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); rcu_read_unlock(); }
P1(spinlock_t *l, int *x) { spin_lock(l); synchronize_rcu(); spin_unlock(l); }
exists (x=1)`},
}

// TestOptimalExecutionsEqualTraces checks, on small programs, that the
// optimal explorer's executions (sleep-set-blocked ones excluded; there
// are none) equal the number of Mazurkiewicz traces naive search counts
// independently, that its executions are pairwise inequivalent and
// cover every trace, and that naive, dpor and optimal find the same
// final states and findings.
func TestOptimalExecutionsEqualTraces(t *testing.T) {
	for _, c := range optimalCases {
		t.Run(c.name, func(t *testing.T) {
			prog := mustCompile(t, c.src)
			naive := run(t, prog, Options{Strategy: "naive", CountTraces: true})
			opt := run(t, prog, Options{Strategy: "optimal", CountTraces: true})
			dpor := run(t, prog, Options{Strategy: "dpor"})
			// The sampling strategies, given enough executions for these
			// small programs (deterministic for the seed), and for PCT a
			// bug depth that reaches every state (three-writers needs 3).
			random := run(t, prog, Options{Strategy: "random", Seed: 1, MaxExecutions: 3000})
			pct := run(t, prog, Options{Strategy: "pct", Seed: 1, MaxExecutions: 3000, Depth: 4})
			if !naive.Exhaustive || !opt.Exhaustive || !dpor.Exhaustive {
				t.Fatalf("not exhaustive: naive %v optimal %v (%s) dpor %v", naive.Exhaustive, opt.Exhaustive, opt.StopReason, dpor.Exhaustive)
			}
			if opt.Executions-opt.SleepBlocked != naive.Traces {
				t.Errorf("optimal explored %d executions (%d sleep-blocked); naive counted %d traces", opt.Executions, opt.SleepBlocked, naive.Traces)
			}
			if opt.SleepBlocked != 0 || opt.Note != "" {
				t.Errorf("optimal: %d sleep-blocked executions, note %q", opt.SleepBlocked, opt.Note)
			}
			if opt.Traces != naive.Traces {
				t.Errorf("optimal covered %d traces, naive %d", opt.Traces, naive.Traces)
			}
			for _, r := range []*Result{opt, dpor, random, pct} {
				if outcomeSet(r) != outcomeSet(naive) {
					t.Errorf("%s states %s, naive %s", r.Strategy, outcomeSet(r), outcomeSet(naive))
				}
				if findingSet(r) != findingSet(naive) {
					t.Errorf("%s findings\n%s\nnaive\n%s", r.Strategy, findingSet(r), findingSet(naive))
				}
			}
			t.Logf("naive %d executions, %d traces; dpor %d; optimal %d", naive.Executions, naive.Traces, dpor.Executions, opt.Executions)
		})
	}
}

// The hand-counted cases of TestExecutionCounts: optimal explores exactly
// their traces.
func TestOptimalCountCases(t *testing.T) {
	for _, c := range countCases {
		r := run(t, mustCompile(t, c.src), Options{Strategy: "optimal", CountTraces: true})
		if r.Executions != c.traces || r.Traces != c.traces || !r.Exhaustive {
			t.Errorf("%s: optimal explored %d executions (%d traces, exhaustive %v), want %d", c.name, r.Executions, r.Traces, r.Exhaustive, c.traces)
		}
	}
}

func TestOptimalDeterminism(t *testing.T) {
	for _, c := range optimalCases {
		prog := mustCompile(t, c.src)
		a := run(t, prog, Options{Strategy: "optimal", CountTraces: true})
		b := run(t, prog, Options{Strategy: "optimal", CountTraces: true})
		if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) {
			t.Errorf("%s: two runs differ", c.name)
		}
	}
}

// Continuing from a prefix explores the traces that extend it, and
// tokens of optimal executions replay.
func TestOptimalPrefixAndTokens(t *testing.T) {
	prog := mustCompile(t, countCases[1].src) // SB
	r := run(t, prog, Options{Strategy: "optimal", Prefix: []int{1}})
	naive := run(t, prog, Options{Strategy: "naive", Prefix: []int{1}})
	if outcomeSet(r) != outcomeSet(naive) || !r.Exhaustive {
		t.Errorf("optimal from prefix [1]: %s (exhaustive %v), naive %s", outcomeSet(r), r.Exhaustive, outcomeSet(naive))
	}
	for _, o := range run(t, prog, Options{Strategy: "optimal"}).Outcomes {
		rr := run(t, prog, Options{Strategy: "replay", Token: o.Token})
		if len(rr.Outcomes) != 1 || fmt.Sprint(rr.Outcomes[0].Values) != fmt.Sprint(o.Values) {
			t.Errorf("token %s replayed to %s, want %v", o.Token, outcomeSet(rr), o.Values)
		}
	}
}

func TestOptimalRejectsPreemptionBound(t *testing.T) {
	prog := mustCompile(t, countCases[1].src)
	_, err := Explore(context.Background(), prog, Options{Strategy: "optimal", MaxPreemptions: 2})
	if err == nil || !strings.Contains(err.Error(), "preemption bound") {
		t.Errorf("error %v, want one about the preemption bound", err)
	}
}

func findingSet(r *Result) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.Kind+": "+f.Msg)
	}
	sort.Strings(s)
	return strings.Join(s, "\n")
}

// Progress estimates work under optimal too: 4 threads writing one
// location twice have 8!/2!^4 = 2520 traces, all explored.
func TestOptimalEstimate(t *testing.T) {
	prog := mustCompile(t, `C w4
{}
P0(int *x) { WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 2); }
P1(int *x) { WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 4); }
P2(int *x) { WRITE_ONCE(*x, 5); WRITE_ONCE(*x, 6); }
P3(int *x) { WRITE_ONCE(*x, 7); WRITE_ONCE(*x, 8); }
exists (x=8)`)
	var calls int
	var last float64
	r := run(t, prog, Options{Strategy: "optimal", Estimate: func(n int, total float64) {
		calls++
		last = total
	}})
	if r.Executions != 2520 || calls < 2 || last < 2048 {
		t.Errorf("%d executions, %d estimates, last %.0f; want 2520 executions and estimates reaching at least 2048", r.Executions, calls, last)
	}
}
