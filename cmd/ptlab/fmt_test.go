package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	messyTest = "C messy\n(* Result: Never *)\n{ int x=1; }\nP0(int* x) { int r0; r0=READ_ONCE(*x); // load\n}\nexists(0:r0=1)\n"
	tidyTest  = "C messy\n(* Result: Never *)\n\n{\n\tint x = 1;\n}\n\nP0(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x); // load\n}\n\nexists (0:r0=1)\n"
	badTest   = "C bad\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x 1);\n}\nexists (x=1)\n"
)

// writeTemp writes the named files into a fresh directory and returns
// their paths.
func writeTemp(t *testing.T, files ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 0; i < len(files); i += 2 {
		path := filepath.Join(dir, files[i])
		if err := os.WriteFile(path, []byte(files[i+1]), 0o640); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

func runFmt(args ...string) (code int, stdout, stderr string) {
	var out, errb strings.Builder
	code = fmtCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFmtPrints(t *testing.T) {
	paths := writeTemp(t, "messy.litmus", messyTest, "tidy.litmus", tidyTest)
	code, out, errs := runFmt(paths...)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if out != tidyTest+tidyTest {
		t.Errorf("stdout:\n%s\nwant the canonical form twice:\n%s", out, tidyTest)
	}
	if got := readFile(t, paths[0]); got != messyTest {
		t.Errorf("without -w the file changed:\n%s", got)
	}
}

func TestFmtList(t *testing.T) {
	paths := writeTemp(t, "messy.litmus", messyTest, "tidy.litmus", tidyTest)
	code, out, errs := runFmt(append([]string{"-l"}, paths...)...)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if out != paths[0]+"\n" {
		t.Errorf("-l listed %q, want only %s", out, paths[0])
	}
	if got := readFile(t, paths[0]); got != messyTest {
		t.Errorf("-l changed the file:\n%s", got)
	}
}

func TestFmtWrite(t *testing.T) {
	paths := writeTemp(t, "messy.litmus", messyTest, "tidy.litmus", tidyTest)
	// Make the tidy file's time stamp old, to see that -w leaves it alone.
	old := mustStat(t, paths[1]).ModTime().Add(-3600e9)
	if err := os.Chtimes(paths[1], old, old); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runFmt(append([]string{"-w", "-l"}, paths...)...)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if out != paths[0]+"\n" {
		t.Errorf("-w -l listed %q, want only %s", out, paths[0])
	}
	if got := readFile(t, paths[0]); got != tidyTest {
		t.Errorf("-w wrote:\n%s\nwant:\n%s", got, tidyTest)
	}
	if perm := mustStat(t, paths[0]).Mode().Perm(); perm != 0o640 {
		t.Errorf("-w changed the permissions to %v", perm)
	}
	if !mustStat(t, paths[1]).ModTime().Equal(old) {
		t.Errorf("-w rewrote a file that was already formatted")
	}

	// A second run finds nothing to do.
	code, out, _ = runFmt(append([]string{"-w", "-l"}, paths...)...)
	if code != 0 || out != "" {
		t.Errorf("second -w -l: exit %d, listed %q", code, out)
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestFmtErrors(t *testing.T) {
	paths := writeTemp(t, "bad.litmus", badTest, "tidy.litmus", tidyTest)
	code, out, errs := runFmt(append([]string{"-w"}, paths...)...)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	pos := regexp.MustCompile(`^` + regexp.QuoteMeta(paths[0]) + `:\d+:\d+: \S`)
	for _, l := range lines {
		if !pos.MatchString(l) {
			t.Errorf("stderr line %q is not file:line:col: message", l)
		}
	}
	if !strings.HasPrefix(errs, paths[0]+":5:") {
		t.Errorf("stderr %q, want the error on line 5", errs)
	}
	if got := readFile(t, paths[0]); got != badTest {
		t.Errorf("-w changed a file that does not parse:\n%s", got)
	}

	code, _, errs = runFmt(filepath.Join(t.TempDir(), "missing.litmus"))
	if code != 2 || !strings.Contains(errs, "missing.litmus") {
		t.Errorf("missing file: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runFmt()
	if code != 2 || !strings.Contains(errs, "usage: ptlab fmt") {
		t.Errorf("no files: exit %d, stderr %q", code, errs)
	}
	code, _, _ = runFmt("-x", paths[1])
	if code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}

func TestFmtDispatch(t *testing.T) {
	// dispatch sends "fmt" to fmtMain, which writes to the process's
	// stdout and stderr, so only the exit status is checked.
	var out, errb strings.Builder
	if code := dispatch([]string{"fmt"}, &out, &errb); code != 2 {
		t.Errorf("ptlab fmt without files: exit %d, want 2", code)
	}
}
