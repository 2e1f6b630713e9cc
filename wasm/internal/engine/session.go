package engine

import (
	"context"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// session answers the manual-mode requests other than continue.
func (e *Engine) session(req protocol.Request) protocol.Response {
	e.sessMu.Lock()
	defer e.sessMu.Unlock()
	switch req.Type {
	case protocol.SessionStop:
		e.sess = nil
		return protocol.Response{Type: protocol.Session}
	case protocol.SessionStart:
		s, err := sim.NewSession(File, req.Script)
		if err != nil {
			var ds []protocol.Diag
			_, diags, _ := sim.Compile(File, req.Script)
			ds = Diags(diags)
			if !hasError(ds) {
				ds = append(ds, protocol.Diag{Message: err.Error(), Text: err.Error()})
			}
			return errorResp(ds, err)
		}
		e.sess = s
	case protocol.SessionStep:
		if e.sess == nil {
			return noSession()
		}
		if err := e.sess.Step(req.Thread); err != nil {
			return protocol.Response{Type: protocol.Error, Message: err.Error()}
		}
	case protocol.SessionUndo:
		if e.sess == nil {
			return noSession()
		}
		if !e.sess.Undo() {
			return protocol.Response{Type: protocol.Error, Message: "nothing to undo: no step has been taken"}
		}
	}
	return protocol.Response{Type: protocol.Session, Session: state(e.sess)}
}

func noSession() protocol.Response {
	return protocol.Response{Type: protocol.Error, Message: "manual mode is not running; start it first"}
}

// state describes the session for the page.
func state(s *sim.Session) *protocol.SessionState {
	st := &protocol.SessionState{End: s.End(), Token: s.Token(), Steps: len(s.Schedule()), Findings: []protocol.Finding{}, Events: []protocol.Event{}}
	enabled := map[int]bool{}
	for _, t := range s.Enabled() {
		enabled[t] = true
	}
	for i, th := range s.Threads() {
		st.Threads = append(st.Threads, protocol.ThreadState{Index: i, Name: report.ThreadName(i), Status: th.Status,
			Line: int(th.Pos.Line), Col: int(th.Pos.Col), Pending: th.Pending, Why: th.Why, Enabled: enabled[i]})
	}
	if n := len(st.Threads); s.Prog.RCUCallbacks {
		ts := protocol.ThreadState{Index: n, Name: "RCU", Status: "idle", Pending: "rcu_callback", Why: "no RCU callback is ready to run", Enabled: enabled[n]}
		if ts.Enabled {
			ts.Status, ts.Why = "ready", ""
		}
		st.Threads = append(st.Threads, ts)
	}
	for _, ev := range s.Events() {
		op := ev.Op.Name
		if op == "" {
			op = ev.Op.Kind.String()
		}
		st.Events = append(st.Events, protocol.Event{Thread: ev.Thread, Op: op, Line: int(ev.Op.Pos.Line), Col: int(ev.Op.Pos.Col)})
	}
	for _, f := range s.Findings() {
		rf := report.Finding{Kind: f.Kind, Message: f.Msg, Report: f.Report, File: File, Line: int(f.Pos.Line),
			Col: int(f.Pos.Col), Thread: f.Thread, Count: 1, Token: st.Token}
		st.Findings = append(st.Findings, Findings([]report.Finding{rf})...)
	}
	st.Trace = prefixTrace(s)
	return st
}

// prefixTrace lays out the steps taken so far: sim.Trace replays the
// session's token, which names an unfinished prefix while the execution
// runs (End "running") and a whole execution once it has ended. It
// returns nil if the replay fails (it should not: the token is the
// session's own).
func prefixTrace(s *sim.Session) *report.Trace {
	tr, err := sim.Trace(context.Background(), s.Prog, s.Token())
	if err != nil {
		return nil
	}
	tr.Findings = nil // the session's own findings are in SessionState
	return tr
}

// cont hands the rest of a manual session to an exploration.
func (e *Engine) cont(req protocol.Request) protocol.Response {
	e.sessMu.Lock()
	s := e.sess
	e.sessMu.Unlock()
	if s == nil {
		return noSession()
	}
	if s.End() != "running" {
		return protocol.Response{Type: protocol.Error, Message: "the execution has ended (" + s.End() + "); undo a step to continue from an earlier point"}
	}
	return e.explore(req.ID, s.Prog, req.Options, s.Schedule(), nil, nil)
}
