package explore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
)

var parallelSrcs = []string{
	estimateSrc,
	"C SB\n{}\nP0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }\nP1(int *x, int *y) { int r1; WRITE_ONCE(*y, 1); r1 = READ_ONCE(*x); }\nexists (0:r0=0 /\\ 1:r1=0)\n",
	"C ABBA\n{}\nP0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }\nP1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }\nexists (true)\n",
	"C try\n{}\nP0(spinlock_t *s, int *x) { spin_lock(s); WRITE_ONCE(*x, 1); spin_unlock(s); }\nP1(spinlock_t *s, int *x) { int r; r = spin_trylock(s); if (r) { WRITE_ONCE(*x, 2); spin_unlock(s); } }\nP2(int *x) { int r2; r2 = READ_ONCE(*x); }\nexists (1:r=0)\n",
	"C rcu\n{}\nP0(int *x, int *y) { int r0; int r1; rcu_read_lock(); r0 = READ_ONCE(*x); r1 = READ_ONCE(*y); rcu_read_unlock(); }\nP1(int *x, int *y) { WRITE_ONCE(*x, 1); synchronize_rcu(); WRITE_ONCE(*y, 1); }\nexists (0:r0=0 /\\ 0:r1=1)\n",
	"C race\n{}\nP0(int *x) { *x = 1; }\nP1(int *x) { int r; r = *x; }\nexists (1:r=1)\n",
}

// ExploreParallel gives the same result for every worker count, and on
// these programs the same outcomes, counts, verdict and findings as the
// sequential search.
func TestExploreParallel(t *testing.T) {
	for i, src := range parallelSrcs {
		prog := mustCompile(t, src)
		for _, strategy := range []string{"dpor", "naive"} {
			seq, err := Explore(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1})
			if err != nil {
				t.Fatal(err)
			}
			first := sameForEveryN(t, prog, strategy, 1, 2, 4)
			if !first.Exhaustive {
				t.Errorf("prog %d %s: not exhaustive: %s", i, strategy, first.StopReason)
			}
			if got, want := resultSummary(first), resultSummary(seq); got != want {
				t.Errorf("prog %d %s: parallel\n%s\nsequential\n%s", i, strategy, got, want)
			}
			// Every witness replays to its outcome.
			for _, o := range first.Outcomes {
				rr, err := Explore(context.Background(), prog, Options{Strategy: "replay", Token: o.Token, MaxPreemptions: -1})
				if err != nil || len(rr.Outcomes) != 1 || !reflect.DeepEqual(rr.Outcomes[0].Values, o.Values) {
					t.Errorf("prog %d: witness %s does not replay to %v (%v)", i, o.Token, o.Values, err)
				}
			}
		}
	}
}

// sameForEveryN runs a parallel search of prog on each number of
// workers, fails the test unless the results are identical, and returns
// the first.
func sameForEveryN(t *testing.T, prog *compile.Program, strategy string, workers ...int) *Result {
	t.Helper()
	var first *Result
	for _, w := range workers {
		par, err := ExploreParallel(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1}, w)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = par
		} else if !reflect.DeepEqual(first, par) {
			t.Fatalf("%s: -j %d and -j %d differ:\n%+v\n%+v\n%s", strategy, workers[0], w, first, par, prog.File)
		}
	}
	return first
}

