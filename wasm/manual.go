//go:build js && wasm

package main

import (
	"fmt"
	"strconv"
	"strings"

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
	goal                       *elem // the exercise's goal and verdict

	active bool
	script string // the script the session is for
	st     *protocol.SessionState
	busy   bool // a request or a continue is under way
	btns   []threadButton
	ex     *exerciseRef // the lesson exercise being solved, or nil
}

// exerciseRef is a lesson's exercise, solved in manual mode.
type exerciseRef struct {
	lesson int
	title  string
	block  protocol.BlockInfo
}

type threadButton struct {
	el      *elem
	enabled bool
}

func newManualMode(p *page) *manualMode {
	m := &manualMode{p: p, pane: byID("manual-pane"), threads: byID("manual-threads"), state: byID("manual-state"),
		fnds: byID("manual-findings"), undo: byID("manual-undo"), cont: byID("manual-continue"),
		stop: byID("manual-stop"), strategy: byID("manual-strategy"), goal: byID("manual-goal")}
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
	if m.ex != nil && m.ex.block.Code != m.script {
		m.ex = nil // the editor no longer holds the exercise
	}
	m.active = true
	m.request(protocol.Request{Type: protocol.SessionStart, Script: m.script})
}

// startExercise starts manual mode on a lesson's exercise, whose code
// the editor holds. When the execution ends, the worker checks it
// against the exercise's goal and the page says whether it was reached.
func (m *manualMode) startExercise(ex *exerciseRef) {
	if m == nil {
		return
	}
	m.ex = ex
	m.start()
}

// showGoal shows the exercise's goal while the execution runs, and once
// it has ended, asks the worker whether it reached the goal
// (lessons.Block.CheckExecution on the session's token).
func (m *manualMode) showGoal(st *protocol.SessionState) {
	ex := m.ex
	if ex == nil || m.goal == nil {
		show(m.goal, false)
		return
	}
	show(m.goal, true)
	goal := goalText(ex.block.Goal)
	if st.End == "running" {
		m.setGoal("running", fmt.Sprintf("Exercise of lesson %d: find an interleaving that ends with %s. Pick the threads one step at a time; the page checks the execution when it ends.", ex.lesson, goal))
		return
	}
	m.setGoal("checking", "The execution has ended ("+st.End+"): checking it against the exercise's goal…")
	tok := st.Token
	m.p.eng.send(protocol.Request{Type: protocol.CheckExercise, Lesson: ex.lesson, Block: ex.block.Index, Token: tok}, func(r protocol.Response) {
		if m.ex != ex || m.st == nil || m.st.Token != tok {
			return // the reader has moved on
		}
		switch {
		case r.Type == protocol.Exercise && r.Exercise.Met:
			m.setGoal("solved", fmt.Sprintf("✓ Exercise solved! This interleaving ends with %s: the goal of lesson %d's exercise. Step back with Undo to explore other orders, or read on.", goal, ex.lesson))
			m.p.setStatus(fmt.Sprintf("Exercise of lesson %d solved.", ex.lesson))
			m.p.lessons.solved(ex.lesson, ex.block.Index)
		case r.Type == protocol.Exercise:
			m.setGoal("missed", fmt.Sprintf("Not yet: this execution ended (%s) without %s. Undo some steps and try another order.", st.End, goal))
		default:
			m.setGoal("error", "The exercise could not be checked: "+r.Message)
		}
	})
}

// setGoal shows the goal line in state ("running", "checking", "solved",
// "missed", "error"); body[data-exercise] carries it for tests.
func (m *manualMode) setGoal(state, text string) {
	m.goal.SetTextContent(text)
	m.goal.Class().SetString("manual-goal " + state)
	setData(body(), "exercise", state)
}

// goalText words an exercise goal ("finding:lost-pte", "exists").
func goalText(goal string) string {
	if k, ok := strings.CutPrefix(goal, "finding:"); ok {
		return "a " + k + " finding"
	}
	return "a final state that satisfies the exists clause"
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
	m.showGoal(st)
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
		fmt.Sprintf("Continued with %s from the %d step%s taken in manual mode.", o.Strategy, m.st.Steps, plural(m.st.Steps)), nil)
}

// leave ends manual mode, saying why in the status line.
func (m *manualMode) leave(why string) {
	if m == nil || !m.active {
		return
	}
	m.active = false
	m.st = nil
	m.ex = nil
	show(m.pane, false)
	show(m.goal, false)
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
