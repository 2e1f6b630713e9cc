package scenarios

import (
	"context"
	"strings"
	"testing"

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
