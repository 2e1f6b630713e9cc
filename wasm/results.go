//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/internal/reader"
)

// cancelGrace is how long Cancel waits for the engine's partial result
// before it restarts the worker.
const cancelGrace = 5 * time.Second

// runScript explores the editor's script in the worker.
func (p *page) runScript() {
	o, err := p.options()
	if err != nil {
		p.showMessage("Cannot run: "+err.Error(), "", nil)
		return
	}
	req := protocol.Request{Type: protocol.Run, Script: p.ed.text(), Options: o}
	if lb := p.loadedFor(req.Script); lb != nil && lb.block.Kind == "run" {
		// The editor holds a lesson block, unchanged: the result says
		// whether it meets the lesson's expectation.
		req.Lesson, req.Block = lb.lesson, lb.block.Index
	}
	p.explore(req, "", nil)
}

// runBlock runs block b of lesson n as the lesson does (exhaustive DPOR,
// the default options), then opens the interleaving that shows what the
// lesson expects, in the results pane beside the lesson's text.
func (p *page) runBlock(n int, b protocol.BlockInfo) {
	req := protocol.Request{Type: protocol.Run, Script: b.Code, Options: protocol.DefaultOptions(), Lesson: n, Block: b.Index}
	what := fmt.Sprintf("Lesson %d, block %d, run with the default options.", n, b.Index)
	p.explore(req, what, func(res *protocol.RunResult) {
		tok, heading := reader.Witness(res, b.Expect)
		if tok == "" {
			return
		}
		p.openTrace(b.Code, tok, fmt.Sprintf("Lesson %d, block %d · %s", n, b.Index, heading))
	})
}

// explore sends an exploration request (a run, or a manual-mode
// continue) and shows its progress and result. what describes the run
// in the summary; then, if not nil, runs after the result is shown.
func (p *page) explore(req protocol.Request, what string, then func(*protocol.RunResult)) {
	p.mu.Lock()
	if p.runID != 0 {
		p.mu.Unlock()
		return
	}
	p.runID = -1 // reserved until send returns the real ID
	p.runOpts = req.Options
	p.mu.Unlock()
	src := req.Script
	if req.Type == protocol.SessionContinue && p.manual != nil {
		src = p.manual.script
	}
	p.setRunning(true)
	p.setStatus("Running…")
	showProgress := func(pr *protocol.ProgressInfo) {
		if p.progressText != nil {
			p.progressText.SetTextContent(protocol.Estimate(req.Options, *pr))
		}
		if p.progressBar != nil {
			// Without a bound the bar stays indeterminate (no value).
			if f := protocol.Fraction(req.Options, *pr); f >= 0 {
				p.progressBar.Underlying().Set("value", f)
			} else {
				p.progressBar.Underlying().Call("removeAttribute", "value")
			}
		}
	}
	showProgress(&protocol.ProgressInfo{})
	id := p.eng.send(req, func(r protocol.Response) {
		switch r.Type {
		case protocol.Progress:
			showProgress(r.Progress)
			return
		case protocol.Result:
			p.finishRun()
			p.showResult(src, req.Options, r.Result, what)
			if req.Lesson > 0 {
				p.lessons.blockRan(req.Lesson, req.Block, r.Result.Expect)
			}
			if then != nil {
				then(r.Result)
			}
		case protocol.Error:
			p.finishRun()
			p.showRunError(r)
		default:
			p.finishRun()
		}
	})
	p.mu.Lock()
	if p.runID == -1 {
		p.runID = id
	}
	p.mu.Unlock()
}

func (p *page) finishRun() {
	p.mu.Lock()
	p.runID = 0
	p.mu.Unlock()
	p.setRunning(false)
}

func (p *page) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.runID != 0
}

func (p *page) setRunning(on bool) {
	setDisabled(p.run, on)
	setDisabled(p.cancelBtn, !on)
	show(p.progress, on)
	if on {
		setData(body(), "running", "1")
	} else {
		body().Underlying().Get("dataset").Delete("running")
	}
	if p.manual != nil {
		p.manual.setBusy(on)
	}
}

