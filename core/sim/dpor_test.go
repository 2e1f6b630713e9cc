package sim

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
)

// naiveLimit is the largest exploration the DPOR-versus-naive comparison
// runs naively ("up to about a million executions").
const naiveLimit = 1_000_000

// traceLimit bounds the naive runs in which every execution's
// Mazurkiewicz trace is also computed (that costs memory per trace).
const traceLimit = 200_000

// estimateInterleavings runs one execution and returns the multinomial
// (n1+...+nk)!/(n1!...nk!) of its per-thread step counts: the number of
// interleavings if no thread ever blocked or branched differently.
func estimateInterleavings(prog *compile.Program) *big.Int {
	s := explore.NewSession(prog)
	steps := make([]int64, len(prog.Threads))
	for en := s.Enabled(); len(en) > 0; en = s.Enabled() {
		steps[en[0]]++
		s.Step(en[0])
	}
	total, out := int64(0), big.NewInt(1)
	for _, n := range steps {
		total += n
	}
	out.MulRange(1, total)
	for _, n := range steps {
		var f big.Int
		out.Div(out, f.MulRange(1, n))
	}
	return out
}

// TestDPORMatchesNaive checks, on every corpus test small enough to
// explore naively, that DPOR finds exactly the final states and
// findings naive search finds, explores no more executions, and (where
// traces are counted) covers every Mazurkiewicz trace naive search sees.
func TestDPORMatchesNaive(t *testing.T) {
	if testing.Short() {
		t.Skip("long: runs naive exploration over the corpus")
	}
	corpus := loadCorpus(t)
	compared, fewer, traced, tooLarge := 0, 0, 0, []string{}
	var naiveTotal, dporTotal int
	var optTotal, optBlocked, exact int
	for _, e := range corpus {
		src, err := os.ReadFile(filepath.Join(corpusDir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		prog, _, err := Compile(e.File, string(src))
		if err != nil {
			t.Fatal(err)
		}
		if est := estimateInterleavings(prog); est.Cmp(big.NewInt(2*naiveLimit)) > 0 {
			tooLarge = append(tooLarge, e.File)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		naive, err := explore.Explore(ctx, prog, explore.Options{Strategy: "naive", MaxExecutions: naiveLimit, MaxPreemptions: -1})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !naive.Exhaustive {
			tooLarge = append(tooLarge, e.File)
			continue
		}
		countTraces := naive.Executions <= traceLimit
		if countTraces {
			naive, _ = explore.Explore(context.Background(), prog, explore.Options{Strategy: "naive", MaxPreemptions: -1, CountTraces: true})
		}
		dpor, err := explore.Explore(context.Background(), prog, explore.Options{Strategy: "dpor", MaxPreemptions: -1, CountTraces: countTraces})
		if err != nil {
			t.Fatal(err)
		}
		compared++
		naiveTotal += naive.Executions
		dporTotal += dpor.Executions
		if got, want := outcomeKey(prog, dpor), outcomeKey(prog, naive); got != want {
			t.Errorf("%s: dpor states\n %s\nnaive\n %s", e.File, got, want)
		}
		if got, want := findingKey(dpor), findingKey(naive); got != want {
			t.Errorf("%s: dpor findings %s, naive %s", e.File, got, want)
		}
		if dpor.Executions > naive.Executions {
			t.Errorf("%s: dpor explored %d executions, naive %d", e.File, dpor.Executions, naive.Executions)
		}
		if dpor.Executions < naive.Executions {
			fewer++
		}
		if countTraces {
			traced++
			if dpor.Traces != naive.Traces {
				t.Errorf("%s: dpor covered %d traces, naive saw %d", e.File, dpor.Traces, naive.Traces)
			}
		}
		opt, err := explore.Explore(context.Background(), prog, explore.Options{Strategy: "optimal", MaxPreemptions: -1, CountTraces: countTraces})
		if err != nil {
			t.Fatal(err)
		}
		optTotal += opt.Executions
		optBlocked += opt.SleepBlocked
		if got, want := outcomeKey(prog, opt), outcomeKey(prog, naive); got != want {
			t.Errorf("%s: optimal states\n %s\nnaive\n %s", e.File, got, want)
		}
		if got, want := findingKey(opt), findingKey(naive); got != want {
			t.Errorf("%s: optimal findings %s, naive %s", e.File, got, want)
		}
		if opt.Note != "" || !opt.Exhaustive {
			t.Errorf("%s: optimal: exhaustive %v, note %q", e.File, opt.Exhaustive, opt.Note)
		}
		if countTraces {
			if opt.Traces != naive.Traces {
				t.Errorf("%s: optimal covered %d traces, naive saw %d", e.File, opt.Traces, naive.Traces)
			}
			if opt.Executions-opt.SleepBlocked == naive.Traces {
				exact++
			} else {
				t.Errorf("%s: optimal explored %d executions (%d sleep-blocked), naive saw %d traces (dpor %d executions)", e.File, opt.Executions, opt.SleepBlocked, naive.Traces, dpor.Executions)
			}
		}
	}
	t.Logf("optimal vs naive: %d of %d traced tests with executions = traces (ratio 1.00), %d optimal executions (%d sleep-blocked) vs %d dpor", exact, traced, optTotal, optBlocked, dporTotal)
	t.Logf("dpor vs naive: %d tests compared (%d with fewer executions, %d with traces counted), %d naive executions vs %d dpor; %d too large for naive exploration: %s",
		compared, fewer, traced, naiveTotal, dporTotal, len(tooLarge), strings.Join(tooLarge, " "))
}

func outcomeKey(prog *compile.Program, r *explore.Result) string {
	var b strings.Builder
	for _, o := range r.Outcomes {
		for i, v := range o.Values {
			b.WriteString(prog.Locs[i].Name + "=" + prog.Layout.PtrName(v) + ";")
		}
		b.WriteString(" | ")
	}
	return b.String()
}

func findingKey(r *explore.Result) string {
	var lines []string
	for _, f := range r.Findings {
		lines = append(lines, f.Kind+": "+f.Msg)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
