package explore

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/ptlab/ptlab/core/compile"
)

// A parallel search starts as one task, the whole search. A running task
// whose search, at a checkpoint every donateEvery executions, estimates
// more than donateOver executions still to go (progressFraction) hands
// the unexplored siblings at its shallowest open node to new tasks
// (explorer.donate), which may hand over work in turn. (A fixed cut of
// the tree into tasks balanced badly: sleep-set seeding makes such tasks
// very unequal, and on R11-scaled-3 one of 81 held half the work; it
// also tripled the executions of small scripts.) Every decision depends
// only on the program and the task, never on the number of workers or on
// timing, so every -j N explores the same tasks and merges them in the
// same order: the result is identical for every N.
var (
	donateEvery         = 256
	donateOver  float64 = 8192
)

// ptask is one task of a parallel search: a schedule prefix with the
// siblings explored before each of its steps, its result, and the tasks
// it handed subtrees to, in the order it did.
type ptask struct {
	prefix   []int
	done     []uint64 // per prefix step, the siblings explored before it
	res      *Result
	children []*ptask
}

// ExploreParallel runs an exhaustive search ("dpor" or "naive") split into
// independent tasks, the subtrees below schedule prefixes, on workers
// goroutines. Each task is a search restricted to its prefix
// (Options.Prefix) whose sleep sets start with the sibling tasks explored
// "before" it, so tasks do not repeat each other's traces. The results
// are merged in task order (each task, then the tasks it handed work to):
// the whole result is the same for every worker count, with the same
// states, verdict and findings as the sequential search. Lock-order
// cycles are looked for in the union of every task's lock dependencies.
// Counts can differ slightly from the sequential search's, since
// reduction across tasks is only through the seeded sleep sets.
func ExploreParallel(ctx context.Context, prog *compile.Program, opt Options, workers int) (*Result, error) {
	if opt.Strategy == "" {
		opt.Strategy = "dpor"
	}
	if opt.Strategy != "dpor" && opt.Strategy != "naive" {
		return nil, fmt.Errorf("parallel search needs an exhaustive strategy (dpor or naive), not %q", opt.Strategy)
	}
	if opt.MaxExecutions > 0 {
		return nil, fmt.Errorf("an execution bound would make a parallel search depend on timing: use a time bound")
	}
	if workers < 1 {
		workers = 1
	}
	if opt.MaxSteps <= 0 {
		opt.MaxSteps = DefaultMaxSteps
	}
	root := &ptask{prefix: opt.Prefix, done: make([]uint64, len(opt.Prefix))}
	q := &taskQueue{todo: []*ptask{root}}
	q.cond = sync.NewCond(&q.mu)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q.work(ctx, prog, opt)
		}()
	}
	wg.Wait()
	if q.err != nil {
		return nil, q.err
	}
	var all []*Result
	var walk func(ts []*ptask)
	walk = func(ts []*ptask) {
		for _, t := range ts {
			all = append(all, t.res)
			walk(t.children)
		}
	}
	walk([]*ptask{root})
	res := merge(prog, opt, all)
	res.Note = fmt.Sprintf("parallel search: %d tasks", len(all))
	return res, nil
}

// taskQueue hands tasks to workers; a running task adds those it hands
// subtrees to.
type taskQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	todo    []*ptask
	running int
	done    int // executions so far, for Progress
	err     error
}

// work runs tasks until none is left or running.
func (q *taskQueue) work(ctx context.Context, prog *compile.Program, opt Options) {
	for {
		q.mu.Lock()
		for len(q.todo) == 0 && q.running > 0 && q.err == nil {
			q.cond.Wait()
		}
		if len(q.todo) == 0 || q.err != nil {
			q.cond.Broadcast()
			q.mu.Unlock()
			return
		}
		t := q.todo[0]
		q.todo = q.todo[1:]
		q.running++
		q.mu.Unlock()

		o := opt
		o.Prefix, o.prefixDone = t.prefix, t.done
		o.Progress, o.Estimate = nil, nil
		o.donate = func(prefix []int, done []uint64) {
			c := &ptask{prefix: prefix, done: done}
			t.children = append(t.children, c)
			q.mu.Lock()
			q.todo = append(q.todo, c)
			q.cond.Signal()
			q.mu.Unlock()
		}
		prev := 0
		if opt.Progress != nil || opt.Estimate != nil {
			o.Progress = func(n int) { q.progress(opt, n-prev); prev = n }
		}
		res, err := Explore(ctx, prog, o)
		q.mu.Lock()
		q.running--
		if err != nil && q.err == nil {
			q.err = err
		}
		t.res = res
		q.cond.Broadcast()
		q.mu.Unlock()
		if err == nil {
			q.progress(opt, res.Executions-prev)
		}
	}
}

// progress adds n executions to the running count and reports it.
func (q *taskQueue) progress(opt Options, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.done += n
	if opt.Progress != nil {
		opt.Progress(q.done)
	}
	if opt.Estimate != nil {
		opt.Estimate(q.done, 0)
	}
}

// merge combines the task results in task order.
func merge(prog *compile.Program, opt Options, results []*Result) *Result {
	res := &Result{Strategy: opt.Strategy, Exhaustive: true}
	outIdx := map[string]int{}  // lookup only
	findIdx := map[string]int{} // lookup only
	var stops []string
	for _, r := range results {
		res.Executions += r.Executions
		res.Complete += r.Complete
		res.Deadlocked += r.Deadlocked
		res.SleepBlocked += r.SleepBlocked
		res.Crashed += r.Crashed
		res.StepBounded += r.StepBounded
		res.Pruned += r.Pruned
		res.Filtered += r.Filtered
		res.Steps += r.Steps
		res.Traces += r.Traces
		res.Pos += r.Pos
		res.Neg += r.Neg
		res.MaxDepth = max(res.MaxDepth, r.MaxDepth)
		if !r.Exhaustive {
			res.Exhaustive = false
			stops = append(stops, r.StopReason)
		}
		// Witness tokens and finding texts: the first task that has them.
		for _, o := range r.Outcomes {
			k := outcomeKey(o)
			if i, ok := outIdx[k]; ok {
				res.Outcomes[i].Count += o.Count
				continue
			}
			outIdx[k] = len(res.Outcomes)
			res.Outcomes = append(res.Outcomes, o)
		}
		for _, f := range r.Findings {
			if f.Kind == "lock-order" {
				continue // recomputed below from the union of dependencies
			}
			k := f.Kind + "\x00" + f.Msg
			if i, ok := findIdx[k]; ok {
				res.Findings[i].Count += f.Count
				continue
			}
			findIdx[k] = len(res.Findings)
			res.Findings = append(res.Findings, f)
		}
	}
	// Lock-order cycles over every task's dependencies, in task order.
	var g lockGraph
	for _, r := range results {
		for j, e := range r.locks.edges {
			tok := r.locks.tokens[j]
			for _, f := range g.add(prog.Layout, []lockEdge{e}, func() string { return tok }) {
				res.Findings = append(res.Findings, FoundFinding{Finding: f, Count: 1, Token: tok})
			}
		}
	}
	e := &explorer{prog: prog, opt: opt, res: res}
	if len(stops) > 0 {
		e.stop = stops[0]
	}
	e.finishResult()
	return res
}

// outcomeKey identifies an outcome by its values, encoded as observe
// encodes them.
func outcomeKey(o Outcome) string {
	b := make([]byte, 0, 8*len(o.Values))
	for _, v := range o.Values {
		b = binary.AppendVarint(b, int64(v.Obj))
		b = binary.AppendVarint(b, v.Int)
	}
	return string(b)
}
