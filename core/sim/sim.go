// Package sim is the facade the command line and the browser call: compile
// a script, explore it under a strategy, and return a report.Result.
package sim

import (
	"context"
	"errors"
	"time"

	"github.com/ptlab/ptlab/core/report"
)

// Options select the exploration strategy and its bounds.
type Options struct {
	Strategy    string        // "dpor" (default), "naive", "random", "pct"
	Seed        uint64        // seed for random and pct
	Executions  int           // bound on executions (0: unbounded for exhaustive strategies, 1000 for sampling)
	Steps       int           // bound on visible steps per thread (0: default)
	Preemptions int           // bound on preemptions (-1 or 0 with NoPreemptionBound: none)
	Depth       int           // PCT bug depth d (default 2)
	Timeout     time.Duration // wall-time bound (0: none)
	Replay      string        // replay this token instead of exploring
}

// Run compiles src (named file in messages) and explores it. Bad input
// returns a source.List error whose entries carry file:line:col.
func Run(ctx context.Context, file, src string, opt Options) (*report.Result, error) {
	return nil, errors.New("sim.Run: not implemented yet")
}
