package engine

import (
	"encoding/json"
	"testing"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/perf"
)

func TestBench(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Bench, MinMs: 50})
	if resp.Type != protocol.Timing {
		t.Fatalf("bench: %+v", resp)
	}
	var tm perf.Timing
	if err := json.Unmarshal(resp.Timing, &tm); err != nil {
		t.Fatal(err)
	}
	if tm.Programs < 20 || tm.Passes < 1 || tm.Seconds < 0.05 || tm.StepsPerSecond <= 0 {
		t.Errorf("timing %+v", tm)
	}
}
