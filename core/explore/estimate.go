package explore

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"

	"github.com/ptlab/ptlab/core/compile"
)

// progressFraction estimates how much of a depth-first search is done
// from its current path (Knuth 1975; Kilby et al. 2006): at each node,
// the branches already finished count in proportion, each branch having
// an equal share of its parent's. With DPOR the backtrack sets still
// grow, so the estimate errs on the fast side early and converges as the
// search goes on.
func progressFraction(stack []node) float64 {
	f, share := 0.0, 1.0
	for i := range stack {
		nd := &stack[i]
		all := (nd.done | nd.backtrack | 1<<uint(nd.chosen)) &^ (nd.sleep &^ nd.done) &^ nd.given
		b := bits.OnesCount64(all)
		if b == 0 {
			break
		}
		k := bits.OnesCount64(nd.done &^ (1 << uint(nd.chosen)))
		share /= float64(b)
		f += float64(k) * share
	}
	return f
}

// estimateTotal returns the estimated number of executions of the whole
// search, or 0 when there is no estimate yet.
func (e *explorer) estimateTotal(stack []node) float64 {
	switch e.opt.Strategy {
	case "random", "pct":
		return float64(e.opt.MaxExecutions)
	}
	f := progressFraction(stack)
	if f <= 0 {
		return 0
	}
	est := float64(e.res.Executions) / f
	if e.opt.MaxExecutions > 0 {
		est = math.Min(est, float64(e.opt.MaxExecutions))
	}
	return est
}

// EstimateNaive estimates, before any search, the number of executions
// of naive exhaustive search with Knuth's random-probe estimator: follow
// random paths, multiply the branching factors along each, and average.
// It is an upper bound on what DPOR explores (DPOR explores a subset of
// the same tree). Deterministic for a given seed.
func EstimateNaive(ctx context.Context, prog *compile.Program, probes int, seed uint64) (float64, error) {
	if probes <= 0 {
		probes = 100
	}
	rng := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	x := newExecutor(prog, DefaultMaxSteps, false)
	defer x.release()
	sum := 0.0
	for i := 0; i < probes; i++ {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		x.reset()
		w := 1.0
		for x.end == EndRunning {
			en := x.enabled()
			n := bits.OnesCount64(en)
			if n == 0 {
				break
			}
			w *= float64(n)
			x.step(nthBit(en, rng.IntN(n)))
		}
		sum += w
	}
	return sum / float64(probes), nil
}
