// Package protocol defines the messages the playground page and its Web
// Worker exchange, as JSON strings over postMessage, and the small pure
// computations both sides share (run options, progress estimates).
//
// The page sends a Request; the worker answers with Responses carrying the
// same ID: any number of "progress" messages, then exactly one final
// message ("result", "error", "trace", "session" or "compiled").
package protocol

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/ptlab/ptlab/core/report"
)

// Request types.
const (
	Run             = "run"              // explore Script with Options
	Cancel          = "cancel"           // stop the exploration whose request ID is ID; it answers with its partial result
	TraceReq        = "trace"            // replay Token on Script, step by step
	Check           = "compile"          // compile Script and report its diagnostics
	SessionStart    = "session.start"    // manual mode: start stepping Script
	SessionStep     = "session.step"     // step Thread
	SessionUndo     = "session.undo"     // take back the last step
	SessionContinue = "session.continue" // explore every execution extending the steps taken, with Options
	SessionStop     = "session.stop"     // end manual mode
	Markdown        = "markdown"         // render Script (Markdown notes) to HTML
	ListExamples    = "examples"         // list the Examples menu
	GetScenario     = "scenario"         // the scenario named Script (a #scenario=NAME link), as Examples[0]
	ListLessons     = "lessons"          // list the lessons
	GetLesson       = "lesson"           // lesson number Lesson, rendered, with its blocks
	CheckExercise   = "exercise.check"   // does the execution Token reach the goal of exercise Block of lesson Lesson?
	Bench           = "bench"            // time the scenario suite for at least MinMs after WarmupMs (browser measurements)
)

// Response types.
const (
	Ready    = "ready"    // the worker is up (ID 0)
	Progress = "progress" // an exploration is under way
	Result   = "result"   // an exploration finished (or was cancelled)
	Error    = "error"    // the request failed: Errors (positioned) and/or Message
	Trace    = "trace"    // the trace a TraceReq asked for
	Session  = "session"  // the manual-mode state after a session request
	Compiled = "compiled" // the diagnostics a Check asked for (Errors may be empty)
	HTML     = "html"     // the rendering a Markdown asked for
	Examples = "examples" // the list a ListExamples (or the one scenario a GetScenario) asked for
	Lessons  = "lessons"  // the list a ListLessons asked for
	Lesson   = "lesson"   // the lesson a GetLesson asked for
	Exercise = "exercise" // the verdict a CheckExercise asked for
	Timing   = "timing"   // the measurement a Bench asked for
)

// Request is one message from the page to the worker.
type Request struct {
	ID      int     `json:"id"`
	Type    string  `json:"type"`
	Script  string  `json:"script,omitempty"`
	Options Options `json:"options"`
	Token   string  `json:"token,omitempty"`
	Thread  int     `json:"thread,omitempty"`
	// Lesson and Block name a lesson's runnable block (from 1): with
	// GetLesson and CheckExercise, and with a Run of a block's code, whose
	// result then says whether it meets the block's expectation.
	Lesson int `json:"lesson,omitempty"`
	Block  int `json:"block,omitempty"`
	// MinMs is how long a Bench measures, at least, after warming up for
	// WarmupMs.
	MinMs    int `json:"min_ms,omitempty"`
	WarmupMs int `json:"warmup_ms,omitempty"`
}

// Options are the exploration options the page offers. Zero values mean
// the engine's defaults; Preemptions < 0 means no preemption bound.
type Options struct {
	Strategy    string `json:"strategy"`    // "dpor" (default), "optimal", "naive", "random", "pct"
	Seed        uint64 `json:"seed"`        //
	Executions  int    `json:"executions"`  // 0: unbounded for dpor/naive, 1000 for random/pct
	Steps       int    `json:"steps"`       // visible steps per thread; 0: 1000
	Preemptions int    `json:"preemptions"` // -1: none
	Depth       int    `json:"depth"`       // PCT depth; 0: 2
	TimeoutMs   int    `json:"timeout_ms"`  // wall-time bound; 0: none
}

// DefaultOptions are the options of a new playground.
func DefaultOptions() Options {
	return Options{Strategy: "dpor", Seed: 1, Preemptions: -1, TimeoutMs: 60000}
}

// Strategies are the strategies the page offers, in menu order.
var Strategies = []string{"dpor", "optimal", "naive", "random", "pct"}

// Validate reports the first option a user must fix.
func (o Options) Validate() error {
	ok := o.Strategy == ""
	for _, s := range Strategies {
		ok = ok || o.Strategy == s
	}
	switch {
	case !ok:
		return fmt.Errorf("unknown strategy %q (want dpor, optimal, naive, random or pct)", o.Strategy)
	case o.Strategy == "optimal" && o.Preemptions >= 0:
		return fmt.Errorf("the optimal strategy cannot take a preemption bound: use dpor, which stays complete within the bound")
	case o.Executions < 0:
		return fmt.Errorf("the execution bound must be 0 (none) or more, not %d", o.Executions)
	case o.Steps < 0:
		return fmt.Errorf("the step bound must be 0 (default) or more, not %d", o.Steps)
	case o.Preemptions < -1:
		return fmt.Errorf("the preemption bound must be -1 (none) or more, not %d", o.Preemptions)
	case o.Depth < 0:
		return fmt.Errorf("the PCT depth must be 0 (default) or more, not %d", o.Depth)
	case o.TimeoutMs < 0:
		return fmt.Errorf("the time limit must be 0 (none) or more, not %d ms", o.TimeoutMs)
	}
	return nil
}

