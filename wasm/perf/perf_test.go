package perf

import (
	"context"
	"testing"
)

func TestSuite(t *testing.T) {
	tm, err := Suite(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", *tm)
	if tm.Programs < 20 || tm.Executions < tm.Programs || tm.StepsPerPass < tm.Executions || tm.Passes != 1 || tm.Seconds <= 0 || tm.StepsPerSecond <= 0 {
		t.Errorf("timing %+v", *tm)
	}
	// The suite is deterministic: a second run explores the same.
	again, err := Suite(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if again.Executions != tm.Executions || again.StepsPerPass != tm.StepsPerPass {
		t.Errorf("two runs differ: %+v and %+v", *tm, *again)
	}
}
