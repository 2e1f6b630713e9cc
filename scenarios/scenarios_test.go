package scenarios

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/sim"
)

// TestScenarios runs every scenario: a buggy file yields its expected
// finding, whose token reproduces it; a fixed file is explored
// exhaustively with no finding. Every scenario comes as a pair.
func TestScenarios(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no scenarios")
	}
	files := map[string]bool{}
	for _, s := range all {
		files[s.File] = true
	}
	for _, s := range all {
		t.Run(s.File, func(t *testing.T) {
			fixed := strings.HasSuffix(s.File, ".fixed.litmus")
			twin := strings.TrimSuffix(s.File, ".litmus") + ".fixed.litmus"
			if fixed {
				twin = strings.TrimSuffix(s.File, ".fixed.litmus") + ".litmus"
			}
			if !files[twin] {
				t.Errorf("no twin %s", twin)
			}
			if s.Expect == "" || fixed != (s.Expect == "none") {
				t.Fatalf("header says expect: %q", s.Expect)
			}
			res, err := sim.Run(context.Background(), s.File, s.Source, sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Exhaustive {
				t.Errorf("not exhaustive: %s", res.StopReason)
			}
			if fixed {
				if len(res.Findings) != 0 {
					t.Errorf("fixed version has findings: %+v", res.Findings)
				}
				return
			}
			found := false
			for _, f := range res.Findings {
				if f.Kind != s.Expect {
					continue
				}
				found = true
				rr, err := sim.Run(context.Background(), s.File, s.Source, sim.Options{Replay: f.Token})
				if err != nil {
					t.Fatalf("replay: %v", err)
				}
				ok := false
				for _, g := range rr.Findings {
					ok = ok || g.Kind == f.Kind && g.Message == f.Message
				}
				if !ok {
					t.Errorf("token %s does not reproduce %q", f.Token, f.Message)
				}
			}
			if !found {
				t.Errorf("no %s finding in %+v", s.Expect, res.Findings)
			}
		})
	}
}

// kernel.md §4 R8: with split PTE locks on, ptl and pml are different
// locks and both versions are clean.
func TestR8SplitLocksOn(t *testing.T) {
	for _, f := range []string{"R8-ptl-equals-pml.litmus", "R8-ptl-equals-pml.fixed.litmus"} {
		b, err := FS.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := strings.Replace(string(b), "CONFIG_SPLIT_PTE_PTLOCKS = 0;", "CONFIG_SPLIT_PTE_PTLOCKS = 1;", 1)
		res, err := sim.Run(context.Background(), f, src, sim.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 0 || !res.Exhaustive {
			t.Errorf("%s with split locks: findings %+v", f, res.Findings)
		}
	}
}

func TestImpossibleConfig(t *testing.T) {
	src := "C c\n{\n\tCONFIG_SPLIT_PTE_PTLOCKS = 0;\n\tCONFIG_SPLIT_PMD_PTLOCKS = 1;\n}\nP0(int *x) { }\nexists (true)\n"
	_, err := sim.Run(context.Background(), "c.litmus", src, sim.Options{})
	if err == nil || !strings.Contains(err.Error(), "c.litmus:4:2: impossible configuration") {
		t.Errorf("error %v", err)
	}
}

// On every scenario, DPOR finds the same final states and findings as
// naive search and covers every Mazurkiewicz trace naive search sees.
// Where naive search cannot finish within naiveBound executions (the
// larger kernel paths: two threads of 40 steps have ~10^23
// interleavings), every state and finding that the partial naive search
// and 2,000 random executions reach must be among DPOR's.
func TestScenariosDPORMatchesNaive(t *testing.T) {
	const naiveBound = 200000
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, s := range all {
		prog, _, err := sim.Compile(s.File, s.Source)
		if err != nil {
			t.Fatal(err)
		}
		opt := explore.Options{MaxPreemptions: -1, CountTraces: true, MaxExecutions: naiveBound}
		opt.Strategy = "naive"
		naive, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Strategy, opt.MaxExecutions = "dpor", 0
		dpor, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !dpor.Exhaustive {
			t.Errorf("%s: dpor not exhaustive: %s", s.File, dpor.StopReason)
		}
		if !naive.Exhaustive {
			random, err := explore.Explore(context.Background(), prog, explore.Options{Strategy: "random", Seed: 1, MaxExecutions: 2000, MaxPreemptions: -1})
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, l := range strings.Split(summary(dpor), "\n") {
				have[l] = true
			}
			for _, other := range []*explore.Result{naive, random} {
				for _, l := range strings.Split(summary(other), "\n") {
					if !have[l] {
						t.Errorf("%s: %s found %q, dpor did not", s.File, other.Strategy, l)
					}
				}
			}
			t.Logf("%s: naive stopped at %d executions; dpor %d executions, %d traces; partial naive and 2,000 random executions are covered", s.File, naive.Executions, dpor.Executions, dpor.Traces)
			continue
		}
		compared++
		if got, want := summary(dpor), summary(naive); got != want {
			t.Errorf("%s: dpor\n%s\nnaive\n%s", s.File, got, want)
		}
		if dpor.Traces != naive.Traces || dpor.Executions > naive.Executions {
			t.Errorf("%s: dpor %d executions, %d traces; naive %d executions, %d traces", s.File, dpor.Executions, dpor.Traces, naive.Executions, naive.Traces)
		}
	}
	if compared < len(all)/2 {
		t.Errorf("only %d of %d scenarios were small enough for naive search", compared, len(all))
	}
	t.Logf("%d of %d scenarios compared with exhaustive naive search", compared, len(all))
}

func summary(r *explore.Result) string {
	var lines []string
	for _, o := range r.Outcomes {
		lines = append(lines, fmt.Sprint(o.Values))
	}
	for _, f := range r.Findings {
		lines = append(lines, f.Kind+": "+f.Msg)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Under a preemption bound DPOR stays complete within the bound (bounded
// partial-order reduction): every state and finding naive search reaches
// with at most k preemptions, DPOR reaches too.
func TestScenariosBoundedDPOR(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	defer func() {
		t.Logf("%d (scenario, bound) pairs compared", compared)
		if compared < len(all) {
			t.Errorf("only %d pairs compared", compared)
		}
	}()
	for _, s := range all {
		prog, _, err := sim.Compile(s.File, s.Source)
		if err != nil {
			t.Fatal(err)
		}
		for _, bound := range []int{0, 1} {
			opt := explore.Options{Strategy: "naive", MaxPreemptions: bound, MaxExecutions: 200000}
			naive, err := explore.Explore(context.Background(), prog, opt)
			if err != nil {
				t.Fatal(err)
			}
			if naive.StopReason != "" && !strings.HasPrefix(naive.StopReason, "preemption bound") {
				continue // too large for naive search even with the bound
			}
			compared++
			opt.Strategy, opt.MaxExecutions = "dpor", 0
			dpor, err := explore.Explore(context.Background(), prog, opt)
			if err != nil {
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, l := range strings.Split(summary(dpor), "\n") {
				have[l] = true
			}
			for _, l := range strings.Split(summary(naive), "\n") {
				if !have[l] && !strings.HasPrefix(l, "lock-order") {
					t.Errorf("%s, bound %d: naive reaches %q, dpor does not", s.File, bound, l)
				}
			}
		}
	}
}