// Response is one message from the worker to the page.
type Response struct {
	ID       int            `json:"id"`
	Type     string         `json:"type"`
	Progress *ProgressInfo  `json:"progress,omitempty"`
	Result   *RunResult     `json:"result,omitempty"`
	Errors   []Diag         `json:"errors,omitempty"`
	Message  string         `json:"message,omitempty"`
	Trace    *report.Trace  `json:"trace,omitempty"`
	Session  *SessionState  `json:"session,omitempty"`
	Findings []Finding      `json:"findings,omitempty"` // a trace's findings, with their report text
	HTML     string         `json:"html,omitempty"`
	Examples []Example      `json:"examples,omitempty"`
	Lessons  []LessonInfo   `json:"lessons,omitempty"`
	Lesson   *LessonPage    `json:"lesson,omitempty"`
	Exercise *ExerciseCheck `json:"exercise,omitempty"`
	// Timing is a Bench's perf.Timing, as JSON: the page never reads
	// it, and package perf imports the engine, which the page leaves out.
	Timing json.RawMessage `json:"timing,omitempty"`
}

// LessonInfo is one entry of the list of lessons.
type LessonInfo struct {
	N     int    `json:"n"` // from 1: index.html#lesson=N
	Title string `json:"title"`
	Slug  string `json:"slug"`
}

// LessonPage is one lesson, rendered by package lessons (goldmark, raw
// HTML disabled; ptlab's own text, never user input).
type LessonPage struct {
	N      int         `json:"n"`
	Count  int         `json:"count"` // how many lessons there are
	Title  string      `json:"title"`
	Slug   string      `json:"slug"`
	HTML   string      `json:"html"` // the body and its list of sources; blocks are div.litmus-block#lesson-N-block-K
	Blocks []BlockInfo `json:"blocks"`
}

// BlockInfo is one runnable block of a lesson.
type BlockInfo struct {
	Index    int    `json:"index"` // from 1: embed.html#lesson=N&block=K
	Kind     string `json:"kind"`  // "run" or "exercise"
	Name     string `json:"name"`
	Code     string `json:"code"`
	Expect   string `json:"expect,omitempty"` // run blocks: as in the info string, e.g. "Sometimes,clean"
	Goal     string `json:"goal,omitempty"`   // exercises: "exists" or "finding:KIND"
	Describe string `json:"describe"`         // the expectation or goal in words
}

// ExerciseCheck says whether a manual-mode execution reaches an
// exercise's goal.
type ExerciseCheck struct {
	Met      bool   `json:"met"`
	Goal     string `json:"goal"`     // "exists" or "finding:KIND"
	Describe string `json:"describe"` // the goal in words
}

// ExpectCheck says whether a run of a lesson block meets the block's
// expectation.
type ExpectCheck struct {
	Met      bool   `json:"met"`
	Describe string `json:"describe"`          // the expectation in words
	Problem  string `json:"problem,omitempty"` // what differs, when not met
}

// Example is one entry of the Examples menu.
type Example struct {
	Group  string `json:"group"`
	Name   string `json:"name"`
	Note   string `json:"note"`
	Source string `json:"source"`
}

// Diag is one positioned diagnostic of the script.
type Diag struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"` // without the position
	Text    string `json:"text"`    // file:line:col: message, as the CLI prints it
	Warning bool   `json:"warning"`
}

// ProgressInfo reports an exploration under way.
type ProgressInfo struct {
	Executions int   `json:"executions"`
	ElapsedMs  int64 `json:"elapsed_ms"`
	// Estimate is the engine's estimate of the executions of the whole
	// search (sim.Options.Estimate: the DFS progress fraction for
	// dpor/naive), or 0 when it has none yet.
	Estimate float64 `json:"estimate,omitempty"`
}

// RunResult is an exploration's result as the page shows it.
type RunResult struct {
	Name        string       `json:"name"`
	Text        string       `json:"text"`        // the herd-style text the CLI prints
	Condition   string       `json:"condition"`   // "exists (…)", or "" without a condition
	Verdict     string       `json:"verdict"`     // "Never", "Sometimes", "Always", or ""
	Observation string       `json:"observation"` // "Observation NAME VERDICT P N"
	Exploration string       `json:"exploration"` // "Explored N executions (dpor): exhaustive; …"
	Executions  int          `json:"executions"`
	Exhaustive  bool         `json:"exhaustive"`
	StopReason  string       `json:"stop_reason"`
	Cancelled   bool         `json:"cancelled"` // the user stopped the run: the result is partial
	Strategy    string       `json:"strategy"`
	Note        string       `json:"note"`
	States      []State      `json:"states"`
	Findings    []Finding    `json:"findings"`
	Warnings    []Diag       `json:"warnings"`
	ElapsedMs   int64        `json:"elapsed_ms"`
	Prefix      int          `json:"prefix"`           // steps forced by manual mode before exploring
	Expect      *ExpectCheck `json:"expect,omitempty"` // for a Run naming a lesson block: its expectation, checked
}

