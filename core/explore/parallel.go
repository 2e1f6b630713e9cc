package explore

import (
	"context"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/ptlab/ptlab/core/compile"
)

// Task prefixes: the naive search tree is cut at the first depth where it
// has at least parallelTasks nodes (or at parallelDepth), and each node's
// schedule becomes one task. The cut depends only on the program, never
// on the number of workers, so every -j N explores the same tasks and
// merges them in the same order: the result is identical for every N.
const (
	parallelTasks = 64
	parallelDepth = 8
)

// ExploreParallel runs an exhaustive search ("dpor" or "naive") split into
// independent tasks, the subtrees below fixed schedule prefixes, on
// workers goroutines. Each task is a search restricted to its prefix
// (Options.Prefix) whose sleep sets start with the lower-numbered sibling
// tasks' first steps, as if those had been explored first, so tasks do
// not repeat each other's traces. The results are merged in task order:
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
	tasks, err := splitTasks(prog, opt)
	if err != nil {
		return nil, err
	}
	results := make([]*Result, len(tasks))
	errs := make([]error, len(tasks))
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := opt
				o.Prefix = tasks[i]
				o.Progress, o.Estimate = nil, nil
				o.siblingsDone = true
				if opt.Progress != nil || opt.Estimate != nil {
					prev := 0
					o.Progress = func(n int) {
						mu.Lock()
						defer mu.Unlock()
						done += n - prev
						prev = n
						if opt.Progress != nil {
							opt.Progress(done)
						}
						if opt.Estimate != nil {
							opt.Estimate(done, 0)
						}
					}
				}
				results[i], errs[i] = Explore(ctx, prog, o)
			}
		}()
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	res := merge(prog, opt, results)
	res.Note = fmt.Sprintf("parallel search: %d tasks", len(tasks))
	return res, nil
}

// splitTasks cuts the naive search tree below opt.Prefix into task
// prefixes, in depth-first order.
func splitTasks(prog *compile.Program, opt Options) ([][]int, error) {
	x := newExecutor(prog, opt.MaxSteps, false)
	tasks := [][]int{append([]int(nil), opt.Prefix...)}
	for depth := 0; depth < parallelDepth && len(tasks) < parallelTasks; depth++ {
		var next [][]int
		grew := false
		for _, t := range tasks {
			x.reset()
			for _, p := range t {
				if x.end != EndRunning || x.enabled()&(1<<uint(p)) == 0 {
					return nil, fmt.Errorf("the given prefix is not a valid schedule")
				}
				x.step(p)
			}
			en := x.enabled()
			if x.end != EndRunning || en == 0 {
				next = append(next, t) // the execution ends within the prefix
				continue
			}
			for p := 0; p < x.n; p++ {
				if en&(1<<uint(p)) != 0 {
					next = append(next, append(append([]int(nil), t...), p))
					grew = true
				}
			}
		}
		tasks = next
		if !grew {
			break
		}
	}
	return tasks, nil
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
