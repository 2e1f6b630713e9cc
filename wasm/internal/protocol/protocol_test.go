package protocol

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEstimate(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		p    ProgressInfo
		want string
	}{
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 0, ElapsedMs: 0}, "0 executions"},
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 2048, ElapsedMs: 1000}, "2048 executions, 2048 executions/s; no estimate yet"},
		// Unbounded dpor/naive: the engine's estimate of the total gives the ETA.
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 2048, ElapsedMs: 1000, Estimate: 10240}, "2048 executions, 2048 executions/s; an estimated 10000 in all; about 4 s left"},
		{Options{Strategy: "naive"}, ProgressInfo{Executions: 3000, ElapsedMs: 1000, Estimate: 2.5e6}, "3000 executions, 3000 executions/s; an estimated 2.5 million in all; about 13 min 52 s left"},
		// The time limit comes first.
		{Options{Strategy: "dpor", TimeoutMs: 10000}, ProgressInfo{Executions: 2048, ElapsedMs: 1000, Estimate: 1e6}, "2048 executions, 2048 executions/s; an estimated 1 million in all; at most 9 s left"},
		// An estimate below what is done already (DPOR's backtrack sets grow) counts as done.
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 2048, ElapsedMs: 1000, Estimate: 1000}, "2048 executions, 2048 executions/s; an estimated 2000 in all; about 1 s left"},
		// An explicit bound wins over the estimate.
		{Options{Strategy: "dpor", Executions: 10240}, ProgressInfo{Executions: 2048, ElapsedMs: 1000, Estimate: 1e9}, "2048 executions, 2048 executions/s; about 4 s left"},
		{Options{Strategy: "dpor", Executions: 10240}, ProgressInfo{Executions: 2048, ElapsedMs: 1000}, "2048 executions, 2048 executions/s; about 4 s left"},
		{Options{Strategy: "random"}, ProgressInfo{Executions: 100, ElapsedMs: 2000}, "100 executions, 50.0 executions/s; about 18 s left"},
		{Options{Strategy: "pct", Executions: 5000}, ProgressInfo{Executions: 100, ElapsedMs: 2000}, "100 executions, 50.0 executions/s; about 1 min 38 s left"},
		{Options{Strategy: "dpor", TimeoutMs: 60000}, ProgressInfo{Executions: 3, ElapsedMs: 59500}, "3 executions, 0.05 executions/s; at most 1 s left"},
		{Options{Strategy: "dpor", Executions: 1 << 30, TimeoutMs: 10000}, ProgressInfo{Executions: 1024, ElapsedMs: 4000}, "1024 executions, 256 executions/s; at most 6 s left"},
		{Options{Strategy: "dpor", Executions: 100}, ProgressInfo{Executions: 200, ElapsedMs: 1000}, "200 executions, 200 executions/s; about 1 s left"},
	} {
		if got := Estimate(tc.o, tc.p); got != tc.want {
			t.Errorf("Estimate(%+v, %+v) =\n  %q\nwant\n  %q", tc.o, tc.p, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := DefaultOptions().Validate(); err != nil {
		t.Errorf("default options: %v", err)
	}
	for _, s := range Strategies {
		o := DefaultOptions()
		o.Strategy = s
		if err := o.Validate(); err != nil {
			t.Errorf("strategy %s: %v", s, err)
		}
	}
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Strategy: "bfs"}, "unknown strategy"},
		{Options{Executions: -1}, "execution bound"},
		{Options{Steps: -5}, "step bound"},
		{Options{Preemptions: -2}, "preemption bound"},
		{Options{Depth: -1}, "PCT depth"},
		{Options{TimeoutMs: -1}, "time limit"},
		{Options{Strategy: "optimal", Preemptions: 2}, "optimal strategy cannot take a preemption bound"},
	} {
		if err := tc.o.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v, want an error about %q", tc.o, err, tc.want)
		}
	}
}

// TestRequestJSON pins the wire names the page's JavaScript-free Go code
// and the worker both rely on.
func TestRequestJSON(t *testing.T) {
	b, err := json.Marshal(Request{ID: 3, Type: Run, Script: "C x", Options: DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":3,"type":"run","script":"C x","options":{"strategy":"dpor","seed":1,"executions":0,"steps":0,"preemptions":-1,"depth":0,"timeout_ms":60000}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestFraction(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		p    ProgressInfo
		want float64
	}{
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 5000, ElapsedMs: 1000}, -1},
		{Options{Strategy: "random"}, ProgressInfo{Executions: 250, ElapsedMs: 1000}, 0.25},
		{Options{Strategy: "dpor", Executions: 100}, ProgressInfo{Executions: 50, ElapsedMs: 1000}, 0.5},
		{Options{Strategy: "dpor", TimeoutMs: 4000}, ProgressInfo{Executions: 50, ElapsedMs: 1000}, 0.25},
		{Options{Strategy: "dpor", Executions: 100, TimeoutMs: 4000}, ProgressInfo{Executions: 60, ElapsedMs: 1000}, 0.6},
		{Options{Strategy: "dpor", Executions: 100}, ProgressInfo{Executions: 500, ElapsedMs: 1000}, 1},
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 500, ElapsedMs: 1000, Estimate: 2000}, 0.25},
		{Options{Strategy: "naive", TimeoutMs: 2000}, ProgressInfo{Executions: 500, ElapsedMs: 1000, Estimate: 2000}, 0.5},
		{Options{Strategy: "dpor"}, ProgressInfo{Executions: 500, ElapsedMs: 1000, Estimate: 100}, 1},
	} {
		if got := Fraction(tc.o, tc.p); got != tc.want {
			t.Errorf("Fraction(%+v, %+v) = %v, want %v", tc.o, tc.p, got, tc.want)
		}
	}
}
