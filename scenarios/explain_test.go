package scenarios

import (
	"context"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/sim"
)

// The explanation of R6's use-after-free needs one preemption: the fault
// starts, the detacher runs to the free, the fault goes on.
func TestExplainR6(t *testing.T) {
	b, err := FS.ReadFile("R6-free-without-grace-period.litmus")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	prog, _, err := sim.Compile("R6.litmus", src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Explore(context.Background(), prog, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, f := range res.Findings {
		if f.Kind == "use-after-free" && strings.Contains(f.Message, "spin_lock") {
			text, err = sim.Explain(context.Background(), prog, src, f)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	lines := strings.Split(text, "\n")
	if len(lines) < 6 || !strings.HasPrefix(lines[0], "Explanation: use-after-free with 1 preemption (replay ptl1.") ||
		!strings.HasPrefix(lines[1], "CPU0 (P0)") || !strings.Contains(lines[1], "CPU1 (P1)") {
		t.Fatalf("explanation:\n%s", text)
	}
	// P0's first row, then P1's rows (indented), then P0 again.
	if !strings.HasPrefix(lines[3], "pte = pte_offset_map_lock") || !strings.HasPrefix(strings.TrimSpace(lines[len(lines)-2]), "pte_free(mm, pmd_pgtable(old));") ||
		!strings.HasPrefix(lines[len(lines)-1], "pte = pte_offset_map_lock") {
		t.Errorf("diagram:\n%s", text)
	}
}
