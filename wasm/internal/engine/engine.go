// Package engine is the playground worker's logic without the browser:
// it answers protocol.Requests by compiling, exploring, tracing and
// stepping scripts with core/sim, serving and checking lessons (package
// lessons), and posts protocol.Responses. The
// worker program (wasm/worker) only moves JSON between postMessage and
// this package, so everything here is tested natively.
package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/examples"
	"github.com/ptlab/ptlab/wasm/internal/notes"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// listExamples answers ListExamples.
func listExamples() protocol.Response {
	all, err := examples.All()
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	var out []protocol.Example
	for _, ex := range all {
		out = append(out, protocol.Example{Group: ex.Group, Name: ex.Name, Note: ex.Note, Source: ex.Source})
	}
	return protocol.Response{Type: protocol.Examples, Examples: out}
}

// File is the name diagnostics use for the editor's script.
const File = "playground.litmus"

// How often a running exploration reports progress and lets the host
// deliver messages (a cancel, in the browser).
const (
	ProgressEvery = 100 * time.Millisecond
	YieldEvery    = 50 * time.Millisecond
)

// Engine answers requests. Handle may run several requests at once (the
// browser worker runs each in its own goroutine); Cancel never blocks.
type Engine struct {
	// Post sends a response to the page. It must be safe to call from
	// any goroutine.
	Post func(protocol.Response)
	// Yield, if set, is called at least every YieldEvery while an
	// exploration runs, so a single-threaded host can deliver incoming
	// messages (in js/wasm: a short sleep returns to the event loop).
	Yield func()

	mu      sync.Mutex                 // guards cancels and last; never held for long
	cancels map[int]context.CancelFunc // running explorations by request ID
	last    *compiled                  // the last script compiled without errors

	sessMu sync.Mutex // guards sess; held while a session request runs
	sess   *sim.Session
}

// New returns an engine posting to post.
func New(post func(protocol.Response)) *Engine {
	return &Engine{Post: post, cancels: map[int]context.CancelFunc{}}
}

// errCancelled is the cause of a context the user cancelled.
var errCancelled = errors.New("cancelled by the user")

// Cancel stops the exploration started by request id, if it is running.
// The exploration then answers with its partial result.
func (e *Engine) Cancel(id int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.cancels[id]; ok {
		c()
	}
}

// Handle answers req. A panic in the engine becomes an error response,
// so one bad script cannot take the worker down.
func (e *Engine) Handle(req protocol.Request) {
	defer func() {
		if p := recover(); p != nil {
			e.Post(protocol.Response{ID: req.ID, Type: protocol.Error, Message: fmt.Sprintf("internal error: %v", p)})
		}
	}()
	var resp protocol.Response
	switch req.Type {
	case protocol.Cancel:
		e.Cancel(req.ID)
		return
	case protocol.Run:
		resp = e.run(req)
	case protocol.TraceReq:
		resp = e.trace(req)
	case protocol.Check:
		resp = e.check(req)
	case protocol.SessionStart, protocol.SessionStep, protocol.SessionUndo, protocol.SessionStop:
		resp = e.session(req)
	case protocol.SessionContinue:
		resp = e.cont(req)
	case protocol.Markdown:
		resp = protocol.Response{Type: protocol.HTML, HTML: notes.Render(req.Script)}
	case protocol.ListExamples:
		resp = listExamples()
	case protocol.GetScenario:
		resp = getScenario(req)
	case protocol.ListLessons:
		resp = listLessons()
	case protocol.GetLesson:
		resp = getLesson(req)
	case protocol.CheckExercise:
		resp = checkExercise(req)
	case protocol.Bench:
		resp = e.bench(req)
	default:
		resp = protocol.Response{Type: protocol.Error, Message: fmt.Sprintf("unknown request type %q", req.Type)}
	}
	resp.ID = req.ID
	e.Post(resp)
}

type compiled struct {
	src   string
	prog  *compile.Program
	diags []protocol.Diag // warnings
}

// compile compiles src, reusing the last program when src is unchanged.
// The diagnostics are the errors, or the warnings of a program.
func (e *Engine) compile(src string) (*compile.Program, []protocol.Diag, error) {
	e.mu.Lock()
	last := e.last
	e.mu.Unlock()
	if last != nil && last.src == src {
		return last.prog, last.diags, nil
	}
	prog, diags, err := sim.Compile(File, src)
	if err != nil {
		ds := Diags(diags)
		if !hasError(ds) {
			ds = append(ds, protocol.Diag{Message: err.Error(), Text: err.Error()})
		}
		return nil, ds, err
	}
	e.mu.Lock()
	e.last = &compiled{src, prog, Diags(diags)}
	e.mu.Unlock()
	return prog, Diags(diags), nil
}

func hasError(ds []protocol.Diag) bool {
	for _, d := range ds {
		if !d.Warning {
			return true
		}
	}
	return false
}

// Diags converts the compiler's diagnostics.
func Diags(l source.List) []protocol.Diag {
	var out []protocol.Diag
	for _, d := range l {
		out = append(out, protocol.Diag{Line: int(d.Pos.Line), Col: int(d.Pos.Col), Message: d.Msg, Text: d.Error(), Warning: d.Sev == source.SevWarning})
	}
	return out
}

