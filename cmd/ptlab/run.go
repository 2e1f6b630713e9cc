package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
)

// runMain implements "ptlab run [flags] FILE...".
func runMain(args []string) int {
	return runCmd(args, os.Stdout, os.Stderr)
}

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // help that was asked for goes to stdout
		}
	}
	var opt sim.Options
	jsonOut := fs.Bool("json", false, "print one JSON object per file instead of herd-style text")
	failOn := fs.Bool("fail-on-findings", false, "exit with status 1 if any finding is reported")
	explain := fs.Bool("explain", false, "for each finding, print the interleaving with the fewest preemptions that shows it, as a CPU0/CPU1 diagram")
	fs.StringVar(&opt.Strategy, "strategy", "dpor", "exploration strategy: dpor, optimal, naive, random or pct")
	fs.Uint64Var(&opt.Seed, "seed", 1, "seed for the random and pct strategies")
	fs.IntVar(&opt.Executions, "executions", 0, "stop after this many executions (0: unbounded for dpor/naive, 1000 for random/pct)")
	fs.IntVar(&opt.Steps, "steps", 0, "bound on visible steps per thread in one execution (0: 1000)")
	preempt := fs.Int("preemptions", -1, "bound on preemptions per execution (-1: none); dpor and naive stay complete for executions within the bound (bounded POR)")
	fs.IntVar(&opt.Depth, "depth", 2, "PCT bug depth d")
	fs.DurationVar(&opt.Timeout, "timeout", 0, "wall-time bound per file, e.g. 30s (0: none)")
	fs.StringVar(&opt.Replay, "replay", "", "replay the execution of this token instead of exploring")
	estimate := fs.Bool("estimate", false, "before exploring, print to stderr Knuth's estimate of the naive search's executions (an upper bound for dpor)")
	fs.IntVar(&opt.Workers, "j", 0, "split an exhaustive search (dpor, naive) into tasks run on N cores; the result is the same for every N >= 1 (0: the sequential search)")
	progress := fs.Bool("progress", false, "print progress to stderr about once a second: executions, rate, estimated total and time left")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: ptlab run [flags] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *preempt >= 0 {
		opt.Preemptions = preempt
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	switch opt.Strategy {
	case "dpor", "optimal", "naive", "random", "pct":
	default:
		fmt.Fprintf(stderr, "ptlab run: unknown strategy %q (want dpor, optimal, naive, random or pct)\n", opt.Strategy)
		return 2
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	status := 0
	for i, file := range fs.Args() {
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "ptlab run: %v\n", err)
			status = 2
			continue
		}
		if *estimate {
			printEstimate(stderr, file, string(src))
		}
		fopt := opt
		if *progress {
			fopt.Estimate = progressPrinter(stderr, file)
		}
		res, err := sim.Run(context.Background(), file, string(src), fopt)
		if err != nil {
			out.Flush()
			fmt.Fprintln(stderr, err)
			status = 2
			continue
		}
		if *jsonOut {
			b, err := report.JSON(res)
			if err != nil {
				fmt.Fprintf(stderr, "ptlab run: %v\n", err)
				return 2
			}
			out.Write(b)
			out.WriteByte('\n')
		} else {
			if i > 0 {
				out.WriteByte('\n')
			}
			report.WriteText(out, res)
			if *explain {
				explainFindings(out, stderr, file, string(src), res)
			}
		}
		if *failOn && len(res.Findings) > 0 && status == 0 {
			status = 1
		}
	}
	return status
}

// explainFindings prints, for each finding, the shortest interleaving
// that shows it.
func explainFindings(out io.Writer, stderr io.Writer, file, src string, res *report.Result) {
	prog, _, err := sim.Compile(file, src)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return
	}
	for _, f := range res.Findings {
		text, err := sim.Explain(context.Background(), prog, src, f)
		if err != nil {
			fmt.Fprintf(out, "\n%s: %s: %v\n", strings.ToUpper(f.Kind), f.Message, err)
			continue
		}
		fmt.Fprintf(out, "\n%s\n", text)
	}
}

// printEstimate prints Knuth's random-probe estimate of the naive search.
func printEstimate(stderr io.Writer, file, src string) {
	prog, _, err := sim.Compile(file, src)
	if err != nil {
		return // the run reports it
	}
	const probes = 200
	est, err := explore.EstimateNaive(context.Background(), prog, probes, 1)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return
	}
	fmt.Fprintf(stderr, "%s: estimate: about %.3g executions for naive search (Knuth, %d random probes); dpor explores at most that many\n", file, est, probes)
}

// progressPrinter returns an Estimate callback printing a progress line
// at most once a second.
func progressPrinter(stderr io.Writer, file string) func(int, float64) {
	start := time.Now()
	var last time.Time
	return func(n int, total float64) {
		now := time.Now()
		if now.Sub(last) < time.Second {
			return
		}
		last = now
		rate := float64(n) / now.Sub(start).Seconds()
		line := fmt.Sprintf("%s: %d executions, %.0f/s", file, n, rate)
		if total > float64(n) && rate > 0 {
			line += fmt.Sprintf(", estimated total %.3g, about %s left", total, (time.Duration((total-float64(n))/rate) * time.Second).Round(time.Second))
		}
		fmt.Fprintln(stderr, line)
	}
}
