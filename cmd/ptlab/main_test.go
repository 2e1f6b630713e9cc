package main

import (
	"strings"
	"testing"
)

func TestDispatchUsage(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		wantStdout bool // usage on stdout (help) rather than stderr
	}{
		{nil, 2, false},
		{[]string{"help"}, 0, true},
		{[]string{"--help"}, 0, true},
		{[]string{"frobnicate"}, 2, false},
	}
	for _, tt := range tests {
		var out, errb strings.Builder
		code := dispatch(tt.args, &out, &errb)
		if code != tt.code {
			t.Errorf("ptlab %v: exit %d, want %d", tt.args, code, tt.code)
		}
		got := errb.String()
		if tt.wantStdout {
			got = out.String()
		}
		if !strings.Contains(got, "usage: ptlab") {
			t.Errorf("ptlab %v: usage missing (stdout %q, stderr %q)", tt.args, out.String(), errb.String())
		}
	}
}

func TestPreludeCommand(t *testing.T) {
	var out, errb strings.Builder
	if code := dispatch([]string{"prelude", "pmd_lock"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "spinlock_t *pmd_lock(struct mm_struct *mm, pmd_t *pmd)") {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := dispatch([]string{"prelude", "pmd_lok"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "did you mean pmd_lock?") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// ptlab bench --only selects benchmarks by name; -j runs them as
// parallel searches and says so, with the same executions on 1 and 2
// workers; bad flags are refused.
func TestBenchCommand(t *testing.T) {
	var outs []string
	for _, j := range []string{"1", "2"} {
		var out, errb strings.Builder
		if code := dispatch([]string{"bench", "--json", "--no-traces", "--corpus", "/nonexistent", "--only", "^R6-scaled-3", "-j", j}, &out, &errb); code != 0 {
			t.Fatalf("-j %s: exit %d: %s", j, code, errb.String())
		}
		s := out.String()
		if strings.Count(s, `"name"`) != 1 || !strings.Contains(s, `"name": "R6-scaled-3threads"`) || !strings.Contains(s, `"workers": `+j) {
			t.Errorf("-j %s: output:\n%s", j, s)
		}
		outs = append(outs, s[strings.Index(s, `"executions"`):strings.Index(s, `"steps_per_second"`)])
	}
	if outs[0] != outs[1] {
		t.Errorf("-j 1 and -j 2 counted differently:\n%s\n%s", outs[0], outs[1])
	}
	for _, args := range [][]string{{"bench", "-j", "2", "--strategy", "optimal"}, {"bench", "--only", "("}} {
		var out, errb strings.Builder
		if code := dispatch(args, &out, &errb); code != 2 || errb.Len() == 0 {
			t.Errorf("ptlab %v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