func errorResp(ds []protocol.Diag, err error) protocol.Response {
	return protocol.Response{Type: protocol.Error, Errors: ds, Message: err.Error()}
}

func (e *Engine) check(req protocol.Request) protocol.Response {
	_, ds, _ := e.compile(req.Script)
	return protocol.Response{Type: protocol.Compiled, Errors: ds}
}

// simOptions converts the page's options.
func simOptions(o protocol.Options) sim.Options {
	so := sim.Options{Strategy: o.Strategy, Seed: o.Seed, Executions: o.Executions, Steps: o.Steps,
		Depth: o.Depth, Timeout: time.Duration(o.TimeoutMs) * time.Millisecond}
	if o.Preemptions >= 0 {
		p := o.Preemptions
		so.Preemptions = &p
	}
	return so
}

// explore runs one exploration for request id, posting progress, and
// converts its result. prefix is the manual-mode schedule to extend;
// check, if not nil, checks the result against a lesson block's
// expectation.
func (e *Engine) explore(id int, prog *compile.Program, o protocol.Options, prefix []int, warnings []protocol.Diag, check func(*report.Result) *protocol.ExpectCheck) protocol.Response {
	if err := o.Validate(); err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	e.mu.Lock()
	e.cancels[id] = func() { cancel(errCancelled) }
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.cancels, id)
		e.mu.Unlock()
		cancel(nil)
	}()

	start := time.Now()
	lastPost, lastYield := start, start
	so := simOptions(o)
	so.Prefix = prefix
	// The explorer calls Estimate (with its estimate of the whole
	// search's size, for dpor and naive) right after each Progress call,
	// at least every 50 ms: progress is posted from there, so the page can
	// show an ETA for unbounded exhaustive runs too.
	tick := func(n int, total float64) {
		now := time.Now()
		if now.Sub(lastPost) >= ProgressEvery {
			lastPost = now
			e.Post(protocol.Response{ID: id, Type: protocol.Progress,
				Progress: &protocol.ProgressInfo{Executions: n, ElapsedMs: now.Sub(start).Milliseconds(), Estimate: total}})
		}
		if e.Yield != nil && now.Sub(lastYield) >= YieldEvery {
			e.Yield()
			lastYield = time.Now()
		}
	}
	so.Estimate = tick
	res, err := sim.Explore(ctx, prog, so)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	for _, w := range warnings {
		res.Warnings = append(res.Warnings, w.Text)
	}
	cancelled := context.Cause(ctx) == errCancelled
	if cancelled && !res.Exhaustive {
		res.StopReason = "the user (Cancel); the result is partial"
	}
	rr := Convert(res)
	rr.Cancelled = cancelled && !res.Exhaustive
	rr.ElapsedMs = time.Since(start).Milliseconds()
	rr.Prefix = len(prefix)
	rr.Warnings = warnings
	if check != nil {
		rr.Expect = check(res)
	}
	return protocol.Response{Type: protocol.Result, Result: rr}
}

func (e *Engine) run(req protocol.Request) protocol.Response {
	prog, ds, err := e.compile(req.Script)
	if err != nil {
		return errorResp(ds, err)
	}
	return e.explore(req.ID, prog, req.Options, nil, ds, expectCheck(req))
}

// Convert turns a report.Result into what the page shows.
func Convert(r *report.Result) *protocol.RunResult {
	var text bytes.Buffer
	report.WriteText(&text, r)
	v := r.Verdict
	if v == "" {
		v = report.Verdict(r.Pos, r.Neg)
	}
	out := &protocol.RunResult{
		Name: r.Name, Text: text.String(), Verdict: r.Verdict,
		Observation: fmt.Sprintf("Observation %s %s %d %d", r.Name, v, r.Pos, r.Neg),
		Exploration: r.ExplorationLine(), Executions: r.Executions, Exhaustive: r.Exhaustive,
		StopReason: r.StopReason, Strategy: r.Strategy, Note: r.Note,
		States: []protocol.State{}, Findings: Findings(r.Findings),
	}
	if r.Quantifier != "" {
		out.Condition = r.Quantifier + " (" + r.Condition + ")"
	}
	for _, s := range r.States {
		out.States = append(out.States, protocol.State{Line: r.StateLine(s), Count: s.Count, Satisfies: s.Satisfies, Token: s.Token})
	}
	return out
}

// Findings converts findings, with their report text.
func Findings(fs []report.Finding) []protocol.Finding {
	out := []protocol.Finding{}
	for _, f := range fs {
		out = append(out, protocol.Finding{Kind: f.Kind, Message: f.Message, Text: f.Text(), Line: f.Line, Col: f.Col,
			Thread: report.ThreadName(f.Thread), Count: f.Count, Token: f.Token})
	}
	return out
}

func (e *Engine) trace(req protocol.Request) protocol.Response {
	prog, ds, err := e.compile(req.Script)
	if err != nil {
		return errorResp(ds, err)
	}
	tr, err := sim.Trace(context.Background(), prog, req.Token)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	return protocol.Response{Type: protocol.Trace, Trace: tr, Findings: Findings(tr.Findings)}
}
