package sim

import (
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
)

// smallCorpus compiles the corpus tests whose interleaving estimate
// (estimateInterleavings) is at most limit.
func smallCorpus(tb testing.TB, limit int64) []*compile.Program {
	var progs []*compile.Program
	for _, e := range loadCorpus(tb) {
		src, err := os.ReadFile(filepath.Join(corpusDir, e.File))
		if err != nil {
			tb.Fatal(err)
		}
		prog, _, err := Compile(e.File, string(src))
		if err != nil {
			tb.Fatal(err)
		}
		if estimateInterleavings(prog).Cmp(big.NewInt(limit)) <= 0 {
			progs = append(progs, prog)
		}
	}
	return progs
}