func resultSummary(r *Result) string {
	s := fmt.Sprintf("pos %d neg %d complete %d deadlocked %d\n", r.Pos, r.Neg, r.Complete, r.Deadlocked)
	for _, o := range r.Outcomes {
		s += fmt.Sprintf("%v x%d sat=%v\n", o.Values, o.Count, o.Satisfies)
	}
	var fs []string
	for _, f := range r.Findings {
		fs = append(fs, fmt.Sprintf("%s: %s x%d", f.Kind, f.Msg, f.Count))
	}
	return s + fmt.Sprint(sortedStrings(fs))
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// With tasks handing over work at every checkpoint, a parallel search
// still finds exactly the sequential search's states and findings, and
// its result does not depend on the number of workers. The programs are
// the random ones of TestOptimalRandomPrograms, with up to four threads.
func TestExploreParallelDonation(t *testing.T) {
	defer func(every int, over float64) { donateEvery, donateOver = every, over }(donateEvery, donateOver)
	donateEvery, donateOver = 2, 0
	defer func(th, bl int) { genThreads, genBlocksMax = th, bl }(genThreads, genBlocksMax)
	genThreads, genBlocksMax = 3, 3
	n := 60
	if testing.Short() {
		n = 15
	}
	rng := rand.New(rand.NewPCG(3, 4))
	handed := 0
	for i := 0; i < n; i++ {
		src := genProgram(rng)
		prog := mustCompile(t, src)
		for _, strategy := range []string{"dpor", "naive"} {
			seq := run(t, prog, Options{Strategy: strategy, MaxExecutions: 20000})
			if !seq.Exhaustive {
				continue
			}
			first := sameForEveryN(t, prog, strategy, 1, 2, 3)
			if !first.Exhaustive || outcomeSet(first) != outcomeSet(seq) || findingSet(first) != findingSet(seq) || first.Pos > 0 != (seq.Pos > 0) {
				t.Errorf("program %d %s: parallel %s / %s, sequential %s / %s\n%s", i, strategy, outcomeSet(first), findingSet(first), outcomeSet(seq), findingSet(seq), src)
			}
			var tasks int
			fmt.Sscanf(first.Note, "parallel search: %d tasks", &tasks)
			handed += tasks - 1
			// Below a given prefix (the last thread first), too.
			pfx := []int{len(prog.Threads) - 1}
			seqP := run(t, prog, Options{Strategy: strategy, Prefix: pfx})
			parP, err := ExploreParallel(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1, Prefix: pfx}, 2)
			if err != nil {
				t.Fatal(err)
			}
			if outcomeSet(parP) != outcomeSet(seqP) || findingSet(parP) != findingSet(seqP) {
				t.Errorf("program %d %s, prefix %v: parallel %s / %s, sequential %s / %s\n%s", i, strategy, pfx, outcomeSet(parP), findingSet(parP), outcomeSet(seqP), findingSet(seqP), src)
			}
		}
	}
	if handed == 0 {
		t.Error("no task handed work over: the test does not exercise donation")
	}
	t.Logf("%d tasks handed over", handed)
}

// Under a preemption bound, too, a parallel search that hands over work
// at every opportunity finds what bounded naive search finds.
func TestExploreParallelBounded(t *testing.T) {
	defer func(every int, over float64) { donateEvery, donateOver = every, over }(donateEvery, donateOver)
	donateEvery, donateOver = 2, 0
	rng := rand.New(rand.NewPCG(9, 9))
	compared := 0
	for i := 0; i < 150; i++ {
		src := genProgram(rng)
		prog := mustCompile(t, src)
		for _, b := range []int{0, 1, 2} {
			naive, err := Explore(context.Background(), prog, Options{Strategy: "naive", MaxPreemptions: b, MaxExecutions: 20000})
			if err != nil {
				t.Fatal(err)
			}
			if naive.Executions >= 20000 {
				continue
			}
			par, err := ExploreParallel(context.Background(), prog, Options{Strategy: "dpor", MaxPreemptions: b}, 2)
			if err != nil {
				t.Fatal(err)
			}
			compared++
			if outcomeSet(par) != outcomeSet(naive) || findingSet(par) != findingSet(naive) {
				t.Errorf("program %d, bound %d: parallel %s / %s, naive %s / %s\n%s", i, b, outcomeSet(par), findingSet(par), outcomeSet(naive), findingSet(naive), src)
			}
		}
	}
	if compared < 300 {
		t.Errorf("only %d comparisons", compared)
	}
}
