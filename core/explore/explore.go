// Package explore runs a compiled litmus test under a scheduling
// strategy and collects what its executions produce.
//
// The executor (exec.go) runs one execution at a time, re-executing from
// the initial state for each one (stateless model checking, Godefroid,
// POPL 1997). Strategies decide which thread steps next:
//
//   - naive: depth-first search over every interleaving;
//   - dpor: source-set dynamic partial-order reduction with sleep sets
//     (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic Partial Order
//     Reduction", POPL 2014, Algorithm 1), which explores at least one
//     interleaving of every Mazurkiewicz trace and usually far fewer
//     interleavings than naive;
//   - optimal: optimal DPOR with wakeup trees (the same paper, Algorithm
//     2; odpor.go), which explores exactly one interleaving of every
//     Mazurkiewicz trace, blocking operations included;
//   - random: a seeded uniformly random scheduler;
//   - pct: probabilistic concurrency testing (Burckhardt et al., ASPLOS
//     2010) with bug depth d;
//   - replay: one execution from a token.
//
// Every strategy is deterministic for a given seed.
package explore

import (
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/vm"
)

// Options configure an exploration.
type Options struct {
	Strategy       string // "dpor" (default), "optimal", "naive", "random", "pct", "replay"
	Seed           uint64
	MaxExecutions  int // 0: unbounded for dpor/naive, 1000 for random/pct
	MaxSteps       int // visible steps per thread; 0: DefaultMaxSteps
	MaxPreemptions int // < 0: unbounded
	Depth          int // PCT bug depth; 0: 2
	Timeout        time.Duration
	Token          string // for "replay"
	Prefix         []int  // forced first choices ("continue from here")
	CountTraces    bool   // count distinct Mazurkiewicz traces (Result.Traces)
	Progress       func(executions int)
	// Estimate, if set, is called with Progress's cadence with the
	// executions so far and an estimate of the total (0: none yet).
	Estimate func(executions int, total float64)

	// prefixDone (ExploreParallel), if not nil, gives for each prefix step
	// the sibling steps explored "before" it, by other tasks: they seed
	// the sleep sets as explored siblings do.
	prefixDone []uint64
	// donate (ExploreParallel), if set, is called with subtrees the
	// search hands to other tasks (see explorer.donate), at checkpoints
	// of donateEvery executions where more than donateOver executions
	// are estimated to remain. The checkpoints count executions, so what
	// is donated depends only on the program and the task, never on
	// timing.
	donate func(prefix []int, done []uint64)
}

// progressEvery is how often, at least, Progress is called during a run
// whose executions are slow (else every 1024 executions).
const progressEvery = 50 * time.Millisecond

// DefaultMaxSteps bounds the visible steps of one thread in one execution.
const DefaultMaxSteps = 1000

// Outcome is one distinct final state.
type Outcome struct {
	Values    []machine.Value // per prog.Locs
	Count     int
	Satisfies bool
	Token     string
}

// FoundFinding is a finding merged over executions.
type FoundFinding struct {
	Finding
	Count int
	Token string
}

// Result is what an exploration found.
type Result struct {
	Strategy     string
	Executions   int
	Complete     int
	Deadlocked   int
	SleepBlocked int
	Crashed      int
	StepBounded  int
	Pruned       int
	Filtered     int
	Steps        int
	MaxDepth     int
	Traces       int // distinct Mazurkiewicz traces among the executions (with CountTraces)
	Pos, Neg     int
	Outcomes     []Outcome // sorted by value
	Findings     []FoundFinding
	Exhaustive   bool
	StopReason   string
	Note         string  // e.g. the PCT guarantee
	Events       []Event // the steps of the execution, for a replay

	locks lockGraph // the lock dependencies seen, for ExploreParallel's merge
}

type explorer struct {
	prog   *compile.Program
	opt    Options
	fp     uint32
	res    *Result
	index  map[string]int  // outcome key → index in res.Outcomes (lookup only)
	traces map[string]bool // trace keys seen (lookup and len only)
	ctx    context.Context
	start  time.Time
	stop   string
	keyBuf []byte
	locks  lockGraph // lock dependencies over all executions
	pruned bool      // a preemption bound removed a choice

	lastProgress time.Time // when Progress was last called
	stack        *[]node   // the depth-first search's path, for estimates
}

// Explore runs prog under opt.
func Explore(ctx context.Context, prog *compile.Program, opt Options) (*Result, error) {
	if opt.MaxSteps <= 0 {
		opt.MaxSteps = DefaultMaxSteps
	}
	if opt.Strategy == "" {
		opt.Strategy = "dpor"
	}
	if len(prog.Threads) > 64 {
		return nil, fmt.Errorf("%d threads: ptlab explores at most 64", len(prog.Threads))
	}
	e := &explorer{prog: prog, opt: opt, fp: Fingerprint(prog), res: &Result{Strategy: opt.Strategy},
		index: map[string]int{}, traces: map[string]bool{}, ctx: ctx, start: time.Now()}
	var err error
	switch opt.Strategy {
	case "dpor":
		e.dpor(true)
	case "naive":
		e.dpor(false)
	case "optimal":
		err = e.optimal()
	case "random", "pct":
		err = e.sample()
	case "replay":
		err = e.replay()
	default:
		return nil, fmt.Errorf("unknown strategy %q (want dpor, optimal, naive, random, pct or replay)", opt.Strategy)
	}
	if err != nil {
		return nil, err
	}
	e.finishResult()
	e.res.locks = e.locks
	return e.res, nil
}

