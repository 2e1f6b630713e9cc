package sim

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// TestBoundedDPORComplete checks that DPOR under a preemption bound is
// complete within the bound (bounded partial-order reduction, Coons,
// Musuvathi and McKinley, OOPSLA 2013): on every small corpus test and
// for bounds 0, 1 and 2, it reaches every final state and finding that
// naive search under the same bound reaches.
func TestBoundedDPORComplete(t *testing.T) {
	if testing.Short() {
		t.Skip("long: runs the corpus six times")
	}
	compared, missed, naiveExecs, dporExecs := 0, 0, 0, 0
	for _, prog := range smallCorpus(t, 100_000) {
		for _, bound := range []int{0, 1, 2} {
			opt := explore.Options{Strategy: "naive", MaxPreemptions: bound}
			naive, err := explore.Explore(context.Background(), prog, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.Strategy = "dpor"
			dpor, err := explore.Explore(context.Background(), prog, opt)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, l := range boundedSummary(dpor) {
				have[l] = true
			}
			for _, l := range boundedSummary(naive) {
				if !have[l] {
					missed++
					t.Errorf("%s, bound %d: naive reaches %q, dpor does not", prog.File, bound, l)
				}
			}
			compared++
			naiveExecs += naive.Executions
			dporExecs += dpor.Executions
		}
	}
	t.Logf("%d (test, bound) pairs compared, %d misses; executions: naive %d, bounded dpor %d", compared, missed, naiveExecs, dporExecs)
}

func boundedSummary(r *explore.Result) []string {
	var lines []string
	for _, o := range r.Outcomes {
		var vs []string
		for _, v := range o.Values {
			vs = append(vs, v.String())
		}
		lines = append(lines, "state "+strings.Join(vs, " "))
	}
	for _, f := range r.Findings {
		if f.Kind == "lock-order" {
			continue // accumulated over executions: the set depends on which ran
		}
		lines = append(lines, f.Kind+": "+f.Msg)
	}
	sort.Strings(lines)
	return lines
}
