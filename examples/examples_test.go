package examples

import (
	"context"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/sim"
)

// TestExamplesRun runs every example the menu offers and checks the
// litmus tests' verdicts against SOURCES.tsv, so the menu never offers a
// script that fails to compile or contradicts its note.
func TestExamplesRun(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var nlit, nsc int
	for _, ex := range all {
		if ex.Name == "" || ex.Source == "" || ex.Note == "" {
			t.Errorf("%s: incomplete entry %+v", ex.File, ex)
		}
		switch ex.Group {
		case "Scenarios":
			nsc++
			continue // scenarios_test runs these with their expectations
		case "LKMM litmus tests":
			nlit++
		default:
			t.Errorf("%s: unknown group %q", ex.File, ex.Group)
		}
		res, err := sim.Run(context.Background(), ex.File, ex.Source, sim.Options{})
		if err != nil {
			t.Errorf("%s: %v", ex.File, err)
			continue
		}
		got := res.Verdict
		if res.Pos+res.Neg == 0 {
			got = "Never 0 0"
		}
		if !strings.Contains(ex.Note, "says "+got) && !strings.Contains(ex.Note, "expected: "+got) ||
			got != "Never 0 0" && strings.Contains(ex.Note, "Never 0 0") {
			t.Errorf("%s: ptlab says %s, but the menu's note is %q", ex.File, got, ex.Note)
		}
	}
	if nlit < 15 || nsc < 10 {
		t.Errorf("%d litmus tests and %d scenarios; want at least 15 and 10", nlit, nsc)
	}
}
