package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"text/tabwriter"

	"github.com/ptlab/ptlab/bench"
)

// benchMain implements "ptlab bench [--json] [--corpus DIR] [-j N] [--only RE]": the fixed
// benchmark suite of package bench.
func benchMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print a JSON array, one object per benchmark")
	corpus := fs.String("corpus", "../shared/litmus", "the LKMM litmus corpus (INDEX.tsv); left out if missing")
	strategy := fs.String("strategy", "dpor", "strategy to measure: dpor, optimal or naive")
	noTraces := fs.Bool("no-traces", false, "do not count traces (skips the naive searches)")
	workers := fs.Int("j", 0, "run each search as a parallel search (ptlab run -j) on N workers; dpor or naive only")
	only := fs.String("only", "", "run only the benchmarks whose name matches this regular expression")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ptlab bench [--json] [--corpus DIR] [--strategy S] [--no-traces] [-j N] [--only REGEXP]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *strategy != "dpor" && *strategy != "optimal" && *strategy != "naive" {
		fmt.Fprintf(stderr, "ptlab bench: strategy %q: want dpor, optimal or naive\n", *strategy)
		return 2
	}
	if *workers < 0 || *workers > 0 && *strategy == "optimal" {
		fmt.Fprintf(stderr, "ptlab bench: -j %d: want N >= 1 with dpor or naive (0: sequential)\n", *workers)
		return 2
	}
	match, err := regexp.Compile(*only)
	if err != nil {
		fmt.Fprintf(stderr, "ptlab bench: --only: %v\n", err)
		return 2
	}
	cases, err := bench.Suite(*corpus)
	if err != nil {
		fmt.Fprintf(stderr, "ptlab bench: %v\n", err)
		return 2
	}
	var results []bench.Result
	for _, c := range cases {
		if !match.MatchString(c.Name) {
			continue
		}
		r, err := bench.Run(context.Background(), c, bench.Config{Strategy: *strategy, CountTraces: !*noTraces, Workers: *workers})
		if err != nil {
			fmt.Fprintf(stderr, "ptlab bench: %v\n", err)
			return 2
		}
		results = append(results, r)
	}
	if *jsonOut {
		b, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			fmt.Fprintf(stderr, "ptlab bench: %v\n", err)
			return 2
		}
		stdout.Write(append(b, '\n'))
		return 0
	}
	par := "sequential"
	if *workers > 0 {
		par = fmt.Sprintf("parallel on %d workers", *workers)
	}
	fmt.Fprintf(stdout, "ptlab bench: strategy %s, %s, %s/%s, %d CPUs, %s\n", *strategy, par, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "benchmark\tprograms\texecutions\ttraces\texplored/traces\tsteps/s\twall s\tpeak MiB\t")
	for _, r := range results {
		traces, ratio := "-", "-"
		if r.Traces != nil {
			traces, ratio = fmt.Sprint(*r.Traces), fmt.Sprintf("%.2f", r.Ratio)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%s\t%s\t%.0f\t%.3f\t%.1f\t\n", r.Name, r.Programs, r.Executions, traces, ratio, r.StepsPerSecond, r.WallSeconds, float64(r.PeakBytes)/(1<<20))
	}
	w.Flush()
	return 0
}
