package main

import (
	"strings"
	"testing"
)

func TestLessonsCheck(t *testing.T) {
	var out, errb strings.Builder
	if code := dispatch([]string{"lessons", "check"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "blocks: ok") {
		t.Errorf("ptlab lessons check: exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := dispatch([]string{"lessons"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage: ptlab lessons check") {
		t.Errorf("ptlab lessons: exit %d, stderr %q", code, errb.String())
	}
}
