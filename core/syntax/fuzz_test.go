package syntax

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that the parser never panics and that every error it
// reports has a position. Seeds: the tests in testdata and a few corpus
// files when the corpus is present.
func FuzzParse(f *testing.F) {
	f.Add("C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n")
	f.Add("C t\n{ int *p = &x; 0:r0=1; }\nP0(int *p) { int r0; while (r0 < 3) { r0++; } }\nlocations [p]\nfilter (0:r0=3)\n~exists (0:r0=1 \\/ ~(p=x))\n")
	f.Add("C t (* c *)\n\"doc\"\nK=V\n{}\nint h(int a) { again: if (a) goto again; return a ? 1 : -a; }\nP0(int *x) { do { x[0] = h(1) << 2; } while (0); }\nforall (true)\n")
	matches, _ := filepath.Glob(filepath.Join(corpusDir, "torvalds-linux/tools/memory-model/litmus-tests/*.litmus"))
	for i, m := range matches {
		if i >= 8 {
			break
		}
		if b, err := os.ReadFile(m); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, errs := Parse("fuzz.litmus", src)
		for _, e := range errs {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("parser failed internally: %v", e)
			}
			if !e.Pos.IsValid() {
				t.Fatalf("error without a position: %v", e)
			}
		}
	})
}
