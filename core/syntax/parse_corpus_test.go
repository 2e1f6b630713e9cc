package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared LKMM corpus next to the repository.
const corpusDir = "../../../shared/litmus"

// TestParseCorpus parses every test of the conformance corpus.
func TestParseCorpus(t *testing.T) {
	index, err := os.ReadFile(filepath.Join(corpusDir, "INDEX.tsv"))
	if err != nil {
		t.Skipf("corpus not found: %v", err)
	}
	n := 0
	for i, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		if i == 0 {
			continue
		}
		name := strings.SplitN(line, "\t", 2)[0]
		src, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, errs := Parse(name, string(src))
		if len(errs) > 0 {
			t.Errorf("%v", errs)
			continue
		}
		if len(f.Threads) == 0 {
			t.Errorf("%s: no threads", name)
		}
		n++
	}
	if n != 382 {
		t.Errorf("parsed %d tests, want 382", n)
	}
}
