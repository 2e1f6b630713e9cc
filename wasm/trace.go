//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/wasm/internal/lanes"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// barWidth is the horizontal pitch of the bars in a swimlane, in pixels.
const barWidth = 7

// traceView draws one execution as swimlanes (#lanes), the world at the
// selected step (#world) and the controls to step through it.
type traceView struct {
	p                       *page
	lanesEl, world, detail  *elem
	title, pos              *elem
	back, fwd, expand, coll *elem

	tr       *report.Trace
	lay      *lanes.Layout
	script   string
	token    string
	heading  string
	expanded map[int]bool
	rows     []lanes.Row
	rowEls   []*elem
	cols     []int // the threads shown, in order
	sel      int   // selected row, or -1 for "before the first step"
}

func newTraceView(p *page) *traceView {
	v := &traceView{p: p, lanesEl: byID("lanes"), world: byID("world"), detail: byID("step-detail"),
		title: byID("trace-title"), pos: byID("trace-pos"), back: byID("trace-back"), fwd: byID("trace-forward"),
		expand: byID("trace-expand"), coll: byID("trace-collapse"), sel: -1}
	if v.lanesEl == nil {
		return v
	}
	onClick(v.back, func() { v.move(-1) })
	onClick(v.fwd, func() { v.move(+1) })
	onClick(v.expand, func() { v.setAllExpanded(true) })
	onClick(v.coll, func() { v.setAllExpanded(false) })
	v.lanesEl.AddEventListener("keydown", false, func(ev *event) {
		k := ev
		if v.lay == nil {
			return
		}
		switch k.Key() {
		case "ArrowDown", "j":
			v.move(+1)
		case "ArrowUp", "k":
			v.move(-1)
		case "ArrowRight", "Enter":
			v.toggleSelected(true)
		case "ArrowLeft":
			v.toggleSelected(false)
		case "Home":
			v.selectRow(-1)
		case "End":
			v.selectRow(len(v.rows) - 1)
		default:
			return
		}
		k.PreventDefault()
	})
	return v
}

// openTrace asks the engine for the interleaving token names and shows
// it in the Interleaving tab.
func (p *page) openTrace(src, token, heading string) {
	if p.trace.lanesEl == nil {
		return
	}
	selectTab("interleaving")
	p.trace.title.SetTextContent("Loading the interleaving…")
	p.eng.send(protocol.Request{Type: protocol.TraceReq, Script: src, Token: token}, func(r protocol.Response) {
		switch r.Type {
		case protocol.Trace:
			p.trace.show(r.Trace, src, heading, r.Findings)
		case protocol.Error:
			p.trace.clearView()
			msg := r.Message
			if len(r.Errors) > 0 {
				p.ed.setDiags(r.Errors)
				msg = "the script has errors: " + r.Errors[0].Text
			}
			p.trace.title.SetTextContent("Cannot show this interleaving: " + msg)
			setData(p.trace.lanesEl, "state", "error")
		}
	})
}

func (v *traceView) clearView() {
	v.tr, v.lay = nil, nil
	clear(v.lanesEl)
	clear(v.world)
	clear(v.detail)
	if v.pos != nil {
		v.pos.SetTextContent("")
	}
	for _, b := range []*elem{v.back, v.fwd, v.expand, v.coll} {
		setDisabled(b, true)
	}
	v.p.ed.setCurrent(0)
}