// budgetLeft reports whether another execution may start, recording the
// bound that stopped the run if not.
func (e *explorer) budgetLeft() bool {
	if e.opt.MaxExecutions > 0 && e.res.Executions >= e.opt.MaxExecutions {
		e.stop = fmt.Sprintf("execution bound (%d executions)", e.opt.MaxExecutions)
		return false
	}
	if e.ctx != nil && e.ctx.Err() != nil {
		e.stop = "cancelled"
		if e.ctx.Err() == context.DeadlineExceeded {
			e.stop = "time bound"
		}
		return false
	}
	if e.opt.Timeout > 0 && time.Since(e.start) > e.opt.Timeout {
		e.stop = fmt.Sprintf("time bound (%s)", e.opt.Timeout)
		return false
	}
	return true
}

// observe records the end of one execution.
func (e *explorer) observe(x *executor) {
	r := e.res
	r.Executions++
	r.Steps += len(x.sched)
	r.MaxDepth = max(r.MaxDepth, len(x.sched))
	if r.Executions%1024 == 0 || r.Executions%16 == 0 && (e.opt.Progress != nil || e.opt.Estimate != nil) && time.Since(e.lastProgress) >= progressEvery {
		e.lastProgress = time.Now()
		if e.opt.Progress != nil {
			e.opt.Progress(r.Executions)
		}
		if e.opt.Estimate != nil {
			var stack []node
			if e.stack != nil {
				stack = *e.stack
			}
			e.opt.Estimate(r.Executions, e.estimateTotal(stack))
		}
	}
	if e.prog.PlainAccesses {
		x.dataRaces()
	}
	var tok string
	token := func() string {
		if tok == "" {
			tok = EncodeToken(e.fp, x.sched)
		}
		return tok
	}
	for _, f := range x.found {
		e.addFinding(f, token)
	}
	for _, f := range e.locks.add(e.prog.Layout, x.edges, token) {
		e.addFinding(f, token)
	}
	if e.opt.CountTraces && x.track && x.end != EndSleepBlocked && x.end != EndPruned {
		e.traces[x.traceKey()] = true
		r.Traces = len(e.traces)
	}
	switch x.end {
	case EndComplete:
		r.Complete++
	case EndDeadlock:
		r.Deadlocked++
		return
	case EndSleepBlocked:
		r.SleepBlocked++
		return
	case EndCrash:
		r.Crashed++
		return
	case EndStepBound:
		r.StepBounded++
		return
	case EndPruned:
		r.Pruned++
		return
	}
	if e.prog.Filter != nil && !e.prog.Filter.Eval(x) {
		r.Filtered++
		return
	}
	sat := true
	if e.prog.Cond != nil {
		sat = e.prog.Cond.Prop.Eval(x)
	}
	if sat {
		r.Pos++
	} else {
		r.Neg++
	}
	key := e.keyBuf[:0]
	for _, l := range e.prog.Locs {
		v := l.Value(x)
		key = binary.AppendVarint(key, int64(v.Obj))
		key = binary.AppendVarint(key, v.Int)
	}
	e.keyBuf = key
	if i, ok := e.index[string(key)]; ok {
		r.Outcomes[i].Count++
		return
	}
	vals := make([]machine.Value, len(e.prog.Locs))
	for i, l := range e.prog.Locs {
		vals[i] = l.Value(x)
	}
	e.index[string(key)] = len(r.Outcomes)
	r.Outcomes = append(r.Outcomes, Outcome{Values: vals, Count: 1, Satisfies: sat, Token: token()})
}

// maxFindings bounds the distinct findings kept.
const maxFindings = 200

func (e *explorer) addFinding(f Finding, token func() string) {
	for i := range e.res.Findings {
		g := &e.res.Findings[i]
		if g.Kind == f.Kind && g.Msg == f.Msg {
			g.Count++
			return
		}
	}
	if len(e.res.Findings) < maxFindings {
		e.res.Findings = append(e.res.Findings, FoundFinding{Finding: f, Count: 1, Token: token()})
	}
}

func (e *explorer) finishResult() {
	r := e.res
	sort.SliceStable(r.Outcomes, func(i, j int) bool {
		a, b := r.Outcomes[i].Values, r.Outcomes[j].Values
		for k := range a {
			if a[k] != b[k] {
				if a[k].Obj != b[k].Obj {
					return a[k].Obj < b[k].Obj
				}
				return a[k].Int < b[k].Int
			}
		}
		return false
	})
	if e.stop != "" {
		r.Exhaustive = false
		r.StopReason = e.stop
	}
	if r.Exhaustive {
		switch {
		case r.StepBounded > 0:
			r.Exhaustive = false
			r.StopReason = fmt.Sprintf("a step bound (%d visible steps per thread, or %d local instructions between two steps, or the call depth) cut %d execution%s short; see the step-bound findings", e.opt.MaxSteps, vm.DefaultMaxLocal, r.StepBounded, plural(r.StepBounded))
		case r.Pruned > 0 || e.pruned:
			r.Exhaustive = false
			r.StopReason = fmt.Sprintf("preemption bound (%d)", e.opt.MaxPreemptions)
			if e.opt.Strategy == "dpor" || e.opt.Strategy == "naive" {
				r.StopReason += fmt.Sprintf(": complete for executions with at most %d preemption%s", e.opt.MaxPreemptions, plural(e.opt.MaxPreemptions))
			}
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
