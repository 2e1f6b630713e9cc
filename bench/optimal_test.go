package bench

import (
	"context"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// On the suite's scaled scenarios (three and four threads), optimal DPOR
// explores one execution per trace: as many as naive search counts where
// it finishes within NaiveBound, and as many as DPOR covers, with DPOR's
// final states and findings.
func TestOptimalScaled(t *testing.T) {
	cases, err := Suite("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name != "R6-scaled-3threads" && c.Name != "R6-scaled-4threads" && c.Name != "R11-scaled-3threads" {
			continue // R11-scaled-4threads (1,148,928 traces, minutes) is measured by ptlab bench
		}
		p := c.Progs[0]
		opt := explore.Options{Strategy: "optimal", MaxPreemptions: -1, CountTraces: true}
		o, err := explore.Explore(context.Background(), p, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Strategy = "dpor"
		d, err := explore.Explore(context.Background(), p, opt)
		if err != nil {
			t.Fatal(err)
		}
		if o.Executions != o.Traces || o.Traces != d.Traces || o.SleepBlocked != 0 || !o.Exhaustive {
			t.Errorf("%s: optimal %d executions, %d traces, %d sleep-blocked (exhaustive %v); dpor covered %d traces", c.Name, o.Executions, o.Traces, o.SleepBlocked, o.Exhaustive, d.Traces)
		}
		if len(o.Outcomes) != len(d.Outcomes) || len(o.Findings) != len(d.Findings) {
			t.Errorf("%s: optimal %d states, %d findings; dpor %d, %d", c.Name, len(o.Outcomes), len(o.Findings), len(d.Outcomes), len(d.Findings))
		}
		if n, ok, err := Traces(context.Background(), p); err != nil {
			t.Fatal(err)
		} else if ok && n != o.Executions {
			t.Errorf("%s: optimal %d executions, naive counted %d traces", c.Name, o.Executions, n)
		}
		t.Logf("%s: dpor %d executions, optimal %d", c.Name, d.Executions, o.Executions)
	}
}