// show draws tr. findings are what the execution reported, named in the
// title.
func (v *traceView) show(tr *report.Trace, script, heading string, findings []protocol.Finding) {
	v.tr, v.lay, v.script, v.token, v.heading = tr, lanes.New(tr), script, tr.Token, heading
	v.expanded = map[int]bool{}
	for _, g := range v.lay.Groups {
		v.expanded[g.ID] = v.lay.DefaultExpanded(g.ID)
	}
	// Columns: every thread of the trace. The engine lists the RCU
	// callback thread only when the script can queue RCU callbacks
	// (kvfree_rcu(), pte_free_defer(), ...), so its column shows when
	// it has something to say, even before a callback has run.
	v.cols = nil
	for i := range tr.Threads {
		v.cols = append(v.cols, i)
	}
	end := tr.End
	if end == "" {
		end = "unfinished"
	}
	title := fmt.Sprintf("%s · %d steps · ends: %s", heading, len(tr.Steps), end)
	if len(findings) > 0 && !strings.HasPrefix(heading, "Manual") {
		var kinds []string
		for _, f := range findings {
			kinds = append(kinds, strings.ToUpper(f.Kind))
		}
		title += " · this execution reports " + strings.Join(kinds, ", ")
	}
	v.title.SetTextContent(title)
	v.title.SetTitle("replay token: " + tr.Token)
	v.title.Class().Remove("muted")
	for _, b := range []*elem{v.expand, v.coll} {
		setDisabled(b, len(v.lay.Groups) == 0)
	}
	v.sel = -1
	v.render()
	v.selectRow(-1)
	setData(v.lanesEl, "state", "shown")
	setData(v.lanesEl, "token", tr.Token)
}

func (v *traceView) setAllExpanded(on bool) {
	if v.lay == nil {
		return
	}
	step := v.selectedStep()
	for id := range v.expanded {
		v.expanded[id] = on
	}
	v.render()
	v.selectStep(step)
}

// selectedStep is the last step of the selected row, or -1.
func (v *traceView) selectedStep() int {
	if v.sel < 0 || v.sel >= len(v.rows) {
		return -1
	}
	return v.rows[v.sel].Last
}

// selectStep selects the row showing step (or the group holding it).
func (v *traceView) selectStep(step int) {
	if step < 0 {
		v.selectRow(-1)
		return
	}
	for i, r := range v.rows {
		if r.Selectable() && r.First <= step && step <= r.Last {
			v.selectRow(i)
			return
		}
	}
	v.selectRow(-1)
}

func (v *traceView) toggleSelected(open bool) {
	if v.sel < 0 || v.sel >= len(v.rows) {
		return
	}
	r := v.rows[v.sel]
	if r.Group < 0 {
		// A step inside an expanded call: Left collapses its call.
		if open {
			return
		}
		depth := 0
		for _, g := range v.lay.Groups {
			if g.Thread == r.Thread && g.First <= r.Step && r.Step <= g.Last && v.expanded[g.ID] && g.Depth > depth {
				r.Group, depth = g.ID, g.Depth // the innermost call holding the step
			}
		}
		if r.Group < 0 {
			return
		}
	}
	v.expanded[r.Group] = open
	step := v.rows[v.sel].Last
	v.render()
	if open {
		v.selectStep(v.lay.Groups[r.Group].First)
	} else {
		v.selectStep(step)
	}
}

// render draws the rows.
func (v *traceView) render() {
	v.rows = v.lay.Rows(func(g int) bool { return v.expanded[g] })
	clear(v.lanesEl)
	table := mk("table", "swim", "")
	head := mk("tr", "", "")
	head.AppendChild(mk("th", "num", "#"))
	for _, c := range v.cols {
		th := mk("th", "", v.tr.Threads[c])
		th.Style().SetProperty("padding-left", strconv.Itoa(4+v.lay.Tracks[c]*barWidth)+"px", "")
		head.AppendChild(th)
	}
	thead := mk("thead", "", "")
	thead.AppendChild(head)
	table.AppendChild(thead)
	tbody := mk("tbody", "", "")
	v.rowEls = v.rowEls[:0]
	for i, r := range v.rows {
		i, r := i, r
		tr := mk("tr", "", "")
		if r.Group >= 0 {
			tr.Class().Add("group")
		}
		if !r.Selectable() {
			tr.Class().Add("header")
		}
		num := strconv.Itoa(r.First + 1)
		if r.Last > r.First {
			num += "–" + strconv.Itoa(r.Last+1)
		}
		tr.AppendChild(mk("td", "num", num))
		bars := v.lay.Bars(r)
		for _, c := range v.cols {
			td := mk("td", "lane", "")
			td.Style().SetProperty("padding-left", strconv.Itoa(4+v.lay.Tracks[c]*barWidth)+"px", "")
			for _, b := range bars[c] {
				td.AppendChild(v.bar(b))
			}
			if c == r.Thread {
				td.Class().Add("own")
				td.AppendChild(v.cell(r))
			}
			tr.AppendChild(td)
		}
		tr.AddEventListener("click", false, func(*event) {
			if r.Selectable() {
				v.selectRow(i)
			}
		})
		tbody.AppendChild(tr)
		v.rowEls = append(v.rowEls, tr)
	}
	table.AppendChild(tbody)
	v.lanesEl.AppendChild(table)
	if len(v.rows) == 0 {
		v.lanesEl.AppendChild(mk("p", "muted", "No steps."))
	}
	setData(v.lanesEl, "rows", strconv.Itoa(len(v.rows)))
}

