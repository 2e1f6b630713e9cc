package explore

import (
	"context"
	"math"
	"testing"
)

const estimateSrc = `C est
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); WRITE_ONCE(*y, 1); WRITE_ONCE(*x, 2); WRITE_ONCE(*y, 2); }
P1(int *x, int *y) { int r; r = READ_ONCE(*x); r = READ_ONCE(*y); r = READ_ONCE(*x); r = READ_ONCE(*y); }
P2(int *x, int *y) { WRITE_ONCE(*y, 3); WRITE_ONCE(*x, 3); WRITE_ONCE(*y, 4); }
exists (x=1)
`

// The estimates during a search approach the final number of executions,
// and Knuth's estimator before it is close to the naive tree's size.
func TestEstimates(t *testing.T) {
	prog := mustCompile(t, estimateSrc)
	for _, strategy := range []string{"naive", "dpor"} {
		var last float64
		var lastAt, calls int
		res, err := Explore(context.Background(), prog, Options{Strategy: strategy, MaxPreemptions: -1,
			Estimate: func(n int, total float64) { last, lastAt = total, n; calls++ }})
		if err != nil {
			t.Fatal(err)
		}
		if calls == 0 {
			t.Fatalf("%s: %d executions, no estimate reported", strategy, res.Executions)
		}
		ratio := last / float64(res.Executions)
		t.Logf("%s: %d executions; estimate %.0f at %d (ratio %.2f)", strategy, res.Executions, last, lastAt, ratio)
		if ratio < 0.5 || ratio > 2 {
			t.Errorf("%s: last estimate %.0f at %d executions, final %d", strategy, last, lastAt, res.Executions)
		}
	}
	naive, err := Explore(context.Background(), prog, Options{Strategy: "naive", MaxPreemptions: -1})
	if err != nil {
		t.Fatal(err)
	}
	est, err := EstimateNaive(context.Background(), prog, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Knuth estimate %.0f, naive %d", est, naive.Executions)
	if math.Abs(est-float64(naive.Executions)) > 0.25*float64(naive.Executions) {
		t.Errorf("Knuth estimate %.0f, naive explored %d", est, naive.Executions)
	}
	again, _ := EstimateNaive(context.Background(), prog, 2000, 1)
	if again != est {
		t.Errorf("same seed, different estimates: %v %v", est, again)
	}
}
