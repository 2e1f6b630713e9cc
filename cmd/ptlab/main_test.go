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
