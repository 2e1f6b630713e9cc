package perf

import (
	"context"
	"testing"
	"time"
)

func TestSuite(t *testing.T) {
	tm, err := Suite(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", *tm)
	if tm.YieldEveryMs != 0 {
		t.Errorf("yield_every_ms %v without yields", tm.YieldEveryMs)
	}
	if tm.Programs < 20 || tm.Executions < tm.Programs || tm.StepsPerPass < tm.Executions || tm.Passes != 1 || tm.Seconds <= 0 || tm.StepsPerSecond <= 0 {
		t.Errorf("timing %+v", *tm)
	}
	// The suite is deterministic: a second run explores the same.
	again, err := Suite(context.Background(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Executions != tm.Executions || again.StepsPerPass != tm.StepsPerPass {
		t.Errorf("two runs differ: %+v and %+v", *tm, *again)
	}
}

// Suite yields between scenarios as often as asked, and says so.
func TestSuiteYields(t *testing.T) {
	yields := 0
	tm, err := Suite(context.Background(), Config{Yield: func() { yields++ }, YieldEvery: time.Microsecond})
	if err != nil {
		t.Fatal(err)
	}
	// Two passes (the first, then one timed), a yield before every
	// scenario but the very first.
	if want := 2*tm.Programs - 1; yields < want {
		t.Errorf("%d yields in two passes of %d scenarios, want at least %d", yields, tm.Programs, want)
	}
	if tm.YieldEveryMs != 0.001 {
		t.Errorf("yield_every_ms %v", tm.YieldEveryMs)
	}
}
