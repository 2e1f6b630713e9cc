// Package compile checks a parsed litmus test and compiles it to bytecode
// for the resumable VM: names are resolved (with did-you-mean hints),
// kernel primitives are mapped to visible machine operations, and the
// init section becomes the world's initial memory.
package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/syntax"
	"sync"
)

// Program is a compiled litmus test. It is immutable once built and
// shared by every execution.
type Program struct {
	File          string
	Name          string
	Doc           string
	Layout        *machine.Layout
	InitMem       []machine.Value // per memory location
	Addrs         []machine.Value // per shared variable: its address
	Types         []string        // per object: the C type it was declared with ("" if none)
	Funcs         []*Func
	Threads       []int // index into Funcs of thread i's function
	Consts        []machine.Value
	Tmpls         []Tmpl   // visible-operation templates referenced by OpVisible
	PureNames     []string // page-table helpers referenced by OpPure
	Cond          *Cond    // nil when the test has no condition
	Filter        Prop     // nil when absent
	Locs          []Loc    // the locations printed in each final state, in herd's order
	RCUCallbacks  bool     // the program queues RCU callbacks: the explorer adds an RCU pseudo-thread
	PlainAccesses bool     // the program makes plain (unmarked) accesses: the data-race detector runs
	Warnings      source.List
	Syntax        *syntax.File

	fpOnce sync.Once
	fp     uint32
}

// Func is one compiled function: a thread body or a helper.
type Func struct {
	Name    string
	Thread  int // thread number, -1 for helpers
	NParams int
	NLocals int // slots, parameters first
	Code    []Instr
	Pos     []source.Pos // source position of each instruction
	Regs    []Reg        // named slots (registers) visible to conditions
	Returns bool         // helper returns a value
	Prelude bool         // from the kernel prelude: report positions at the caller's call
	Init    []SlotInit   // initial register values from the init section
	End     source.Pos
}

// Reg names a local slot.
type Reg struct {
	Name string
	Slot int
}

// SlotInit gives a slot its initial value.
type SlotInit struct {
	Slot int
	Val  machine.Value
}

// Reg returns the slot of register name, or -1.
func (f *Func) Reg(name string) int {
	for _, r := range f.Regs {
		if r.Name == name {
			return r.Slot
		}
	}
	return -1
}

// Tmpl is the static part of a visible operation; the VM fills in the
// operands from its stack. NArgs values are popped: the address first
// (when HasAddr), then Arg, then Arg2.
type Tmpl struct {
	Op      machine.Op // Kind, RMW, Ret, Mark, Name and Pos set
	HasAddr bool
	NArgs   int  // operands after the address
	Result  bool // pushes the op's return value
}

// Loc is a location printed in final states: a shared variable (Thread
// -1, Obj its index in Addrs) or a register (Thread >= 0, Slot set).
type Loc struct {
	Thread int
	Obj    int
	Slot   int
	Name   string // as herd prints it: "x" or "1:r0"
}

// Cond is the final condition.
type Cond struct {
	Quant string // "exists", "~exists", "forall"
	Prop  Prop
	Text  string // canonical text of Prop
}

// Fingerprint returns the value compute derives from the program (the
// replay-token fingerprint), computing it once: a program is read-only
// once compiled, and hashing it is far dearer than exploring a small one.
func (p *Program) Fingerprint(compute func(*Program) uint32) uint32 {
	p.fpOnce.Do(func() { p.fp = compute(p) })
	return p.fp
}
