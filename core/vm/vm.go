// Package vm runs one litmus thread of a compiled program. A Thread is a
// plain value with an explicit frame stack (never Go recursion, never a
// goroutine): Run executes local instructions until the thread reaches
// its next visible operation, which it leaves in Pending for the
// scheduler; Complete hands back the operation's result. A thread can be
// copied with Clone and replayed, which is what the explorer needs.
package vm

import (
	"fmt"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
)

// Status is a thread's state between scheduling points.
type Status uint8

// The thread states.
const (
	Ready   Status = iota // Pending holds the next visible operation
	Done                  // the thread function returned
	Crashed               // a runtime error or BUG_ON stopped it (see Fault)
)

// DefaultMaxLocal bounds the local instructions a thread may run between
// two visible operations.
const DefaultMaxLocal = 1_000_000

// Frame is one activation: function, program counter, and the base of
// its locals in the thread's value stack.
type Frame struct {
	Fn   int32
	PC   int32
	Base int32
	Call int32 // the thread's call number that made this frame (0: the thread body)
}

// Note is something a thread reported while running local code: a
// WARN_ON that fired, or the fault that crashed it.
type Note struct {
	Kind string // "BUG_ON", "WARN_ON", ..., or "runtime-error", "step-bound"
	Msg  string
	Pos  source.Pos
}

// Thread is the state of one thread.
type Thread struct {
	ID      int
	Status  Status
	Pending machine.Op
	Steps   int   // visible operations completed
	Calls   int32 // calls made so far (numbers the frames)
	Stack   []machine.Value
	Frames  []Frame
	Notes   []Note // appended by Run; the caller drains them
	Fault   *Note  // why the thread crashed
	tmpl    int32  // template of the pending op
}

// New returns thread id of prog, positioned at its first visible
// operation (or finished).
func New(prog *compile.Program, id int) *Thread {
	fnIdx := prog.Threads[id]
	fn := prog.Funcs[fnIdx]
	t := &Thread{ID: id}
	t.Stack = make([]machine.Value, fn.NLocals, fn.NLocals+8)
	for _, in := range fn.Init {
		t.Stack[in.Slot] = in.Val
	}
	t.Frames = []Frame{{Fn: int32(fnIdx)}}
	t.Run(prog)
	return t
}

// Clone returns an independent copy of t.
func (t *Thread) Clone() *Thread {
	c := *t
	c.Stack = append([]machine.Value(nil), t.Stack...)
	c.Frames = append([]Frame(nil), t.Frames...)
	c.Notes = append([]Note(nil), t.Notes...)
	return &c
}

// CopyFrom makes t an independent copy of src, reusing t's storage.
func (t *Thread) CopyFrom(src *Thread) {
	stack, frames, notes := t.Stack, t.Frames, t.Notes
	*t = *src
	t.Stack = append(stack[:0], src.Stack...)
	t.Frames = append(frames[:0], src.Frames...)
	t.Notes = append(notes[:0], src.Notes...)
}

// Reg returns the value of a slot of the thread function (a register):
// the thread function's frame is at the bottom of the stack.
func (t *Thread) Reg(slot int) machine.Value {
	if slot < len(t.Stack) {
		return t.Stack[slot]
	}
	return machine.Value{}
}

// Pos returns the source position the thread is at in the script: in
// a prelude function, the position of the script's call into the prelude.
func (t *Thread) Pos(prog *compile.Program) source.Pos {
	for i := len(t.Frames) - 1; i >= 0; i-- {
		f := t.Frames[i]
		fn := prog.Funcs[f.Fn]
		if fn.Prelude && i > 0 {
			continue
		}
		if int(f.PC) < len(fn.Pos) {
			return fn.Pos[f.PC]
		}
		return fn.End
	}
	return source.Pos{}
}

// Complete finishes the pending operation with result ret (ignored for
// operations without a result) and runs to the next visible operation.
func (t *Thread) Complete(prog *compile.Program, ret machine.Value) {
	if prog.Tmpls[t.tmpl].Result {
		t.Stack = append(t.Stack, ret)
	}
	t.Steps++
	t.Frames[len(t.Frames)-1].PC++
	t.Run(prog)
}

// Crash stops the thread with a fault (used for faults the world
// detects while applying the pending operation).
func (t *Thread) Crash(kind, msg string, pos source.Pos) {
	t.Status = Crashed
	t.Fault = &Note{Kind: kind, Msg: msg, Pos: pos}
}