// cancelRun stops the exploration under way. The engine answers with the
// partial result; if it has not within cancelGrace, the worker is
// restarted and the partial result is lost.
func (p *page) cancelRun() {
	p.mu.Lock()
	id := p.runID
	p.mu.Unlock()
	if id <= 0 {
		return
	}
	p.eng.cancel(id)
	p.setStatus("Cancelling…")
	setDisabled(p.cancelBtn, true)
	time.Sleep(cancelGrace)
	p.mu.Lock()
	still := p.runID == id
	p.mu.Unlock()
	if still {
		p.eng.restart(fmt.Sprintf("The run did not stop within %v of Cancel, so the engine was restarted; its partial result is lost.", cancelGrace))
		if p.manual != nil {
			p.manual.lost()
		}
	}
}

// showRunError shows a failed run: compile errors at their positions,
// or the engine's message.
func (p *page) showRunError(r protocol.Response) {
	clear(p.summary)
	if len(r.Errors) > 0 {
		p.ed.setDiags(r.Errors)
		n := 0
		for _, d := range r.Errors {
			if !d.Warning {
				n++
			}
		}
		head := mk("p", "error", fmt.Sprintf("The script has %d error%s; nothing was run.", n, plural(n)))
		p.summary.AppendChild(head)
		for _, d := range r.Errors {
			p.summary.AppendChild(mk("pre", "diag", d.Text))
		}
		if p.output != nil {
			p.output.SetTextContent(r.Message)
			p.output.Class().Add("error")
		}
		p.setStatus(fmt.Sprintf("%d error%s.", n, plural(n)))
		setData(body(), "result", "error")
		return
	}
	p.summary.AppendChild(mk("p", "error", r.Message))
	p.setStatus("Error: " + r.Message)
	setData(body(), "result", "error")
}

// showResult shows a finished (or cancelled) exploration.
func (p *page) showResult(src string, o protocol.Options, res *protocol.RunResult, what string) {
	p.mu.Lock()
	p.last, p.lastScript = res, src
	p.mu.Unlock()
	if p.ed.text() == src {
		p.ed.setDiags(res.Warnings)
	}
	clear(p.summary)
	head := mk("p", "verdict", "")
	if res.Verdict != "" {
		v := mk("span", "badge "+strings.ToLower(res.Verdict), res.Verdict)
		head.AppendChild(v)
		head.AppendChild(textNode(" " + res.Condition))
	} else {
		head.AppendChild(textNode("No condition: " + strconv.Itoa(len(res.States)) + " final state" + plural(len(res.States))))
	}
	p.summary.AppendChild(head)
	if what != "" {
		p.summary.AppendChild(mk("p", "muted", what))
	}
	if x := res.Expect; x != nil {
		if x.Met {
			p.summary.AppendChild(mk("p", "expect ok", "✓ As the lesson says: "+strings.TrimPrefix(x.Describe, "Expected: ")))
		} else {
			p.summary.AppendChild(mk("p", "expect bad", "✗ Not as the lesson says ("+strings.TrimPrefix(x.Describe, "Expected: ")+"): "+x.Problem+"."))
		}
	}
	p.summary.AppendChild(mk("p", "observation", res.Observation))
	expl := mk("p", "exploration", res.Exploration)
	if !res.Exhaustive {
		expl.Class().Add("partial")
	}
	p.summary.AppendChild(expl)
	if res.Cancelled {
		p.summary.AppendChild(mk("p", "partial", "Cancelled: this is a partial result and NOT exhaustive; outcomes and findings not listed may still exist."))
	}
	if res.Note != "" {
		p.summary.AppendChild(mk("p", "muted", res.Note))
	}
	p.summary.AppendChild(mk("p", "muted", fmt.Sprintf("%s in %s.", optionsText(o), msText(res.ElapsedMs))))

	p.renderOutcomes(src, res)
	p.renderFindings(src, res.Findings, p.findings)
	if p.output != nil {
		p.output.SetTextContent(res.Text)
		p.output.Class().Remove("error")
	}
	if len(res.Findings) > 0 {
		selectTab("findings")
	} else {
		selectTab("outcomes")
	}
	status := fmt.Sprintf("Done: %d execution%s in %s", res.Executions, plural(res.Executions), msText(res.ElapsedMs))
	if res.Cancelled {
		status = fmt.Sprintf("Cancelled after %d execution%s: partial result.", res.Executions, plural(res.Executions))
	} else if !res.Exhaustive {
		status += " (not exhaustive: " + res.StopReason + ")."
	} else {
		status += "."
	}
	p.setStatus(status)
	if res.Cancelled {
		setData(body(), "result", "partial")
	} else {
		setData(body(), "result", "done")
	}
}

