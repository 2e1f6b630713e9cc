package explore

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// DefaultSamples is the number of executions random and pct run when no
// execution bound is given.
const DefaultSamples = 1000

// sample runs seeded random or PCT executions. Neither is exhaustive;
// the result says how many executions were sampled.
func (e *explorer) sample() error {
	if e.opt.MaxExecutions <= 0 {
		e.opt.MaxExecutions = DefaultSamples
	}
	rng := rand.New(rand.NewPCG(e.opt.Seed, 0x9e3779b97f4a7c15))
	x := newExecutor(e.prog, e.opt.MaxSteps, false)
	defer x.release()
	depth := e.opt.Depth
	if depth <= 0 {
		depth = 2
	}
	n := x.n // the RCU callback pseudo-thread is scheduled like the others
	k := 0   // longest execution seen: PCT's estimate of the step count
	for e.budgetLeft() {
		x.reset()
		e.followPrefix(x)
		var choose func(en uint64, step int) int
		if e.opt.Strategy == "random" {
			choose = func(en uint64, _ int) int { return nthBit(en, rng.IntN(bits.OnesCount64(en))) }
		} else {
			choose = newPCT(rng, n, max(k, 1), depth)
		}
		preemptions := 0
		for step := len(x.sched); x.end == EndRunning; step++ {
			en := x.enabled()
			last := -1
			if n := len(x.sched); n > 0 {
				last = int(x.sched[n-1])
			}
			// With a preemption bound, a thread that can go on must go
			// on once the bound is used up.
			if last >= 0 && en&(1<<uint(last)) != 0 && e.opt.MaxPreemptions >= 0 && preemptions >= e.opt.MaxPreemptions {
				if en != 1<<uint(last) {
					e.pruned = true
				}
				en = 1 << uint(last)
			}
			p := choose(en, step)
			if last >= 0 && p != last && en&(1<<uint(last)) != 0 {
				preemptions++
			}
			x.step(p)
		}
		k = max(k, len(x.sched))
		e.observe(x)
	}
	e.stop = fmt.Sprintf("sampling (%d %s executions, seed %d)", e.res.Executions, e.opt.Strategy, e.opt.Seed)
	if e.opt.Strategy == "pct" {
		p := 1 / (float64(n) * math.Pow(float64(max(k, 1)), float64(depth-1)))
		e.res.Note = fmt.Sprintf("PCT(d=%d): each execution finds a given bug of depth %d with probability at least 1/(n·k^(d-1)) = 1/(%d·%d^%d) ≈ %.3g", depth, depth, n, k, depth-1, p)
	}
	return nil
}

// followPrefix runs the forced prefix of a "continue from here".
func (e *explorer) followPrefix(x *executor) {
	for _, p := range e.opt.Prefix {
		if x.end != EndRunning || x.enabled()&(1<<uint(p)) == 0 {
			return
		}
		x.step(p)
	}
}

func nthBit(m uint64, k int) int {
	for ; k > 0; k-- {
		m &= m - 1
	}
	return bits.TrailingZeros64(m)
}

// newPCT returns a PCT scheduler (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010): threads get random distinct priorities
// d..d+n-1, d-1 change points are drawn from [1, k], and the enabled
// thread with the highest priority runs; at the i-th change point the
// running thread's priority drops to i (below every initial priority).
func newPCT(rng *rand.Rand, n, k, d int) func(en uint64, step int) int {
	prio := make([]int, n)
	for i, p := range rng.Perm(n) {
		prio[i] = d + p
	}
	change := make([]int, d-1)
	for i := range change {
		change[i] = 1 + rng.IntN(k)
	}
	return func(en uint64, step int) int {
		best := pctBest(prio, en)
		for i, c := range change {
			if c == step+1 {
				prio[best] = i + 1
				return pctBest(prio, en)
			}
		}
		return best
	}
}

func pctBest(prio []int, en uint64) int {
	best := -1
	for m := en; m != 0; m &= m - 1 {
		t := bits.TrailingZeros64(m)
		if best < 0 || prio[t] > prio[best] {
			best = t
		}
	}
	return best
}

// replay runs the single execution a token describes.
func (e *explorer) replay() error {
	sched, err := DecodeToken(e.opt.Token, e.fp)
	if err != nil {
		return err
	}
	x := newExecutor(e.prog, e.opt.MaxSteps, false)
	defer x.release()
	x.reset()
	for i, p := range sched {
		if x.end != EndRunning {
			return fmt.Errorf("replay token does not fit this script: the execution ended after %d of its %d steps", i, len(sched))
		}
		if int(p) >= x.n || x.enabled()&(1<<p) == 0 {
			return fmt.Errorf("replay token does not fit this script: step %d schedules P%d, which cannot run there", i+1, p)
		}
		x.step(int(p))
	}
	if x.end == EndRunning {
		return fmt.Errorf("replay token does not fit this script: the execution is unfinished after its %d steps", len(sched))
	}
	e.observe(x)
	e.res.Exhaustive = false
	e.stop = "replay of one execution"
	e.res.Events = append([]Event(nil), x.events...)
	return nil
}
