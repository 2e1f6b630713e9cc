package explore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/syntax"
)

func mustCompile(t testing.TB, src string) *compile.Program {
	t.Helper()
	f, errs := syntax.Parse("test.litmus", src)
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	prog, diags := compile.Compile("test.litmus", f)
	if prog == nil {
		t.Fatal(diags)
	}
	return prog
}

// run explores prog; a zero MaxPreemptions means "no bound" here.
func run(t testing.TB, prog *compile.Program, opt Options) *Result {
	t.Helper()
	if opt.MaxPreemptions == 0 {
		opt.MaxPreemptions = -1
	}
	res, err := Explore(context.Background(), prog, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// outcomeSet renders the distinct final states.
func outcomeSet(r *Result) string {
	var s []string
	for _, o := range r.Outcomes {
		s = append(s, fmt.Sprint(o.Values))
	}
	return strings.Join(s, " ")
}

// Each case gives the number of interleavings (naive) and of
// Mazurkiewicz traces, derived by hand in the comment.
var countCases = []struct {
	name          string
	src           string
	naive, traces int
}{
	// Two independent writes: 2!/(1!1!) = 2 interleavings, 1 trace.
	{"indep", `C indep
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
P1(int *y) { WRITE_ONCE(*y, 1); }
exists (x=1)`, 2, 1},
	// Store buffering: 4!/(2!2!) = 6 interleavings. A trace is fixed by
	// the order of each read against the other thread's write, and the
	// two reads cannot both come first: 3 traces.
	{"SB", `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r0; WRITE_ONCE(*y, 1); r0 = READ_ONCE(*x); }
exists (0:r0=0 /\ 1:r0=0)`, 6, 3},
	// Three readers of one location never conflict: 3! = 6, 1 trace.
	{"readers", `C readers
{ x=1; }
P0(int *x) { int r0; r0 = READ_ONCE(*x); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); }
P2(int *x) { int r0; r0 = READ_ONCE(*x); }
exists (0:r0=1)`, 6, 1},
	// Lost update, each thread reads x then writes it: 6 interleavings.
	// r r w w and r r w' w' ... the two orders that start with both
	// reads differ only in the write order relative to reads that are
	// already fixed; the orders are rw r'w', r'w' rw, r r' w w', r r' w' w,
	// r' r w w', r' r w' w, where swapping the leading reads does not
	// change the trace: 4 traces.
	{"lostupdate", `C lostupdate
{}
P0(int *x) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); }
P1(int *x) { int r0; r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); }
exists (x=1)`, 6, 4},
	// Two critical sections on one lock: a thread cannot enter while the
	// other holds the lock, so only the order of the sections varies: 2
	// interleavings, 2 traces.
	{"locks", `C locks
{}
P0(int *x, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
P1(int *x, spinlock_t *l) { spin_lock(l); WRITE_ONCE(*x, 2); spin_unlock(l); }
exists (x=1)`, 2, 2},
}

func TestExecutionCounts(t *testing.T) {
	for _, c := range countCases {
		t.Run(c.name, func(t *testing.T) {
			prog := mustCompile(t, c.src)
			naive := run(t, prog, Options{Strategy: "naive", CountTraces: true})
			if naive.Executions != c.naive {
				t.Errorf("naive explored %d executions, want %d", naive.Executions, c.naive)
			}
			if naive.Traces != c.traces {
				t.Errorf("naive saw %d distinct traces, want %d", naive.Traces, c.traces)
			}
			dpor := run(t, prog, Options{Strategy: "dpor", CountTraces: true})
			if dpor.Traces != c.traces {
				t.Errorf("dpor covered %d traces, want %d", dpor.Traces, c.traces)
			}
			if dpor.Executions-dpor.SleepBlocked < c.traces || dpor.Executions > c.naive {
				t.Errorf("dpor explored %d executions (%d sleep-blocked); want between %d traces and %d interleavings", dpor.Executions, dpor.SleepBlocked, c.traces, c.naive)
			}
			if !naive.Exhaustive || !dpor.Exhaustive {
				t.Errorf("not exhaustive: naive %v dpor %v", naive.Exhaustive, dpor.Exhaustive)
			}
			if outcomeSet(naive) != outcomeSet(dpor) {
				t.Errorf("outcomes differ: naive %s, dpor %s", outcomeSet(naive), outcomeSet(dpor))
			}
		})
	}
}

func TestStrategiesAgreeOnOutcomes(t *testing.T) {
	for _, c := range countCases {
		prog := mustCompile(t, c.src)
		want := outcomeSet(run(t, prog, Options{Strategy: "naive"}))
		for _, s := range []string{"random", "pct"} {
			got := run(t, prog, Options{Strategy: s, Seed: 7, MaxExecutions: 500})
			if outcomeSet(got) != want {
				t.Errorf("%s: %s found %s, naive %s", c.name, s, outcomeSet(got), want)
			}
			if got.Exhaustive {
				t.Errorf("%s: %s claims to be exhaustive", c.name, s)
			}
		}
	}
}

func TestDeterminism(t *testing.T) {
	prog := mustCompile(t, countCases[3].src)
	for _, s := range []string{"dpor", "naive", "random", "pct"} {
		a := run(t, prog, Options{Strategy: s, Seed: 3, MaxExecutions: 200})
		b := run(t, prog, Options{Strategy: s, Seed: 3, MaxExecutions: 200})
		if fmt.Sprintf("%+v", a) != fmt.Sprintf("%+v", b) {
			t.Errorf("%s: two runs differ", s)
		}
	}
}

// Searches reuse the storage of earlier ones (executors, release): a
// search gives the same result whatever ran before it, here programs of
// other sizes, thread counts and features (RCU callbacks, data races,
// rwsems, SRCU), with every strategy.
func TestStorageReuse(t *testing.T) {
	var progs []*compile.Program
	for _, c := range countCases {
		progs = append(progs, mustCompile(t, c.src))
	}
	for _, c := range optimalCases {
		progs = append(progs, mustCompile(t, c.src))
	}
	strategies := []string{"dpor", "naive", "optimal", "random"}
	first := map[string]string{} // lookup only
	order := make([]int, len(progs))
	for i := range order {
		order[i] = i
	}
	for round := 0; round < 2; round++ {
		for _, i := range order {
			for _, s := range strategies {
				got := fmt.Sprintf("%+v", run(t, progs[i], Options{Strategy: s, Seed: 5, MaxExecutions: 300}))
				key := fmt.Sprint(i, s)
				if round == 0 {
					first[key] = got
				} else if first[key] != got {
					t.Errorf("program %d, %s: the result changed when run after the others", i, s)
				}
			}
		}
		slices.Reverse(order) // round two runs in the reverse order
		slices.Reverse(strategies)
	}
}

// A lock taken and never released by one thread: the other thread can
// still complete if it runs first. Exploration must find that execution
// even though, run the other way round, the blocked acquisition never
// happens.
func TestDeadlockAlternativeExplored(t *testing.T) {
	prog := mustCompile(t, `C unmatched
{}
P0(spinlock_t *l) { spin_lock(l); }
P1(spinlock_t *l, int *x) { spin_lock(l); WRITE_ONCE(*x, 1); spin_unlock(l); }
exists (x=1)`)
	for _, s := range []string{"dpor", "naive"} {
		r := run(t, prog, Options{Strategy: s})
		if r.Complete == 0 || r.Deadlocked == 0 || r.Pos == 0 {
			t.Errorf("%s: complete %d deadlocked %d pos %d; want both kinds and x=1 reachable", s, r.Complete, r.Deadlocked, r.Pos)
		}
		if !slices.ContainsFunc(r.Findings, func(f FoundFinding) bool { return f.Kind == "deadlock" }) {
			t.Errorf("%s: no deadlock finding", s)
		}
	}
}

func TestPreemptionBound(t *testing.T) {
	prog := mustCompile(t, countCases[1].src)
	r := run(t, prog, Options{Strategy: "naive", MaxPreemptions: 0})
	if r.Executions != 6 {
		t.Fatalf("unbounded naive explored %d, want 6", r.Executions)
	}
	r, err := Explore(context.Background(), prog, Options{Strategy: "naive", MaxPreemptions: 0})
	if err != nil {
		t.Fatal(err)
	}
	// Without preemptions only the two serial orders remain.
	if r.Complete != 2 || r.Exhaustive {
		t.Errorf("bound 0: %d complete, exhaustive %v; want 2 and false", r.Complete, r.Exhaustive)
	}
	if !strings.Contains(r.StopReason, "preemption bound") {
		t.Errorf("stop reason %q does not name the preemption bound", r.StopReason)
	}
}

func TestStepBound(t *testing.T) {
	prog := mustCompile(t, `C spin
{}
P0(int *x) { while (READ_ONCE(*x) == 0) ; }
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (x=1)`)
	r := run(t, prog, Options{Strategy: "dpor", MaxSteps: 20})
	if r.Exhaustive || r.StepBounded == 0 || !strings.Contains(r.StopReason, "step bound") {
		t.Fatalf("exhaustive %v, step-bounded %d, reason %q", r.Exhaustive, r.StepBounded, r.StopReason)
	}
	var f *FoundFinding
	for i := range r.Findings {
		if r.Findings[i].Kind == "step-bound" {
			f = &r.Findings[i]
		}
	}
	if f == nil || !strings.Contains(f.Msg, "unbounded loop") || f.Pos.Line != 3 {
		t.Errorf("step-bound finding %+v: want a message naming an unbounded loop at line 3", f)
	}
}

func TestLocalLoopBound(t *testing.T) {
	prog := mustCompile(t, `C localspin
{}
P0(int *x) { int i; for (i = 0; i >= 0; i = i * 1) { } WRITE_ONCE(*x, 1); }
exists (x=1)`)
	r := run(t, prog, Options{Strategy: "dpor"})
	if r.StepBounded != 1 || r.Exhaustive {
		t.Fatalf("step-bounded %d exhaustive %v", r.StepBounded, r.Exhaustive)
	}
	if f := r.Findings[0]; f.Kind != "step-bound" || !strings.Contains(f.Msg, "unbounded loop over local variables") {
		t.Errorf("finding %+v", f)
	}
}

func TestExecutionBound(t *testing.T) {
	prog := mustCompile(t, countCases[1].src)
	r := run(t, prog, Options{Strategy: "naive", MaxExecutions: 2})
	if r.Executions != 2 || r.Exhaustive || !strings.Contains(r.StopReason, "execution bound") {
		t.Errorf("executions %d exhaustive %v reason %q", r.Executions, r.Exhaustive, r.StopReason)
	}
}

func TestReplayTokens(t *testing.T) {
	prog := mustCompile(t, countCases[3].src)
	r := run(t, prog, Options{Strategy: "dpor"})
	for _, o := range r.Outcomes {
		rr := run(t, prog, Options{Strategy: "replay", Token: o.Token})
		if len(rr.Outcomes) != 1 || fmt.Sprint(rr.Outcomes[0].Values) != fmt.Sprint(o.Values) {
			t.Errorf("token %s replayed to %s, want %v", o.Token, outcomeSet(rr), o.Values)
		}
	}
}

func TestTokenErrors(t *testing.T) {
	prog := mustCompile(t, countCases[1].src)
	other := mustCompile(t, countCases[3].src)
	good := run(t, other, Options{Strategy: "dpor"}).Outcomes[0].Token
	fp := Fingerprint(prog)
	cases := []struct{ tok, want string }{
		{"garbage", "malformed replay token"},
		{"ptl1.!!!", "malformed replay token"},
		{"ptl1.AQ", "malformed replay token"},
		{"ptl9.AAAA", "newer ptlab"},
		{good, "different script"},
		{EncodeToken(fp, []uint8{5}), "cannot run there"},
		{EncodeToken(fp, []uint8{0}), "unfinished"},
		{EncodeToken(fp, []uint8{0, 0, 1, 1, 1}), "ended after"},
	}
	for _, c := range cases {
		_, err := Explore(context.Background(), prog, Options{Strategy: "replay", Token: c.tok, MaxPreemptions: -1})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("token %q: error %v, want it to mention %q", c.tok, err, c.want)
		}
	}
}

func TestPrefix(t *testing.T) {
	prog := mustCompile(t, countCases[1].src)
	// After P1 runs first, the executions that remain are those starting
	// with P1: 3 of the 6 interleavings.
	r := run(t, prog, Options{Strategy: "naive", Prefix: []int{1}})
	if r.Executions != 3 || !r.Exhaustive {
		t.Errorf("naive from prefix [1]: %d executions, exhaustive %v; want 3, true", r.Executions, r.Exhaustive)
	}
	d := run(t, prog, Options{Strategy: "dpor", Prefix: []int{1}})
	if outcomeSet(d) != outcomeSet(r) {
		t.Errorf("dpor from prefix: %s, naive %s", outcomeSet(d), outcomeSet(r))
	}
}

func FuzzToken(f *testing.F) {
	f.Add(EncodeToken(1, []uint8{0, 0, 1, 2, 2, 2}))
	f.Add("ptl1.")
	f.Add("ptl1.AQAAAAEAAQ")
	f.Fuzz(func(t *testing.T, tok string) {
		sched, err := DecodeToken(tok, 0)
		if err != nil {
			return
		}
		back, err := DecodeToken(EncodeToken(7, sched), 7)
		if err != nil || !slices.Equal(back, sched) {
			t.Fatalf("round trip of %v: %v, %v", sched, back, err)
		}
	})
}

func TestSession(t *testing.T) {
	prog := mustCompile(t, countCases[1].src) // SB
	s := NewSession(prog)
	if got := fmt.Sprint(s.Enabled()); got != "[0 1]" {
		t.Fatalf("enabled %s", got)
	}
	if err := s.Step(1); err != nil {
		t.Fatal(err)
	}
	if err := s.Step(7); err == nil {
		t.Error("stepping a thread that does not exist succeeded")
	}
	s.Step(1)
	if got := fmt.Sprint(s.Enabled()); got != "[0]" {
		t.Errorf("after P1 finished, enabled %s", got)
	}
	if th := s.Threads(); th[1].Status != "done" || th[0].Status != "ready" || th[0].Pending != "WRITE_ONCE" {
		t.Errorf("threads %+v", th)
	}
	if !s.Undo() || fmt.Sprint(s.Schedule()) != "[1]" {
		t.Errorf("undo left %v", s.Schedule())
	}
	// Continuing from [1] with DPOR covers the outcomes of executions
	// starting with P1: P1 reads x before or after P0's write.
	r, err := s.Continue(context.Background(), Options{Strategy: "dpor", MaxPreemptions: -1})
	if err != nil {
		t.Fatal(err)
	}
	naive := run(t, prog, Options{Strategy: "naive", Prefix: []int{1}})
	if outcomeSet(r) != outcomeSet(naive) || !r.Exhaustive {
		t.Errorf("continue: %s (exhaustive %v), want %s", outcomeSet(r), r.Exhaustive, outcomeSet(naive))
	}
	s.Step(1)
	s.Step(0)
	s.Step(0)
	if s.End() != "complete" {
		t.Errorf("end %s", s.End())
	}
	rr := run(t, prog, Options{Strategy: "replay", Token: s.Token()})
	if rr.Complete != 1 {
		t.Errorf("session token does not replay: %+v", rr)
	}
}

func TestSessionBlocked(t *testing.T) {
	prog := mustCompile(t, `C l
{}
P0(spinlock_t *l) { spin_lock(l); spin_unlock(l); }
P1(spinlock_t *l) { spin_lock(l); spin_unlock(l); }
exists (true)`)
	s := NewSession(prog)
	s.Step(0)
	th := s.Threads()
	if th[1].Status != "blocked" || !strings.Contains(th[1].Why, "held by P0") {
		t.Errorf("P1: %+v", th[1])
	}
	if fmt.Sprint(s.Enabled()) != "[0]" {
		t.Errorf("enabled %v", s.Enabled())
	}
}

// A crash stops only the crashing thread: exploration goes on with the
// others, so a second, independent crash is found too.
func TestIndependentCrashes(t *testing.T) {
	prog := mustCompile(t, `C crashes
{}
P0(int *x) { int r0; r0 = READ_ONCE(*x); BUG_ON(r0 == 0); }
P1(int *y) { int r1; r1 = 10 / READ_ONCE(*y); }
exists (true)`)
	for _, s := range []string{"dpor", "naive"} {
		r := run(t, prog, Options{Strategy: s})
		kinds := map[string]bool{}
		for _, f := range r.Findings {
			kinds[f.Kind] = true
		}
		if !kinds["BUG_ON"] || !kinds["runtime-error"] || kinds["deadlock"] || !r.Exhaustive {
			t.Errorf("%s: findings %+v, exhaustive %v; want BUG_ON and the division by zero", s, r.Findings, r.Exhaustive)
		}
	}
	// A spinning thread cut by the step bound does not stop the others.
	spin := mustCompile(t, `C spin
{}
P0(int *x) { while (READ_ONCE(*x) == 0) ; }
P1(int *y) { int r1; r1 = 10 / READ_ONCE(*y); }
exists (true)`)
	r := run(t, spin, Options{Strategy: "dpor", MaxSteps: 20})
	found := false
	for _, f := range r.Findings {
		found = found || f.Kind == "runtime-error"
	}
	if !found {
		t.Errorf("division by zero in P1 not found next to P0's spin: %+v", r.Findings)
	}
}

func TestWarnOnceIsPerSite(t *testing.T) {
	prog := mustCompile(t, `C once
{}
void check(int v) { WARN_ON_ONCE(v > 0); }
P0(int *x) { check(1); check(2); }
P1(int *x) { check(3); }
exists (true)`)
	r := run(t, prog, Options{Strategy: "dpor"})
	// Three hits of one call site by two threads: one report, whose
	// message does not depend on which thread got there first.
	if len(r.Findings) != 1 || r.Findings[0].Kind != "WARN_ON_ONCE" || r.Findings[0].Msg != "WARNING: WARN_ON_ONCE at 3:21" {
		t.Errorf("findings %+v: want a single WARN_ON_ONCE at 3:21", r.Findings)
	}
}

// A trylock can run, and fail, while another thread holds the lock: DPOR
// must reverse a release and a later trylock (found by the lessons'
// cross-check against naive search).
func TestTrylockFailureExplored(t *testing.T) {
	for _, src := range []string{
		"C t\n{}\nP0(spinlock_t *s) { spin_lock(s); spin_unlock(s); }\nP1(spinlock_t *s) { int r; r = spin_trylock(s); if (r) spin_unlock(s); }\nexists (1:r=0)\n",
		"C t\n{}\nP0(int *s) { down_read(s); up_read(s); }\nP1(int *s) { int r; r = down_write_trylock(s); if (r) up_write(s); }\nexists (1:r=0)\n",
		"C t\n{}\nP0(int *s) { down_write(s); up_write(s); }\nP1(int *s) { int r; r = down_read_trylock(s); if (r) up_read(s); }\nexists (1:r=0)\n",
	} {
		prog := mustCompile(t, src)
		for _, strategy := range []string{"dpor", "naive"} {
			res, err := Explore(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pos == 0 || res.Neg == 0 {
				t.Errorf("%s: %d executions with a failed trylock, %d without; want both\n%s", strategy, res.Pos, res.Neg, src)
			}
		}
	}
}

// Readers share an rwsem, so an up_read() followed by another thread's
// down_read() is a race to reverse, and an unlock by a thread that does
// not hold the lock does not order the acquisition after it. DPOR missed
// both (found by the random cross-check against optimal and naive).
func TestReaderOverlapAndBadUnlockExplored(t *testing.T) {
	for _, src := range []string{
		// Both writes before both reads: the readers' sections overlap.
		"C t\n{}\nP0(int *s, int *x, int *y) { int r; down_read(s); WRITE_ONCE(*y, 1); r = READ_ONCE(*x); up_read(s); }\nP1(int *s, int *x, int *y) { int r; down_read(s); WRITE_ONCE(*x, 1); r = READ_ONCE(*y); up_read(s); }\nexists (0:r=1 /\\ 1:r=1)\n",
		// P1 may take the lock before P0's bogus unlock, then read 0.
		"C t\n{}\nP0(spinlock_t *l, int *y) { WRITE_ONCE(*y, 1); spin_unlock(l); }\nP1(spinlock_t *l, int *y) { int r; spin_lock(l); r = READ_ONCE(*y); }\nexists (1:r=0)\n",
	} {
		prog := mustCompile(t, src)
		for _, strategy := range []string{"dpor", "naive", "optimal"} {
			res, err := Explore(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pos == 0 || res.Neg == 0 {
				t.Errorf("%s: %d executions satisfy the condition, %d do not; want both\n%s", strategy, res.Pos, res.Neg, src)
			}
		}
	}
}

// The data-race detector keeps its tables across searches (raceScratch,
// reset): programs with races on different numbers of locations, with
// and without locks, give the same findings whatever ran before them.
func TestRaceDetectorReuse(t *testing.T) {
	srcs := []string{`C raceA
{}
P0(int *a, int *b, int *c, int *d) { *a = 1; *b = 1; *c = 1; *d = 1; }
P1(int *a, int *b, int *c, int *d) { int r0; r0 = *d; r0 = *c; r0 = *b; r0 = *a; }
exists (1:r0=0)`, `C raceB
{}
P0(int *x, spinlock_t *l) { spin_lock(l); *x = 1; spin_unlock(l); }
P1(int *x, spinlock_t *l) { int r0; r0 = *x; spin_lock(l); *x = 2; spin_unlock(l); }
exists (1:r0=0)`, `C raceC
{}
P0(int *y, int *z) { *z = 1; WRITE_ONCE(*y, 1); }
P1(int *y, int *z) { int r0; r0 = READ_ONCE(*y); if (r0 == 1) { *z = 2; } }
P2(int *z) { int r1; r1 = *z; }
exists (2:r1=0)`}
	var progs []*compile.Program
	for _, s := range srcs {
		progs = append(progs, mustCompile(t, s))
	}
	results := map[int]string{} // lookup only
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {2, 0, 1}} {
		for _, i := range order {
			r := run(t, progs[i], Options{Strategy: "dpor"})
			if !slices.ContainsFunc(r.Findings, func(f FoundFinding) bool { return f.Kind == "data-race" }) {
				t.Errorf("%s: no data race found", progs[i].Name)
			}
			got := fmt.Sprintf("%+v", r)
			if want, ok := results[i]; ok && got != want {
				t.Errorf("%s: the result changed when run after %v", progs[i].Name, order)
			}
			results[i] = got
		}
	}
}