// bar draws one bar piece.
func (v *traceView) bar(b lanes.Bar) *elem {
	s := v.lay.Spans[b.Span]
	class := "lanebar " + s.Kind
	if s.Color >= 0 {
		class += " c" + strconv.Itoa(s.Color%8)
	}
	if b.Top {
		class += " top"
	}
	if b.Bottom {
		class += " bottom"
	}
	e := mk("span", class, "")
	e.Style().SetProperty("left", strconv.Itoa(2+s.Track*barWidth)+"px", "")
	who := v.tr.Threads[s.Thread]
	switch s.Kind {
	case "lock":
		e.SetTitle(who + " holds " + s.Name)
	case "read":
		e.SetTitle(who + " holds " + s.Name + " for read")
	case "rcu":
		e.SetTitle(who + " is in an RCU read-side critical section")
	case "irq":
		e.SetTitle(who + " runs with interrupts disabled")
	}
	return e
}

// cell is the text of row r in its thread's lane.
func (v *traceView) cell(r lanes.Row) *elem {
	c := mk("span", "celltext", "")
	c.Style().SetProperty("margin-left", strconv.Itoa(r.Indent*14)+"px", "")
	if r.Group >= 0 {
		g := v.lay.Groups[r.Group]
		mark := "▸"
		if r.Expanded {
			mark = "▾"
		}
		t := mk("button", "toggle", mark)
		t.SetAttribute("type", "button")
		t.SetTitle("Expand or collapse this call")
		t.AddEventListener("click", false, func(ev *event) {
			ev.StopPropagation()
			step := v.selectedStep()
			v.expanded[g.ID] = !v.expanded[g.ID]
			v.render()
			v.selectStep(step)
		})
		c.AppendChild(t)
		label := v.lay.Label(r)
		if g.Depth == 1 {
			if call := lanes.CallText(v.script, g.Line, g.Col, g.Func); call != "" {
				label = strings.Replace(label, g.Func+"(…)", call, 1)
			}
		}
		c.AppendChild(mk("span", "call", label))
		if g.Prelude {
			c.AppendChild(mk("span", "tag", "kernel"))
		}
		return c
	}
	s := v.tr.Steps[r.Step]
	text := mk("span", "op", s.Text)
	if s.Failed {
		text.Class().Add("failed")
		text.SetTitle("failed: it only read")
	}
	c.AppendChild(text)
	if s.Line > 0 {
		c.AppendChild(mk("span", "line", strconv.Itoa(s.Line)))
	}
	return c
}

// move selects the next (+1) or previous (-1) selectable row.
func (v *traceView) move(d int) {
	if v.lay == nil {
		return
	}
	i := v.sel + d
	for i >= 0 && i < len(v.rows) && !v.rows[i].Selectable() {
		i += d
	}
	if i < -1 || i >= len(v.rows) {
		return
	}
	v.selectRow(i)
}

