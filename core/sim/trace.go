package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/report"
)

// Trace replays the execution a token names and returns it step by step
// (a token of an unfinished prefix, as manual mode makes, gives the steps
// so far, End "running"),
// with each step's call stack (so a prelude call can be shown as one step
// or expanded into its atomic steps) and the world after it: what the
// playground draws as swimlanes.
func Trace(ctx context.Context, prog *compile.Program, token string) (tr *report.Trace, err error) {
	defer func() {
		if r := recover(); r != nil {
			tr, err = nil, fmt.Errorf("%s: internal error: %v", prog.File, r)
		}
	}()
	sched, err := explore.Schedule(prog, token)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", prog.File, err)
	}
	tr = &report.Trace{Token: token}
	for i := range prog.Threads {
		tr.Threads = append(tr.Threads, report.ThreadName(i))
	}
	if prog.RCUCallbacks {
		tr.Threads = append(tr.Threads, "RCU")
	}
	s := explore.NewSession(prog)
	h := &holders{}
	tr.Initial = worldView(prog, s.World(), h)
	for i, t := range sched {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		stack := s.Stack(t)
		if err := s.Step(t); err != nil {
			return nil, fmt.Errorf("%s: replaying step %d: %v", prog.File, i+1, err)
		}
		evs := s.Events()
		ev := evs[len(evs)-1]
		st := report.Step{Thread: t, Op: ev.Op.Name, Line: int(ev.Op.Pos.Line), Col: int(ev.Op.Pos.Col), Failed: ev.Failed}
		if st.Op == "" {
			st.Op = ev.Op.Kind.String()
		}
		for _, f := range stack {
			st.Stack = append(st.Stack, report.Frame{Func: f.Func, Line: int(f.Pos.Line), Col: int(f.Pos.Col), Prelude: f.Prelude, Call: f.Call})
		}
		st.Text = stepText(prog, &ev)
		st.Span, st.Lock = h.update(prog, s.World(), &ev)
		st.World = worldView(prog, s.World(), h)
		tr.Steps = append(tr.Steps, st)
	}
	tr.End = s.End()
	if tr.End == "running" {
		// A prefix (manual mode): what it reported so far.
		for _, f := range s.Findings() {
			tr.Findings = append(tr.Findings, report.Finding{Kind: f.Kind, Message: f.Msg, Report: f.Report,
				File: prog.File, Line: int(f.Pos.Line), Col: int(f.Pos.Col), Thread: f.Thread, Count: 1, Token: token})
		}
		return tr, nil
	}
	// The replay gives the execution's findings, post-pass detectors
	// (data races, lock order) included.
	res, err := Explore(ctx, prog, Options{Replay: token})
	if err != nil {
		return nil, err
	}
	tr.Findings = res.Findings
	return tr, nil
}

// stepText describes an event: the primitive, its operands and, for an
// operation with a result, what it returned.
func stepText(prog *compile.Program, ev *explore.Event) string {
	l := prog.Layout
	op := &ev.Op
	name := op.Name
	if name == "" {
		name = op.Kind.String()
	}
	var args []string
	switch op.Kind {
	case machine.OpRCUCallback:
		return "RCU callback: free the object queued at " + op.Pos.String()
	case machine.OpRCULock, machine.OpRCUUnlock, machine.OpGPStart, machine.OpGPEnd,
		machine.OpIRQOff, machine.OpIRQOn, machine.OpIPIStart, machine.OpIPIEnd, machine.OpAllocPTE:
	case machine.OpLock, machine.OpUnlock, machine.OpTrylock, machine.OpIsLocked,
		machine.OpDownRead, machine.OpDownWrite, machine.OpUpRead, machine.OpUpWrite,
		machine.OpDownReadTrylock, machine.OpDownWriteTrylock, machine.OpDowngrade:
		args = append(args, l.LockName(op.Addr))
	case machine.OpStore:
		args = append(args, l.PtrName(op.Addr), valueText(l, op.Arg))
	case machine.OpCmpxchg, machine.OpAddUnless:
		args = append(args, l.PtrName(op.Addr), valueText(l, op.Arg), valueText(l, op.Arg2))
	case machine.OpRMW:
		args = append(args, l.PtrName(op.Addr), valueText(l, op.Arg))
	case machine.OpSRCUUnlock:
		args = append(args, l.PtrName(op.Addr), valueText(l, op.Arg))
	default:
		args = append(args, l.PtrName(op.Addr))
	}
	text := name + "(" + strings.Join(args, ", ") + ")"
	switch op.Kind {
	case machine.OpLoad, machine.OpRMW, machine.OpCmpxchg, machine.OpAddUnless, machine.OpTrylock,
		machine.OpIsLocked, machine.OpSRCULock, machine.OpDownReadTrylock, machine.OpDownWriteTrylock, machine.OpAllocPTE:
		if op.Kind != machine.OpRMW || op.Ret != machine.RetNone {
			text += " = " + valueText(l, ev.Ret)
		}
	}
	return text
}

