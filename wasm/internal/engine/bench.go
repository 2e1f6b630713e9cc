package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/perf"
)

// bench answers Bench: the scenario suite timed for at least MinMs
// (perf.Suite), for the browser tests' throughput comparison.
func bench(req protocol.Request) protocol.Response {
	t, err := perf.Suite(context.Background(), time.Duration(req.MinMs)*time.Millisecond)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	return protocol.Response{Type: protocol.Timing, Timing: b}
}
