package bench

import (
	"context"
	"testing"
)

// The suite builds and every case runs. (Trace counting, a naive search
// per case, is what ptlab bench adds; scenarios' DPOR-vs-naive test
// checks the traces.)
func TestSuite(t *testing.T) {
	cases, err := Suite("") // the corpus is measured by ptlab bench, not here
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 24+1+4 {
		t.Fatalf("%d cases", len(cases))
	}
	for _, c := range cases {
		if c.Name == "R11-scaled-4threads" {
			continue // about a minute: measured by ptlab bench
		}
		r, err := Run(context.Background(), c, Config{Strategy: "dpor"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Executions == 0 || r.Steps == 0 {
			t.Errorf("%s: %+v", c.Name, r)
		}
	}
}

// BenchmarkSuite reports, per benchmark of the suite (without the corpus),
// what ptlab bench prints: executions and visible steps per second.
//
//	go test ./bench -run XXX -bench Suite -benchtime 1x
func BenchmarkSuite(b *testing.B) {
	cases, err := Suite("")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			var rate float64
			var execs int
			for i := 0; i < b.N; i++ {
				r, err := Run(context.Background(), c, Config{Strategy: "dpor"})
				if err != nil {
					b.Fatal(err)
				}
				rate += r.StepsPerSecond
				execs += r.Executions
			}
			b.ReportMetric(float64(execs)/float64(b.N), "execs/op")
			b.ReportMetric(rate/float64(b.N), "steps/s")
		})
	}
}

// Traces are counted where naive search finishes, and DPOR explores at
// least one execution per trace.
func TestTraces(t *testing.T) {
	cases, err := Suite("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name != "R6-free-without-grace-period" && c.Name != "R9-pml-ptl-order" {
			continue
		}
		r, err := Run(context.Background(), c, Config{Strategy: "dpor", CountTraces: true})
		if err != nil {
			t.Fatal(err)
		}
		if r.Traces == nil || *r.Traces == 0 || r.Executions < *r.Traces {
			t.Errorf("%s: %+v", c.Name, r)
		}
	}
}
