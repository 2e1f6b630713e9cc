package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/perf"
)

// bench answers Bench: the scenario suite timed for at least MinMs
// after warming up for WarmupMs (perf.Suite; in the browser, the JIT
// tiers the engine's code up during the first passes), for the browser
// tests' throughput comparison. It yields as an exploration does
// (e.Yield every YieldEvery), so that it measures the engine the way the
// playground runs it.
func (e *Engine) bench(req protocol.Request) protocol.Response {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	t, err := perf.Suite(context.Background(), perf.Config{Warmup: ms(req.WarmupMs), Min: ms(req.MinMs), Yield: e.Yield, YieldEvery: YieldEvery})
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	return protocol.Response{Type: protocol.Timing, Timing: b}
}