func (t *Thread) pop() machine.Value {
	v := t.Stack[len(t.Stack)-1]
	t.Stack = t.Stack[:len(t.Stack)-1]
	return v
}

// Run executes local instructions until the next visible operation, the
// end of the thread, or a runtime error.
func (t *Thread) Run(prog *compile.Program) {
	if t.Status != Ready {
		return
	}
	fr := &t.Frames[len(t.Frames)-1]
	fn := prog.Funcs[fr.Fn]
	for budget := DefaultMaxLocal; ; budget-- {
		if budget == 0 {
			t.Crash("step-bound", fmt.Sprintf("P%d ran %d local instructions without touching shared memory: an unbounded loop over local variables?", t.ID, DefaultMaxLocal), fn.Pos[fr.PC])
			return
		}
		in := fn.Code[fr.PC]
		switch in.Op {
		case compile.OpNop:
		case compile.OpInt:
			t.Stack = append(t.Stack, machine.Int(int64(in.A)))
		case compile.OpConst:
			t.Stack = append(t.Stack, prog.Consts[in.A])
		case compile.OpAddr:
			t.Stack = append(t.Stack, prog.Addrs[in.A])
		case compile.OpLoad:
			t.Stack = append(t.Stack, t.Stack[fr.Base+in.A])
		case compile.OpStore:
			t.Stack[fr.Base+in.A] = t.pop()
		case compile.OpPop:
			t.Stack = t.Stack[:len(t.Stack)-1]
		case compile.OpDup:
			t.Stack = append(t.Stack, t.Stack[len(t.Stack)-1])
		case compile.OpUnary:
			n := len(t.Stack) - 1
			t.Stack[n] = compile.UnaryOp(in.B, t.Stack[n])
		case compile.OpBinary:
			y := t.pop()
			n := len(t.Stack) - 1
			v, err := compile.BinaryOp(in.B, t.Stack[n], y)
			if err != "" {
				t.Crash("runtime-error", err, t.Pos(prog))
				return
			}
			t.Stack[n] = v
		case compile.OpJump:
			fr.PC = in.A
			continue
		case compile.OpJumpIfZero:
			if !t.pop().Truth() {
				fr.PC = in.A
				continue
			}
		case compile.OpJumpIfNonZero:
			if t.pop().Truth() {
				fr.PC = in.A
				continue
			}
		case compile.OpCall:
			callee := prog.Funcs[in.A]
			base := int32(len(t.Stack)) - in.B
			for i := callee.NParams; i < callee.NLocals; i++ {
				t.Stack = append(t.Stack, machine.Value{})
			}
			if len(t.Frames) >= 256 {
				t.Crash("step-bound", fmt.Sprintf("call depth exceeded calling %s: unbounded recursion?", callee.Name), fn.Pos[fr.PC])
				return
			}
			t.Calls++
			t.Frames = append(t.Frames, Frame{Fn: in.A, Base: base, Call: t.Calls})
			fr = &t.Frames[len(t.Frames)-1]
			fn = callee
			continue
		case compile.OpReturn, compile.OpReturnVoid:
			var ret machine.Value
			if in.Op == compile.OpReturn {
				ret = t.pop()
			}
			if len(t.Frames) == 1 {
				t.Status = Done
				return
			}
			t.Stack = t.Stack[:fr.Base]
			t.Stack = append(t.Stack, ret)
			t.Frames = t.Frames[:len(t.Frames)-1]
			fr = &t.Frames[len(t.Frames)-1]
			fn = prog.Funcs[fr.Fn]
		case compile.OpCheck:
			if !t.check(int(in.A), t.Pos(prog)) {
				return
			}
		case compile.OpPure:
			n := len(t.Stack) - int(in.B)
			v, err := prog.Layout.PTEFunc(prog.PureNames[in.A], t.Stack[n:])
			if err != "" {
				t.Crash("runtime-error", err, t.Pos(prog))
				return
			}
			t.Stack = append(t.Stack[:n], v)
		case compile.OpLocalAddr:
			t.Stack = append(t.Stack, machine.Local(int(fr.Base+in.A)))
		case compile.OpVisible:
			if done, err := t.localAccess(prog, in.A); err != "" {
				t.Crash("runtime-error", err, t.Pos(prog))
				return
			} else if !done {
				t.prepare(prog, in.A)
				return
			}
		}
		fr.PC++
	}
}

