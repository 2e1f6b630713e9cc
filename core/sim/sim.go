// Package sim is the facade the command line and the browser call: parse
// and compile a script, explore it under a strategy, and return a
// report.Result.
package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/kernel"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/syntax"
)

// Options select the exploration strategy and its bounds.
type Options struct {
	Strategy    string        // "dpor" (default), "naive", "random", "pct"
	Seed        uint64        // seed for random and pct
	Executions  int           // bound on executions (0: unbounded for exhaustive strategies, 1000 for sampling)
	Steps       int           // bound on visible steps per thread (0: explore.DefaultMaxSteps)
	Preemptions *int          // bound on preemptions per execution (nil: none)
	Depth       int           // PCT bug depth d (default 2)
	Timeout     time.Duration // wall-time bound (0: none)
	Replay      string        // replay this token instead of exploring
	Prefix      []int         // forced first scheduling choices
	Progress    func(executions int)
	Estimate    func(executions int, total float64) // progress with an estimate of the total (0: none yet)
	Workers     int                                 // > 0: split the exhaustive search into tasks run on this many workers (same result for every count)
}

// Compile parses and compiles src. The returned list holds every
// diagnostic (warnings too); err is non-nil when there were errors.
func Compile(file, src string) (prog *compile.Program, diags source.List, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("%s: internal error: %v", file, r)
		}
	}()
	f, errs := syntax.Parse(file, src)
	if errs.Err() != nil {
		return nil, errs, errs
	}
	prelude, err := kernel.Funcs()
	if err != nil {
		return nil, nil, fmt.Errorf("internal error: the prelude does not parse: %v", err)
	}
	prog, diags = compile.CompileWith(file, f, kernel.PreludeFile, prelude)
	diags = append(errs, diags...)
	if err := diags.Err(); err != nil {
		return nil, diags, diags.Errors()
	}
	return prog, diags, nil
}

// Run compiles src (named file in messages) and explores it. Bad input
// returns a source.List error whose entries carry file:line:col.
func Run(ctx context.Context, file, src string, opt Options) (*report.Result, error) {
	prog, diags, err := Compile(file, src)
	if err != nil {
		return nil, err
	}
	res, err := Explore(ctx, prog, opt)
	if err != nil {
		return nil, err
	}
	for _, d := range diags.Warnings() {
		res.Warnings = append(res.Warnings, d.Error())
	}
	return res, nil
}

// Explore explores a compiled program.
func Explore(ctx context.Context, prog *compile.Program, opt Options) (res *report.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("%s: internal error: %v", prog.File, r)
		}
	}()
	eo := explore.Options{
		Strategy: opt.Strategy, Seed: opt.Seed, MaxExecutions: opt.Executions, MaxSteps: opt.Steps,
		MaxPreemptions: -1, Depth: opt.Depth, Timeout: opt.Timeout, Prefix: opt.Prefix,
		Progress: opt.Progress, Estimate: opt.Estimate,
	}
	if opt.Preemptions != nil {
		eo.MaxPreemptions = *opt.Preemptions
	}
	if opt.Replay != "" {
		eo.Strategy, eo.Token = "replay", opt.Replay
	}
	var er *explore.Result
	if opt.Workers > 0 && eo.Strategy != "replay" {
		er, err = explore.ExploreParallel(ctx, prog, eo, opt.Workers)
	} else {
		er, err = explore.Explore(ctx, prog, eo)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", prog.File, err)
	}
	return Report(prog, er, opt), nil
}

// Report turns an exploration result into a report.Result.
func Report(prog *compile.Program, er *explore.Result, opt Options) *report.Result {
	r := &report.Result{
		File: prog.File, Name: prog.Name, Strategy: er.Strategy, Seed: opt.Seed,
		Executions: er.Executions, Exhaustive: er.Exhaustive, StopReason: er.StopReason, Note: er.Note,
		Pos: er.Pos, Neg: er.Neg,
	}
	for _, l := range prog.Locs {
		r.Locations = append(r.Locations, l.Name)
	}
	if c := prog.Cond; c != nil {
		r.Quantifier, r.Condition = c.Quant, c.Text
		r.Verdict = report.Verdict(er.Pos, er.Neg)
		switch c.Quant {
		case "exists":
			r.Validated = er.Pos > 0
			r.Positive, r.Negative = er.Pos, er.Neg
		case "~exists":
			r.Validated = er.Pos == 0
			r.Positive, r.Negative = er.Neg, er.Pos
		case "forall":
			r.Validated = er.Neg == 0
			r.Positive, r.Negative = er.Pos, er.Neg
		}
	} else {
		r.Positive, r.Negative = er.Pos, er.Neg
	}
	for _, o := range er.Outcomes {
		s := report.State{Count: o.Count, Satisfies: o.Satisfies, Token: o.Token}
		for _, v := range o.Values {
			s.Values = append(s.Values, value(prog, v))
		}
		r.States = append(r.States, s)
	}
	for _, f := range er.Findings {
		r.Findings = append(r.Findings, report.Finding{
			Kind: f.Kind, Message: f.Msg, Report: f.Report, File: prog.File,
			Line: int(f.Pos.Line), Col: int(f.Pos.Col), Thread: f.Thread, Count: f.Count, Token: f.Token,
		})
	}
	r.Stats = report.Stats{
		Executions: er.Executions, Complete: er.Complete, Deadlocked: er.Deadlocked,
		SleepBlocked: er.SleepBlocked, Filtered: er.Filtered, Errored: er.Crashed + er.StepBounded,
		Pruned: er.Pruned, Steps: er.Steps, MaxDepth: er.MaxDepth,
	}
	return r
}

func value(prog *compile.Program, v machine.Value) report.Value {
	if v.IsPtr() {
		return report.Value{Int: v.Int, Name: prog.Layout.PtrName(v)}
	}
	return report.Value{Int: v.Int}
}