// selectRow selects row i (-1: before the first step) and shows the
// world after it.
func (v *traceView) selectRow(i int) {
	if v.lay == nil {
		return
	}
	if v.sel >= 0 && v.sel < len(v.rowEls) {
		v.rowEls[v.sel].Class().Remove("sel")
	}
	v.sel = i
	var r lanes.Row
	if i >= 0 && i < len(v.rows) {
		r = v.rows[i]
		v.rowEls[i].Class().Add("sel")
		v.rowEls[i].Underlying().Call("scrollIntoView", map[string]any{"block": "nearest"})
	} else {
		r = lanes.Row{First: -1, Last: -1, Step: -1, Group: -1}
	}
	// Buttons: back until before the first step, forward until the end.
	setDisabled(v.back, i < 0)
	last := len(v.rows) - 1
	for last >= 0 && !v.rows[last].Selectable() {
		last--
	}
	setDisabled(v.fwd, i >= last)
	total := len(v.tr.Steps)
	if v.pos != nil {
		if r.Last < 0 {
			v.pos.SetTextContent(fmt.Sprintf("0/%d", total))
		} else {
			v.pos.SetTextContent(fmt.Sprintf("%d/%d", r.Last+1, total))
		}
	}
	setData(v.lanesEl, "step", strconv.Itoa(r.Last+1))
	v.showDetail(r)
	prev := v.tr.Initial
	if r.First > 0 {
		prev = v.tr.Steps[r.First-1].World
	}
	v.renderWorld(v.lay.World(r), prev, r.Last >= 0)
}

// showDetail describes the selected row: the step, its thread, where it
// is and in which calls.
func (v *traceView) showDetail(r lanes.Row) {
	if v.detail == nil {
		return
	}
	clear(v.detail)
	if r.Last < 0 {
		v.detail.SetTextContent("Before the first step: the world the init section set up.")
		v.p.ed.setCurrent(0)
		return
	}
	s := v.tr.Steps[r.Last]
	who := v.tr.Threads[s.Thread]
	var b strings.Builder
	if r.Group >= 0 {
		g := v.lay.Groups[r.Group]
		fmt.Fprintf(&b, "Steps %d–%d of %d · %s · %s", r.First+1, r.Last+1, len(v.tr.Steps), who, v.lay.Label(r))
		if g.Line > 0 {
			fmt.Fprintf(&b, " · called at %d:%d", g.Line, g.Col)
		}
		b.WriteString(" · the world after its last step")
	} else {
		fmt.Fprintf(&b, "Step %d of %d · %s · %s", r.Last+1, len(v.tr.Steps), who, s.Text)
		if s.Line > 0 {
			fmt.Fprintf(&b, " · line %d:%d", s.Line, s.Col)
		}
		if len(s.Stack) > 1 {
			var calls []string
			for j := len(s.Stack) - 1; j >= 1; j-- {
				calls = append(calls, s.Stack[j].Func+"()")
			}
			b.WriteString(" · in " + strings.Join(calls, " ← ") + " ← " + who)
		}
	}
	v.detail.SetTextContent(b.String())
	line := s.Line
	if r.Group >= 0 {
		line = v.lay.Groups[r.Group].Line
	}
	v.p.ed.setCurrent(line)
}