// check runs BUG_ON/WARN_ON; it reports false if the thread crashed. A
// WARN_ON_ONCE is reported every time here; the executor keeps the first
// per call site and execution.
func (t *Thread) check(kind int, pos source.Pos) bool {
	cond := t.Stack[len(t.Stack)-1]
	name := compile.CheckNames[kind]
	oops := kind == compile.CheckBUG_ON || kind == compile.CheckVM_BUG_ON
	if oops {
		t.pop()
		if cond.Truth() {
			t.Crash(name, fmt.Sprintf("kernel BUG at %s: %s() in P%d", pos, name, t.ID), pos)
			return false
		}
		return true
	}
	if !cond.Truth() {
		return true
	}
	msg := fmt.Sprintf("WARNING: %s at %s in P%d", name, pos, t.ID)
	if kind == compile.CheckWARN_ON_ONCE || kind == compile.CheckVM_WARN_ON_ONCE {
		// Once per call site, whichever thread gets there first: the
		// message does not name the thread, so it does not depend on
		// the interleaving (Finding.Thread says who, in the witness).
		msg = fmt.Sprintf("WARNING: %s at %s", name, pos)
	}
	t.Notes = append(t.Notes, Note{Kind: name, Msg: msg, Pos: pos})
	return true
}

// localAccess performs a load or store through a pointer to one of the
// thread's own locals (an out-parameter such as *ptlp = ptl) without
// yielding: no other thread can see it. It reports whether it did, or
// the runtime error.
func (t *Thread) localAccess(prog *compile.Program, k int32) (bool, string) {
	tm := &prog.Tmpls[k]
	if !tm.HasAddr {
		return false, ""
	}
	base := len(t.Stack) - 1 - tm.NArgs
	addr := t.Stack[base]
	if !addr.IsLocal() {
		return false, ""
	}
	slot := addr.LocalSlot()
	if slot >= base {
		return false, fmt.Sprintf("%s through a dangling pointer to a local variable", tm.Op.Name)
	}
	switch tm.Op.Kind {
	case machine.OpLoad:
		t.Stack = append(t.Stack[:base], t.Stack[slot])
	case machine.OpStore:
		t.Stack[slot] = t.Stack[base+1]
		t.Stack = t.Stack[:base]
	default:
		return false, fmt.Sprintf("%s on a pointer to a local variable", tm.Op.Name)
	}
	return true, ""
}

// prepare pops the operands of template k into Pending.
func (t *Thread) prepare(prog *compile.Program, k int32) {
	tm := &prog.Tmpls[k]
	t.tmpl = k
	t.Pending = tm.Op
	if prog.Funcs[t.Frames[len(t.Frames)-1].Fn].Prelude {
		t.Pending.Pos = t.Pos(prog)
	}
	n := tm.NArgs
	if tm.HasAddr {
		n++
	}
	ops := t.Stack[len(t.Stack)-n:]
	i := 0
	if tm.HasAddr {
		t.Pending.Addr = ops[0]
		i = 1
	}
	if tm.NArgs > 0 {
		t.Pending.Arg = ops[i]
	}
	if tm.NArgs > 1 {
		t.Pending.Arg2 = ops[i+1]
	}
	t.Stack = t.Stack[:len(t.Stack)-n]
}

// CallFrame is one frame of a thread's call stack, for showing a step
// inside a prelude or helper call.
type CallFrame struct {
	Func    string
	Pos     source.Pos // in the script, or in the prelude for a prelude function
	Prelude bool
	Call    int // the call's number within its thread: tells apart two calls from one site
}

// CallStack returns the thread's frames, outermost (the thread body)
// first, each at the instruction it is executing.
func (t *Thread) CallStack(prog *compile.Program) []CallFrame {
	out := make([]CallFrame, 0, len(t.Frames))
	for _, f := range t.Frames {
		fn := prog.Funcs[f.Fn]
		pos := fn.End
		if int(f.PC) < len(fn.Pos) {
			pos = fn.Pos[f.PC]
		}
		out = append(out, CallFrame{Func: fn.Name, Pos: pos, Prelude: fn.Prelude, Call: int(f.Call)})
	}
	return out
}