func valueText(l *machine.Layout, v machine.Value) string {
	if v.IsPtr() {
		return l.PtrName(v)
	}
	return v.String()
}

// holders follows who holds which lock along a trace, in the order the
// locks were first taken (the world stores a reader count, not readers).
type holders struct {
	locks []report.Lock
}

func (h *holders) find(name string) *report.Lock {
	for i := range h.locks {
		if h.locks[i].Name == name {
			return &h.locks[i]
		}
	}
	h.locks = append(h.locks, report.Lock{Name: name, Owner: -1})
	return &h.locks[len(h.locks)-1]
}

// update applies event ev to the holders and returns the span it opens
// or closes for the swimlanes.
func (h *holders) update(prog *compile.Program, w *machine.World, ev *explore.Event) (span, lock string) {
	t, op := ev.Thread, &ev.Op
	switch op.Kind {
	case machine.OpLock, machine.OpDownWrite:
		lock = prog.Layout.LockName(op.Addr)
		h.find(lock).Owner = t
		return "acquire", lock
	case machine.OpTrylock, machine.OpDownWriteTrylock, machine.OpDownReadTrylock:
		if ev.Failed || ev.Ret.Int != 1 {
			return "", ""
		}
		lock = prog.Layout.LockName(op.Addr)
		if op.Kind == machine.OpDownReadTrylock {
			l := h.find(lock)
			l.Readers = append(l.Readers, t)
		} else {
			h.find(lock).Owner = t
		}
		return "acquire", lock
	case machine.OpDownRead:
		lock = prog.Layout.LockName(op.Addr)
		l := h.find(lock)
		l.Readers = append(l.Readers, t)
		return "acquire", lock
	case machine.OpUnlock, machine.OpUpWrite:
		lock = prog.Layout.LockName(op.Addr)
		if l := h.find(lock); l.Owner == t {
			l.Owner = -1
		}
		return "release", lock
	case machine.OpUpRead:
		lock = prog.Layout.LockName(op.Addr)
		l := h.find(lock)
		for i, r := range l.Readers {
			if r == t {
				l.Readers = append(l.Readers[:i:i], l.Readers[i+1:]...)
				break
			}
		}
		return "release", lock
	case machine.OpDowngrade:
		lock = prog.Layout.LockName(op.Addr)
		l := h.find(lock)
		if l.Owner == t {
			l.Owner = -1
		}
		l.Readers = append(l.Readers, t)
		return "downgrade", lock
	case machine.OpRCULock:
		if w.RCUDepth(t) == 1 {
			return "rcu-enter", "rcu"
		}
	case machine.OpRCUUnlock:
		if w.RCUDepth(t) == 0 {
			return "rcu-exit", "rcu"
		}
	case machine.OpIRQOff:
		if w.IRQsOff(t) {
			return "irq-off", "irq"
		}
	case machine.OpIRQOn:
		if !w.IRQsOff(t) {
			return "irq-on", "irq"
		}
	}
	return "", ""
}

// worldView describes the page-table world for one step of a trace.
func worldView(prog *compile.Program, w *machine.World, h *holders) report.World {
	l := prog.Layout
	v := report.World{Callbacks: w.Callbacks()}
	for i, o := range l.Objects {
		switch o.Kind {
		case machine.KindPMDTable:
			for c := int64(1); c < int64(o.Size); c++ {
				addr := machine.Ptr(i, c)
				val := w.Mem[o.Base+int32(c)]
				if val == (machine.Value{}) && !l.Named(addr) {
					continue
				}
				e := report.PMDEntry{Name: l.PtrName(addr), State: l.PMDState(val)}
				if t := l.PMDTable(val); t >= 0 {
					e.Table = l.Objects[t].Name
				}
				v.PMDs = append(v.PMDs, e)
			}
		case machine.KindPTETable:
			if !w.Allocated(i) {
				continue
			}
			t := report.Table{Name: o.Name, State: w.TableState(i), LockOwner: w.LockOwner(o.Base)}
			for c := int32(1); c < o.Size; c++ {
				if val := w.Mem[o.Base+c]; val != (machine.Value{}) {
					t.PTEs = append(t.PTEs, fmt.Sprintf("[%d] = %s", c-1, valueText(l, val)))
				}
			}
			v.Tables = append(v.Tables, t)
		}
	}
	for _, lk := range h.locks {
		if lk.Owner >= 0 || len(lk.Readers) > 0 {
			lk.Readers = append([]int(nil), lk.Readers...)
			v.Locks = append(v.Locks, lk)
		}
	}
	for t := 0; t < l.NThreads; t++ {
		if w.RCUDepth(t) > 0 {
			v.RCU = append(v.RCU, t)
		}
		if w.IRQsOff(t) {
			v.IRQOff = append(v.IRQOff, t)
		}
	}
	return v
}
