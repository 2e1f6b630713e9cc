package scenarios

import (
	"context"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/sim"
)

// On every scenario, optimal DPOR explores exactly one execution per
// Mazurkiewicz trace: as many as the traces naive search counts where
// it finishes, and as many as DPOR covers everywhere (DPOR explores at
// least one execution of every trace); its executions are pairwise
// inequivalent, none is sleep-set blocked, and it finds DPOR's (and
// naive search's) final states and findings.
func TestScenariosOptimal(t *testing.T) {
	const naiveBound = 20000
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var dporTotal, optTotal, naiveCompared int
	for _, s := range all {
		prog, _, err := sim.Compile(s.File, s.Source)
		if err != nil {
			t.Fatal(err)
		}
		opt := explore.Options{MaxPreemptions: -1, CountTraces: true}
		opt.Strategy = "dpor"
		dpor, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Strategy = "optimal"
		optimal, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		dporTotal += dpor.Executions
		optTotal += optimal.Executions
		if !optimal.Exhaustive || optimal.Note != "" || optimal.SleepBlocked != 0 {
			t.Errorf("%s: optimal exhaustive %v (%s), note %q, %d sleep-blocked", s.File, optimal.Exhaustive, optimal.StopReason, optimal.Note, optimal.SleepBlocked)
		}
		if optimal.Executions != optimal.Traces || optimal.Traces != dpor.Traces {
			t.Errorf("%s: optimal %d executions, %d traces; dpor covered %d traces", s.File, optimal.Executions, optimal.Traces, dpor.Traces)
		}
		if got, want := summary(optimal), summary(dpor); got != want {
			t.Errorf("%s: optimal\n%s\ndpor\n%s", s.File, got, want)
		}
		opt.Strategy, opt.MaxExecutions = "naive", naiveBound
		naive, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !naive.Exhaustive {
			continue
		}
		naiveCompared++
		if optimal.Executions != naive.Traces {
			t.Errorf("%s: optimal %d executions, naive counted %d traces", s.File, optimal.Executions, naive.Traces)
		}
		if got, want := summary(optimal), summary(naive); got != want {
			t.Errorf("%s: optimal\n%s\nnaive\n%s", s.File, got, want)
		}
	}
	t.Logf("%d scenarios (%d with naive trace counts): dpor %d executions, optimal %d", len(all), naiveCompared, dporTotal, optTotal)
}
