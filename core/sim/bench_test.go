package sim

import (
	"context"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// BenchmarkCorpus explores the corpus tests small enough for naive search
// with naive and with DPOR, and reports executions per run, executions
// per second and visible steps per second for each. Run it with
//
//	go test ./core/sim -run XXX -bench Corpus -benchtime 1x
func BenchmarkCorpus(b *testing.B) {
	progs := smallCorpus(b, 200_000)
	for _, strategy := range []string{"naive", "dpor"} {
		b.Run(strategy, func(b *testing.B) {
			execs, steps := 0, 0
			for i := 0; i < b.N; i++ {
				for _, p := range progs {
					r, err := explore.Explore(context.Background(), p, explore.Options{Strategy: strategy, MaxPreemptions: -1})
					if err != nil || !r.Exhaustive {
						b.Fatalf("%s: %v (exhaustive %v)", p.File, err, r != nil && r.Exhaustive)
					}
					execs += r.Executions
					steps += r.Steps
				}
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(len(progs)), "tests")
			b.ReportMetric(float64(execs)/float64(b.N), "execs/op")
			b.ReportMetric(float64(execs)/sec, "execs/s")
			b.ReportMetric(float64(steps)/sec, "steps/s")
		})
	}
}