// State is one distinct final state and its witness.
type State struct {
	Line      string `json:"line"` // herd's state line, e.g. "0:r0=0; 1:r0=1;"
	Count     int    `json:"count"`
	Satisfies bool   `json:"satisfies"`
	Token     string `json:"token"`
}

// Finding is one finding, with its kernel-style report text.
type Finding struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Text    string `json:"text"` // the report as the CLI prints it
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Thread  string `json:"thread"` // "P0", ..., "RCU"
	Count   int    `json:"count"`
	Token   string `json:"token"`
}

// SessionState is manual mode's state after a step, an undo or a start.
type SessionState struct {
	Threads  []ThreadState `json:"threads"`
	End      string        `json:"end"` // "running", "complete", "deadlock", ...
	Token    string        `json:"token"`
	Steps    int           `json:"steps"`
	Trace    *report.Trace `json:"trace"`    // the steps so far, when the engine could lay them out
	Findings []Finding     `json:"findings"` // what the steps so far reported
	Events   []Event       `json:"events"`   // the steps so far, always
}

// Event is one step taken in manual mode, for when Trace is nil.
type Event struct {
	Thread int    `json:"thread"`
	Op     string `json:"op"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
}

// ThreadState is one thread in manual mode.
type ThreadState struct {
	Index   int    `json:"index"`
	Name    string `json:"name"`    // "P0", ..., "RCU"
	Status  string `json:"status"`  // "ready", "blocked", "done", "crashed"
	Line    int    `json:"line"`    //
	Col     int    `json:"col"`     //
	Pending string `json:"pending"` // its next visible operation
	Why     string `json:"why"`     // why it is blocked
	Enabled bool   `json:"enabled"` // it may step now
}

// Estimate describes how far a run is from its end: the rate, and the
// time left when a bound (executions or time) or the engine's estimate
// of the search's size makes it knowable.
func Estimate(o Options, p ProgressInfo) string {
	el := time.Duration(p.ElapsedMs) * time.Millisecond
	if el <= 0 || p.Executions <= 0 {
		return fmt.Sprintf("%d executions", p.Executions)
	}
	rate := float64(p.Executions) / el.Seconds()
	s := fmt.Sprintf("%d executions, %s executions/s", p.Executions, rateText(rate))
	left, word := time.Duration(-1), "about"
	bound, estimated := total(o, p)
	if bound > 0 {
		left = time.Duration(max(bound-float64(p.Executions), 0) / rate * float64(time.Second))
	}
	if estimated {
		s += fmt.Sprintf("; an estimated %s in all", countText(bound))
	}
	if o.TimeoutMs > 0 {
		if tl := max(time.Duration(o.TimeoutMs)*time.Millisecond-el, 0); left < 0 || tl < left {
			left, word = tl, "at most"
		}
	}
	if left < 0 {
		return s + "; no estimate yet"
	}
	return s + "; " + word + " " + durText(left) + " left"
}

// total returns the number of executions a run will make: its bound, or
// else the engine's estimate (estimated is then true), or 0 if neither
// is known.
func total(o Options, p ProgressInfo) (n float64, estimated bool) {
	bound := o.Executions
	if bound == 0 && (o.Strategy == "random" || o.Strategy == "pct") {
		bound = 1000
	}
	if bound > 0 {
		return float64(bound), false
	}
	if p.Estimate > 0 {
		return max(p.Estimate, float64(p.Executions)), true
	}
	return 0, false
}

// Fraction is how much of its bound or estimated size a run has done, in
// [0, 1], or -1 when nothing makes it knowable (an exhaustive search
// without limits, before the engine has an estimate).
func Fraction(o Options, p ProgressInfo) float64 {
	f := -1.0
	if n, _ := total(o, p); n > 0 {
		f = float64(p.Executions) / n
	}
	if o.TimeoutMs > 0 {
		f = max(f, float64(p.ElapsedMs)/float64(o.TimeoutMs))
	}
	if f < 0 {
		return -1
	}
	return min(f, 1)
}

// countText writes an estimated count with two significant digits.
func countText(n float64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2g billion", n/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.2g million", n/1e6)
	case n >= 100:
		p := 1.0
		for n/p >= 100 {
			p *= 10
		}
		return fmt.Sprintf("%.0f", math.Round(n/p)*p)
	}
	return fmt.Sprintf("%.0f", n)
}

func rateText(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2f", r)
}

func durText(d time.Duration) string {
	switch {
	case d < time.Second:
		return "1 s"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int((d+time.Second-1)/time.Second))
	}
	return fmt.Sprintf("%d min %d s", int(d/time.Minute), int(d%time.Minute/time.Second))
}
