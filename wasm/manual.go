//go:build js && wasm

package main

import (
	"fmt"
	"strconv"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// manualMode is the playground's manual mode: the user picks the thread
// that runs next, may undo, and may hand the rest to an exploration. The
// session lives in the worker; the page sends step, undo and continue
// requests and draws the state the worker returns.
type manualMode struct {
	p                          *page
	pane, threads, state, fnds *elem
	undo, cont, stop, strategy *elem

	active bool
	script string // the script the session is for
	st     *protocol.SessionState
	busy   bool // a request or a continue is under way
	btns   []threadButton
}

type threadButton struct {
	el      *elem
	enabled bool
}

func newManualMode(p *page) *manualMode {
	m := &manualMode{p: p, pane: byID("manual-pane"), threads: byID("manual-threads"), state: byID("manual-state"),
		fnds: byID("manual-findings"), undo: byID("manual-undo"), cont: byID("manual-continue"),
		stop: byID("manual-stop"), strategy: byID("manual-strategy")}
	if m.pane == nil {
		return nil
	}
	onClick(p.manualBtn, m.start)
	onClick(m.undo, func() { m.request(protocol.Request{Type: protocol.SessionUndo}) })
	onClick(m.stop, func() { m.leave("") })
	onClick(m.cont, m.continueRun)
	return m
}

// start begins a session on the editor's script.
func (m *manualMode) start() {
	if m.p.running() {
		return
	}
	m.script = m.p.ed.text()
	m.active = true
	m.request(protocol.Request{Type: protocol.SessionStart, Script: m.script})
}

// request sends a session request and draws the answer.
func (m *manualMode) request(req protocol.Request) {
	if !m.active || m.busy {
		return
	}
	m.setBusy(true)
	m.p.eng.send(req, func(r protocol.Response) {
		m.setBusy(false)
		switch r.Type {
		case protocol.Session:
			if r.Session != nil {
				m.draw(r.Session)
			}
		case protocol.Error:
			if req.Type == protocol.SessionStart {
				m.active = false
				show(m.pane, false)
				if len(r.Errors) > 0 {
					m.p.ed.setDiags(r.Errors)
					m.p.showMessage("Manual mode needs a script that compiles: "+r.Errors[0].Text, "", nil)
					return
				}
			}
			m.p.showMessage("Manual mode: "+r.Message, "", nil)
		}
	})
}

// draw shows the session's state: a button per thread (enabled only for
// threads that can run), the interleaving so far and its findings.
func (m *manualMode) draw(st *protocol.SessionState) {
	m.st = st
	show(m.pane, true)
	clear(m.threads)
	m.btns = m.btns[:0]
	// The engine lists the RCU callback thread only for scripts that can
	// queue RCU callbacks.
	for _, th := range st.Threads {
		label := th.Name
		switch th.Status {
		case "ready":
			label += ": " + th.Pending
			if th.Line > 0 {
				label += fmt.Sprintf(" at %d:%d", th.Line, th.Col)
			}
		case "blocked":
			label += ": blocked in " + th.Pending
		case "done":
			label += ": finished"
		case "crashed":
			label += ": stopped (oops)"
		default:
			label += ": " + th.Status
		}
		b := button(label, "thread-step", func() {
			m.request(protocol.Request{Type: protocol.SessionStep, Thread: th.Index})
		})
		b.SetAttribute("data-thread", strconv.Itoa(th.Index))
		m.btns = append(m.btns, threadButton{b, th.Enabled})
		if th.Why != "" {
			b.SetTitle(th.Why)
		}
		box := mk("div", "thread-choice", "")
		box.AppendChild(b)
		if th.Status == "blocked" && th.Why != "" {
			box.AppendChild(mk("span", "muted", th.Why))
		}
		m.threads.AppendChild(box)
	}
	end := "running"
	if st.End != "running" {
		end = "ended: " + st.End
	}
	m.state.SetTextContent(fmt.Sprintf("%d step%s taken · %s · token %s", st.Steps, plural(st.Steps), end, st.Token))
	setData(m.pane, "steps", strconv.Itoa(st.Steps))
	setData(m.pane, "end", st.End)
	m.p.renderFindings(m.script, st.Findings, m.fnds)
	if len(st.Findings) == 0 {
		clear(m.fnds)
	}
	m.setBusy(false)
	heading := fmt.Sprintf("Manual mode: %d step%s so far", st.Steps, plural(st.Steps))
	if st.Trace != nil {
		m.p.trace.show(st.Trace, m.script, heading, st.Findings)
		m.p.trace.selectRow(len(m.p.trace.rows) - 1)
	} else {
		m.p.trace.clearView()
		m.p.trace.title.SetTextContent(heading + " (the steps cannot be laid out)")
	}
	selectTab("interleaving")
}

// setBusy disables the controls while a request or continue runs.
func (m *manualMode) setBusy(on bool) {
	if m == nil {
		return
	}
	m.busy = on
	ended := m.st == nil || m.st.End != "running"
	setDisabled(m.undo, on || m.st == nil || m.st.Steps == 0)
	setDisabled(m.cont, on || ended)
	setDisabled(m.p.manualBtn, on)
	for _, b := range m.btns {
		setDisabled(b.el, on || !b.enabled)
	}
}

// continueRun explores every execution extending the steps taken.
func (m *manualMode) continueRun() {
	if !m.active || m.st == nil {
		return
	}
	o, err := m.p.options()
	if err != nil {
		m.p.showMessage("Cannot continue: "+err.Error(), "", nil)
		return
	}
	o.Strategy = value(m.strategy)
	m.p.explore(protocol.Request{Type: protocol.SessionContinue, Options: o},
		fmt.Sprintf("Continued with %s from the %d step%s taken in manual mode.", o.Strategy, m.st.Steps, plural(m.st.Steps)))
}

// leave ends manual mode, saying why in the status line.
func (m *manualMode) leave(why string) {
	if m == nil || !m.active {
		return
	}
	m.active = false
	m.st = nil
	show(m.pane, false)
	m.p.eng.send(protocol.Request{Type: protocol.SessionStop}, func(protocol.Response) {})
	if why != "" {
		m.p.setStatus(why)
	}
}

// scriptChanged ends manual mode: its session is for the old text.
func (m *manualMode) scriptChanged() {
	if m != nil && m.active && m.p.ed.text() != m.script {
		m.leave("Left manual mode: the script changed.")
	}
}

// lost ends manual mode after the worker was restarted.
func (m *manualMode) lost() { m.leave("Left manual mode: the engine was restarted.") }
