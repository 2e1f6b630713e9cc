package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sbLocks = `C SB+locks

{}

P0(int *x, int *y, spinlock_t *l)
{
	int r0;
	spin_lock(l);
	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
	spin_unlock(l);
}

P1(int *x, int *y, spinlock_t *l)
{
	int r0;
	spin_lock(l);
	WRITE_ONCE(*y, 1);
	r0 = READ_ONCE(*x);
	spin_unlock(l);
}

exists (0:r0=0 /\ 1:r0=0)
`

const abba = `C ABBA
{}
P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }
exists (true)
`

func write(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runArgs(args ...string) (int, string, string) {
	var out, errb strings.Builder
	code := runCmd(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunText(t *testing.T) {
	f := write(t, "sb.litmus", sbLocks)
	code, out, errs := runArgs(f)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	want := `Test SB+locks Allowed
States 2
0:r0=0; 1:r0=1;
0:r0=1; 1:r0=0;
No
Witnesses
Positive: 0 Negative: 2
Condition exists (0:r0=0 /\ 1:r0=0)
Observation SB+locks Never 0 2
Explored 2 executions (dpor): exhaustive; 2 complete
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestRunJSON(t *testing.T) {
	f := write(t, "sb.litmus", sbLocks)
	code, out, _ := runArgs("--json", f)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var v struct {
		Name       string  `json:"name"`
		Condition  *string `json:"condition"`
		Verdict    *string `json:"verdict"`
		Positive   int     `json:"positive"`
		Negative   int     `json:"negative"`
		Executions int     `json:"executions"`
		Exhaustive bool    `json:"exhaustive"`
		States     []struct {
			Values map[string]any `json:"values"`
			Count  int            `json:"count"`
			Token  string         `json:"token"`
		} `json:"states"`
		Findings []struct{ Kind, Message, Token string } `json:"findings"`
		Stats    map[string]int                          `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if v.Name != "SB+locks" || v.Verdict == nil || *v.Verdict != "Never" || v.Positive != 0 || v.Negative != 2 ||
		v.Executions != 2 || !v.Exhaustive || len(v.States) != 2 || v.Stats["complete"] != 2 {
		t.Errorf("unexpected JSON: %s", out)
	}
	if *v.Condition != `exists (0:r0=0 /\ 1:r0=0)` {
		t.Errorf("condition %q", *v.Condition)
	}
	if s := v.States[0]; s.Values["0:r0"] != 0.0 || s.Values["1:r0"] != 1.0 || s.Count != 1 || !strings.HasPrefix(s.Token, "ptl1.") {
		t.Errorf("state %+v", s)
	}
	// The token replays.
	code, out, errs := runArgs("--replay", v.States[0].Token, f)
	if code != 0 || !strings.Contains(out, "States 1\n0:r0=0; 1:r0=1;\n") {
		t.Errorf("replay: exit %d, %s %s", code, out, errs)
	}
}

func TestRunNoCondition(t *testing.T) {
	f := write(t, "nc.litmus", "C nc\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\n")
	code, out, _ := runArgs("--json", f)
	if code != 0 || !strings.Contains(out, `"condition":null`) || !strings.Contains(out, `"verdict":null`) {
		t.Errorf("exit %d: %s", code, out)
	}
}

func TestRunExitCodes(t *testing.T) {
	good := write(t, "sb.litmus", sbLocks)
	dead := write(t, "abba.litmus", abba)
	bad := write(t, "bad.litmus", "C bad\n{}\nP0(int *x) { WRITE_ONCE(*x 1); }\n")
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{good}, 0, ""},
		{[]string{dead}, 0, ""},
		{[]string{"--fail-on-findings", good}, 0, ""},
		{[]string{"--fail-on-findings", dead}, 1, ""},
		{[]string{bad}, 2, "bad.litmus:3:28: expected \")\""},
		{[]string{"--strategy", "magic", good}, 2, "unknown strategy"},
		{[]string{"--nonsense", good}, 2, "flag provided but not defined"},
		{[]string{}, 2, "usage"},
		{[]string{"-h"}, 0, ""},
		{[]string{filepath.Join(t.TempDir(), "missing.litmus")}, 2, "no such file"},
		{[]string{"--replay", "ptl1.zzzz", good}, 2, "replay token"},
	}
	for _, c := range cases {
		code, _, errs := runArgs(c.args...)
		if code != c.code || !strings.Contains(errs, c.err) {
			t.Errorf("ptlab run %v: exit %d, stderr %q; want %d and %q", c.args, code, errs, c.code, c.err)
		}
	}
}

func TestRunDeadlockReport(t *testing.T) {
	f := write(t, "abba.litmus", abba)
	_, out, _ := runArgs(f)
	for _, want := range []string{"DEADLOCK: deadlock: P0 at 3:50 waits in spin_lock(b): held by P1; P1 at 4:50 waits in spin_lock(a): held by P0", "replay: ptl1."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// Two runs of the same test with the same options print the same bytes,
// for every strategy.
func TestRunDeterministic(t *testing.T) {
	f := write(t, "abba.litmus", abba)
	g := write(t, "sb.litmus", sbLocks)
	for _, s := range []string{"dpor", "naive", "random", "pct"} {
		for _, j := range []string{"--json=false", "--json"} {
			_, a, _ := runArgs("--strategy", s, "--seed", "5", j, f, g)
			_, b, _ := runArgs("--strategy", s, "--seed", "5", j, f, g)
			if a != b || a == "" {
				t.Errorf("%s %s: outputs differ or are empty", s, j)
			}
		}
	}
}

func TestRunExplain(t *testing.T) {
	f := write(t, "abba.litmus", abba)
	code, out, errs := runArgs("--explain", f)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "Explanation: deadlock with 1 preemption") || !strings.Contains(out, "CPU0 (P0)") {
		t.Errorf("output:\n%s", out)
	}
}

// --estimate prints Knuth's estimate to stderr and leaves stdout as it
// was (the herd text stays byte-identical).
func TestRunEstimate(t *testing.T) {
	f := write(t, "sb.litmus", sbLocks)
	code, plain, _ := runArgs(f)
	code2, out, errs := runArgs("--estimate", "--progress", f)
	if code != 0 || code2 != 0 || out != plain {
		t.Fatalf("exit %d/%d; stdout differs: %q vs %q", code, code2, out, plain)
	}
	if !strings.Contains(errs, "estimate: about 2 executions for naive search") {
		t.Errorf("stderr: %q", errs)
	}
}
