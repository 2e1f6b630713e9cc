package sim

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// TestParallelMatchesSequential checks, on every corpus test whose DPOR
// search is small, that the parallel search (-j) finds the same outcomes,
// the same verdict and the same findings as the sequential DPOR search,
// and that -j 1 and -j 2 give identical results. (Counts can differ: the
// parallel search counts each trace once, while sequential DPOR may run
// two executions of one trace when a dependency is only known after the
// fact, e.g. two cmpxchg that both fail and so only read.)
func TestParallelMatchesSequential(t *testing.T) {
	if testing.Short() {
		t.Skip("long: runs the corpus three times")
	}
	compared := 0
	var seqExecs, parExecs int
	for _, prog := range smallCorpus(t, 200_000) {
		seq, err := explore.Explore(context.Background(), prog, explore.Options{MaxPreemptions: -1})
		if err != nil {
			t.Fatal(err)
		}
		p1, err := explore.ExploreParallel(context.Background(), prog, explore.Options{MaxPreemptions: -1}, 1)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := explore.ExploreParallel(context.Background(), prog, explore.Options{MaxPreemptions: -1}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p1, p2) {
			t.Errorf("%s: -j 1 and -j 2 differ", prog.File)
		}
		if got, want := parallelSummary(p2), parallelSummary(seq); got != want {
			t.Errorf("%s: parallel\n%s\nsequential\n%s", prog.File, got, want)
		}
		compared++
		seqExecs += seq.Executions
		parExecs += p2.Executions
	}
	t.Logf("%d corpus tests compared; executions: sequential %d, parallel tasks %d", compared, seqExecs, parExecs)
	if compared < 200 {
		t.Errorf("only %d tests compared", compared)
	}
}

func parallelSummary(r *explore.Result) string {
	s := fmt.Sprintf("pos>0 %v neg>0 %v deadlocks %v crashes %v\n", r.Pos > 0, r.Neg > 0, r.Deadlocked > 0, r.Crashed > 0)
	for _, o := range r.Outcomes {
		s += fmt.Sprintf("%v sat=%v\n", o.Values, o.Satisfies)
	}
	var fs []string
	for _, f := range r.Findings {
		fs = append(fs, f.Kind+": "+f.Msg)
	}
	sort.Strings(fs)
	return s + fmt.Sprint(fs)
}
