// Package perf measures the engine's throughput on the scenario suite
// the same way wherever it runs: natively, and in the playground's Web
// Worker (wasm/worker answers a "bench" request with it), so that the
// browser tests can compare the two. It is pure Go.
package perf

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/scenarios"
)

// Timing is the throughput of the engine on the scenario suite (every
// scenario of package scenarios, buggy and fixed, explored exhaustively
// with DPOR, as the "scenario-suite" case of ptlab bench), measured
// where it ran.
type Timing struct {
	Programs       int     `json:"programs"`         // scenarios in one pass
	Executions     int     `json:"executions"`       // executions in one pass
	StepsPerPass   int     `json:"steps_per_pass"`   // visible steps in one pass
	FirstPassMs    float64 `json:"first_pass_ms"`    // the first pass, not counted in the rate (in wasm, the JIT's tier-up starts)
	WarmupPasses   int     `json:"warmup_passes"`    // more passes not counted, while warming up
	Passes         int     `json:"passes"`           // timed passes after them
	Seconds        float64 `json:"seconds"`          // their wall time
	StepsPerSecond float64 `json:"steps_per_second"` // their rate
	Platform       string  `json:"platform"`         // GOOS/GOARCH
	YieldEveryMs   float64 `json:"yield_every_ms"`   // how often it yielded (Config.Yield), or 0
	Yields         int     `json:"yields"`           // yields during the timed passes
	YieldedMs      float64 `json:"yielded_ms"`       // time spent in them (part of Seconds)
}

// Config says how long Suite runs and how it yields.
type Config struct {
	Warmup time.Duration // passes not counted, at least one
	Min    time.Duration // then passes counted until this has passed

	// Yield, if not nil, is called between scenarios at least every
	// YieldEvery, as the playground's worker yields while it explores
	// (engine.Engine.Yield, every engine.YieldEvery, so that it sees
	// incoming messages). In js/wasm the program has one thread: the
	// garbage collector marks only when the engine yields, and a cycle
	// without yields keeps its write barriers on for seconds (measured
	// under Node: mark phases of 3.6-4.6 s, against 41-69 ms with the
	// yields, and 20-50% fewer steps/s). Native runs need none.
	Yield      func()
	YieldEvery time.Duration
}

// Suite compiles every scenario once, explores them one after the other
// with DPOR (explore.Explore without a preemption bound, as ptlab bench
// does), repeatedly for cfg.Warmup (at least one pass) and then until
// cfg.Min has passed, and returns the timing of the second part.
func Suite(ctx context.Context, cfg Config) (*Timing, error) {
	warmup, min := cfg.Warmup, cfg.Min
	all, err := scenarios.All()
	if err != nil {
		return nil, err
	}
	var progs []*compile.Program
	for _, s := range all {
		p, _, err := sim.Compile(s.File, s.Source)
		if err != nil {
			return nil, err
		}
		progs = append(progs, p)
	}
	lastYield := time.Now()
	var yields int
	var yielded time.Duration
	pass := func() (execs, steps int, err error) {
		for _, p := range progs {
			if cfg.Yield != nil && time.Since(lastYield) >= cfg.YieldEvery {
				start := time.Now()
				cfg.Yield()
				lastYield = time.Now()
				yields, yielded = yields+1, yielded+lastYield.Sub(start)
			}
			res, err := explore.Explore(ctx, p, explore.Options{Strategy: "dpor", MaxPreemptions: -1})
			if err != nil {
				return 0, 0, fmt.Errorf("%s: %v", p.File, err)
			}
			if !res.Exhaustive {
				return 0, 0, fmt.Errorf("%s: the exploration stopped early", p.File)
			}
			execs, steps = execs+res.Executions, steps+res.Steps
		}
		return execs, steps, nil
	}
	t := &Timing{Programs: len(progs), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if cfg.Yield != nil {
		t.YieldEveryMs = float64(cfg.YieldEvery) / float64(time.Millisecond)
	}
	start := time.Now()
	if t.Executions, t.StepsPerPass, err = pass(); err != nil {
		return nil, err
	}
	t.FirstPassMs = float64(time.Since(start).Microseconds()) / 1000
	for time.Since(start) < warmup {
		if _, _, err := pass(); err != nil {
			return nil, err
		}
		t.WarmupPasses++
	}
	start = time.Now()
	steps := 0
	yields, yielded = 0, 0
	for t.Passes == 0 || time.Since(start) < min {
		_, n, err := pass()
		if err != nil {
			return nil, err
		}
		steps += n
		t.Passes++
	}
	t.Seconds = time.Since(start).Seconds()
	t.StepsPerSecond = float64(steps) / t.Seconds
	t.Yields, t.YieldedMs = yields, float64(yielded)/float64(time.Millisecond)
	return t, nil
}