// renderOutcomes draws the final states as a histogram; each bar opens
// its witness interleaving.
func (p *page) renderOutcomes(src string, res *protocol.RunResult) {
	if p.outcomes == nil {
		return
	}
	clear(p.outcomes)
	if len(res.States) == 0 {
		p.outcomes.AppendChild(mk("p", "muted", "No execution completed, so there is no final state. See the findings."))
		return
	}
	most := 0
	total := 0
	for _, s := range res.States {
		most = max(most, s.Count)
		total += s.Count
	}
	list := mk("ol", "histogram", "")
	for _, s := range res.States {
		s := s
		li := mk("li", "", "")
		b := mk("button", "outcome", "")
		b.SetAttribute("type", "button")
		b.SetTitle("Show a witness: one interleaving that ends in this state")
		if s.Satisfies {
			b.Class().Add("satisfies")
		}
		bar := mk("span", "bar", "")
		bar.Style().SetProperty("width", fmt.Sprintf("%.1f%%", 100*float64(s.Count)/float64(max(most, 1))), "")
		b.AppendChild(bar)
		b.AppendChild(mk("span", "state", s.Line))
		b.AppendChild(mk("span", "count", fmt.Sprintf("%d (%.0f%%)", s.Count, 100*float64(s.Count)/float64(max(total, 1)))))
		if s.Satisfies && res.Condition != "" {
			b.AppendChild(mk("span", "sat", "✓ condition"))
		}
		onClick(b, func() { p.openTrace(src, s.Token, "Witness of "+s.Line) })
		li.AppendChild(b)
		list.AppendChild(li)
	}
	p.outcomes.AppendChild(list)
	p.outcomes.AppendChild(mk("p", "muted", "Click an outcome to see one interleaving that reaches it."))
}

// renderFindings lists findings as kernel-style report text, each with
// a button that opens its interleaving.
func (p *page) renderFindings(src string, fs []protocol.Finding, into *elem) {
	if into == nil {
		return
	}
	clear(into)
	if into == p.findings && p.findingsCount != nil {
		if len(fs) > 0 {
			p.findingsCount.SetTextContent(strconv.Itoa(len(fs)))
		} else {
			p.findingsCount.SetTextContent("")
		}
	}
	if len(fs) == 0 {
		into.AppendChild(mk("p", "muted", "No findings."))
		return
	}
	for _, f := range fs {
		f := f
		box := mk("div", "finding", "")
		head := mk("div", "finding-head", "")
		head.AppendChild(mk("span", "kind", strings.ToUpper(f.Kind)))
		if f.Line > 0 {
			at := mk("button", "link", fmt.Sprintf("%s at %d:%d", f.Thread, f.Line, f.Col))
			at.SetAttribute("type", "button")
			at.SetTitle("Show this line in the editor")
			onClick(at, func() { p.ed.jump(f.Line, f.Col) })
			head.AppendChild(at)
		}
		head.AppendChild(mk("span", "spacer", ""))
		head.AppendChild(button("Show interleaving", "secondary show-trace", func() {
			p.openTrace(src, f.Token, strings.ToUpper(f.Kind)+": "+f.Message)
		}))
		box.AppendChild(head)
		box.AppendChild(mk("pre", "report", f.Text))
		into.AppendChild(box)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func msText(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	return fmt.Sprintf("%.1f s", float64(ms)/1000)
}
