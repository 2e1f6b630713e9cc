package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/report"
)

// corpusDir is the LKMM litmus corpus, in ../shared next to the repository.
const corpusDir = "../../../shared/litmus"

// corpusEntry is one row of INDEX.tsv, with its STATES.tsv row if any.
type corpusEntry struct {
	File     string
	SCResult string // Never, Sometimes, Always or DEADLOCK
	Notes    string
	States   []string // nil when STATES.tsv has no row
}

// loadCorpus reads the corpus index. Under CI a missing corpus fails the
// test; locally it skips with a message.
func loadCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(corpusDir, "INDEX.tsv"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("litmus corpus not found: %v", err)
		}
		t.Skipf("litmus corpus not found (expected ../shared/litmus next to the repository): %v", err)
	}
	statesTSV, err := os.ReadFile(filepath.Join(corpusDir, "STATES.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	states := map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(statesTSV)), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 3 {
			continue
		}
		states[cols[0]] = strings.Split(cols[2], " | ")
	}
	var out []corpusEntry
	lines := strings.Split(strings.TrimSpace(string(index)), "\n")
	header := strings.Split(lines[0], "\t")
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("INDEX.tsv has no column %q", name)
		return -1
	}
	fileCol, scCol, notesCol := col("file"), col("sc_result"), col("notes")
	for _, line := range lines[1:] {
		cols := strings.Split(line, "\t")
		e := corpusEntry{File: cols[fileCol], SCResult: cols[scCol]}
		if notesCol < len(cols) {
			e.Notes = cols[notesCol]
		}
		e.States = states[e.File]
		out = append(out, e)
	}
	return out
}

// stateSet renders a result's final states as STATES.tsv does, over the
// locations named in want (STATES.tsv's rows do not always cover every
// location herd prints: where a condition starts right after "exists" or
// on the next line, its first atom is missing from the row; see the
// note in the closing report). The projection keeps the comparison
// exact over the locations the reference does list.
func stateSet(r *report.Result, want []string) []string {
	keep := map[string]bool{}
	for _, st := range want {
		for _, kv := range strings.Split(st, ";") {
			if k, _, ok := strings.Cut(strings.TrimSpace(kv), "="); ok {
				keep[k] = true
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, s := range r.States {
		var b strings.Builder
		for i, loc := range r.Locations {
			if keep[loc] {
				fmt.Fprintf(&b, "%s=%s; ", loc, s.Values[i])
			}
		}
		line := strings.TrimSuffix(b.String(), " ")
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	sort.Strings(out)
	return out
}

// verdictOf maps a result to the sc_result vocabulary: the Result:
// convention calls "Never 0 0" (no complete execution survives) DEADLOCK.
func verdictOf(r *report.Result) string {
	if r.Pos+r.Neg == 0 {
		return "DEADLOCK"
	}
	return r.Verdict
}

// operationalDiffers lists the corpus tests whose operational SC answer
// differs from herd7 restricted to SC executions (SUMMARY.md §4.4). They
// are run like every other test and must give the operational answer,
// which INDEX.tsv records as sc_result:
//
//   - C-srcu-observed-4: LKMM's rcu axiom relates grace periods and
//     critical sections only through its propagation relations, so even
//     restricted to SC executions herd7 allows an outcome the two-step
//     grace period forbids (the test's own comment says the kernel is
//     expected to forbid it). herd7-sc: Sometimes 1 7; ptlab: Never.
//   - C-S-rcunoderef-1: plain accesses inside the critical section; the
//     LKMM rcu axiom constrains only marked accesses and flags a data
//     race. herd7-sc: Sometimes 1 2 [data-race]; ptlab: Never (as the
//     file's Result: line records).
var operationalDiffers = map[string]string{
	"paulmckrcu-litmus/manual/kernel/C-srcu-observed-4.litmus": "Never",
	"paulmckrcu-litmus/manual/plain/C-S-rcunoderef-1.litmus":   "Never",
}

func TestConformance(t *testing.T) {
	corpus := loadCorpus(t)
	run, agree, unsound, statesChecked, tokens := 0, 0, 0, 0, 0
	for _, e := range corpus {
		src, err := os.ReadFile(filepath.Join(corpusDir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		// The largest corpus test explores about 16 million executions.
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		prog, _, err := Compile(e.File, string(src))
		if err != nil {
			cancel()
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		res, err := Explore(ctx, prog, Options{})
		cancel()
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
			continue
		}
		run++
		tokens += checkTokens(t, prog, res)
		if !res.Exhaustive {
			t.Errorf("%s: not exhaustive: %s", e.File, res.StopReason)
		}
		got := verdictOf(res)
		if want, ok := operationalDiffers[e.File]; ok && (want != e.SCResult || got != want) {
			t.Errorf("%s: documented operational answer %s, sc_result %s, ptlab %s", e.File, want, e.SCResult, got)
		}
		if got == e.SCResult {
			agree++
		} else {
			t.Errorf("%s: verdict %s, want %s (%s)", e.File, got, e.SCResult, res.ExplorationLine())
			if e.SCResult == "Never" || e.SCResult == "DEADLOCK" {
				unsound++
			}
		}
		if e.States != nil && e.SCResult != "DEADLOCK" {
			statesChecked++
			want := append([]string(nil), e.States...)
			sort.Strings(want)
			if g := stateSet(res, want); strings.Join(g, " | ") != strings.Join(want, " | ") {
				t.Errorf("%s: states\n got  %v\n want %v", e.File, g, want)
			}
		}
	}
	t.Logf("conformance: %d run, %d agree, %d unsound; %d state sets compared; %d replay tokens checked", run, agree, unsound, statesChecked, tokens)
}

// checkTokens replays the token of every final state and finding of res
// and checks that it reproduces that state or finding. It returns the
// number of tokens checked.
func checkTokens(t *testing.T, prog *compile.Program, res *report.Result) int {
	t.Helper()
	n := 0
	for _, s := range res.States {
		rr, err := Explore(context.Background(), prog, Options{Replay: s.Token})
		n++
		if err != nil {
			t.Errorf("%s: state %s: token %s: %v", prog.File, res.StateLine(s), s.Token, err)
			continue
		}
		if len(rr.States) != 1 || rr.StateLine(rr.States[0]) != res.StateLine(s) {
			t.Errorf("%s: token %s replays to %v, want %s", prog.File, s.Token, rr.States, res.StateLine(s))
		}
	}
	for _, f := range res.Findings {
		rr, err := Explore(context.Background(), prog, Options{Replay: f.Token})
		n++
		if err != nil {
			t.Errorf("%s: finding %s: %v", prog.File, f.Message, err)
			continue
		}
		found := false
		for _, g := range rr.Findings {
			found = found || g.Kind == f.Kind && g.Message == f.Message
		}
		if !found {
			t.Errorf("%s: token %s does not reproduce %s: %s", prog.File, f.Token, f.Kind, f.Message)
		}
	}
	return n
}