// renderWorld shows w, marking what changed since prev.
func (v *traceView) renderWorld(w, prev report.World, after bool) {
	if v.world == nil {
		return
	}
	clear(v.world)
	title := "World before the first step"
	if after {
		title = "World after the selected step"
	}
	v.world.AppendChild(mk("h3", "", title))
	changed := func(now string, before []string) bool {
		for _, b := range before {
			if b == now {
				return false
			}
		}
		return true
	}
	var prevKeys []string
	for _, e := range prev.PMDs {
		prevKeys = append(prevKeys, pmdKey(e))
	}
	for _, t := range prev.Tables {
		prevKeys = append(prevKeys, tableKey(t))
	}
	for _, l := range prev.Locks {
		prevKeys = append(prevKeys, lockKey(l))
	}
	grid := mk("div", "world-grid", "")
	if len(w.PMDs) > 0 {
		tb := table("PMD entries", "entry", "state", "points to")
		for _, e := range w.PMDs {
			cells := tb.row(changed(pmdKey(e), prevKeys), e.Name, e.State, e.Table)
			cells[1].Class().Add("st-" + e.State)
		}
		grid.AppendChild(tb.el)
	}
	if len(w.Tables) > 0 {
		tb := table("PTE tables", "table", "state", "split lock", "entries")
		for _, t := range w.Tables {
			owner := "free"
			if t.LockOwner >= 0 {
				owner = "held by " + v.threadName(t.LockOwner)
			}
			ptes := strings.Join(t.PTEs, ", ")
			if ptes == "" {
				ptes = "none"
			}
			cells := tb.row(changed(tableKey(t), prevKeys), t.Name, t.State, owner, ptes)
			cells[1].Class().Add("st-" + t.State)
		}
		grid.AppendChild(tb.el)
	}
	tb := table("Locks held", "lock", "holder")
	for _, l := range w.Locks {
		var who []string
		if l.Owner >= 0 {
			who = append(who, v.threadName(l.Owner))
		}
		for _, r := range l.Readers {
			who = append(who, v.threadName(r)+" (read)")
		}
		tb.row(changed(lockKey(l), prevKeys), l.Name, strings.Join(who, ", "))
	}
	if len(w.Locks) == 0 {
		tb.row(false, "none", "")
	}
	grid.AppendChild(tb.el)
	facts := mk("ul", "facts", "")
	names := func(ts []int) string {
		if len(ts) == 0 {
			return "none"
		}
		var out []string
		for _, t := range ts {
			out = append(out, v.threadName(t))
		}
		return strings.Join(out, ", ")
	}
	facts.AppendChild(mk("li", "", "RCU readers: "+names(w.RCU)))
	facts.AppendChild(mk("li", "", "IRQs disabled: "+names(w.IRQOff)))
	facts.AppendChild(mk("li", "", "RCU callbacks queued: "+strconv.Itoa(w.Callbacks)))
	grid.AppendChild(facts)
	v.world.AppendChild(grid)
}

func (v *traceView) threadName(t int) string {
	if t >= 0 && t < len(v.tr.Threads) {
		return v.tr.Threads[t]
	}
	return report.ThreadName(t)
}

func pmdKey(e report.PMDEntry) string { return "pmd " + e.Name + "=" + e.State + ":" + e.Table }
func tableKey(t report.Table) string {
	return fmt.Sprintf("table %s=%s:%d:%s", t.Name, t.State, t.LockOwner, strings.Join(t.PTEs, ","))
}
func lockKey(l report.Lock) string { return fmt.Sprintf("lock %s=%d:%v", l.Name, l.Owner, l.Readers) }

// htmlTable builds a small captioned table with text cells.
type htmlTable struct{ el, body *elem }

func table(caption string, cols ...string) *htmlTable {
	t := &htmlTable{el: mk("table", "world-table", ""), body: mk("tbody", "", "")}
	t.el.AppendChild(mk("caption", "", caption))
	h := mk("tr", "", "")
	for _, c := range cols {
		h.AppendChild(mk("th", "", c))
	}
	thead := mk("thead", "", "")
	thead.AppendChild(h)
	t.el.AppendChild(thead)
	t.el.AppendChild(t.body)
	return t
}

// row adds a row of text cells and returns the cells.
func (t *htmlTable) row(changed bool, texts ...string) []*elem {
	tr := mk("tr", "", "")
	if changed {
		tr.Class().Add("changed")
	}
	var cells []*elem
	for _, c := range texts {
		td := mk("td", "", c)
		tr.AppendChild(td)
		cells = append(cells, td)
	}
	t.body.AppendChild(tr)
	return cells
}
