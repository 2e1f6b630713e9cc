package sim

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
)

// fmtFingerprint is how replay tokens' program fingerprint was computed
// when the format was made (token version 1), through fmt. The engine
// now writes the same text by hand (explore.fingerprint); tokens saved in
// experiments, share links and lessons stay valid only while the two
// agree.
func fmtFingerprint(prog *compile.Program) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d|", len(prog.Threads))
	for _, o := range prog.Layout.Objects {
		fmt.Fprintf(h, "%s:%d;", o.Name, o.Size)
	}
	fmt.Fprintf(h, "|%v|%v|%v|%v|%v|", prog.InitMem, prog.Consts, prog.Addrs, prog.Layout.Config, prog.PureNames)
	for _, f := range prog.Funcs {
		fmt.Fprintf(h, "%s%v%v%v|", f.Name, f.Code, f.Init, f.NLocals)
	}
	for _, t := range prog.Tmpls {
		fmt.Fprintf(h, "%d/%d/%d/%v%v%v;", t.Op.Kind, t.Op.RMW, t.Op.Ret, t.HasAddr, t.NArgs, t.Result)
	}
	return h.Sum32()
}

// TestFingerprintFormat checks explore.Fingerprint against fmtFingerprint
// on every program at hand: the LKMM corpus, the page-table scenarios and
// the examples, with both page-table lock configurations.
func TestFingerprintFormat(t *testing.T) {
	var files []string
	for _, e := range loadCorpus(t) {
		files = append(files, filepath.Join(corpusDir, e.File))
	}
	for _, glob := range []string{"../../scenarios/*.litmus", "../../examples/litmus/*.litmus"} {
		m, err := filepath.Glob(glob)
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: %v files (%v)", glob, len(m), err)
		}
		files = append(files, m...)
	}
	checked := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, split := range []bool{true, false} {
			p, _, err := Compile(f, string(src))
			if err != nil {
				continue // the corpus has tests ptlab refuses, with reasons (conformance)
			}
			p.Layout.Config.SplitPTE, p.Layout.Config.SplitPMD = split, split
			if got, want := explore.Fingerprint(p), fmtFingerprint(p); got != want {
				t.Errorf("%s (split locks %v): fingerprint %#x, fmt's text gives %#x", f, split, got, want)
			}
			checked++
		}
	}
	if checked < 2*350 {
		t.Errorf("only %d programs compiled", checked)
	}
	t.Logf("%d programs", checked)
}
