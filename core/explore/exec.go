package explore

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/vm"
)

// End says how an execution ended.
type End uint8

// The ways an execution ends.
const (
	EndRunning      End = iota
	EndComplete         // every thread finished
	EndDeadlock         // unfinished threads, none enabled
	EndCrash            // a thread oopsed (BUG_ON, runtime error)
	EndStepBound        // a thread exceeded the visible-step bound
	EndSleepBlocked     // DPOR: every enabled thread is in the sleep set
	EndPruned           // a preemption bound left no allowed choice
)

// Event is one executed visible operation.
type Event struct {
	Thread int
	Op     machine.Op
	Ret    machine.Value
	Failed bool              // a failed trylock or cmpxchg: it only read
	Waits  []machine.WaitRef // what the end of a grace period or IPI round waited for
	acc    [2]int32          // footprint: accs[acc[0]:acc[1]]
	index  int32             // the event's index within its thread (0-based)
}

// Finding is a problem seen in one execution.
type Finding struct {
	Kind   string
	Msg    string // one line, stable across executions (used to merge)
	Report string // multi-line report
	Pos    source.Pos
	Thread int // -1: the RCU callback pseudo-thread
}

// executor runs one execution at a time over fresh VM threads and a
// fresh world. It knows nothing about search order: strategies tell it
// which thread to step.
type executor struct {
	prog     *compile.Program
	maxSteps int

	world   *machine.World
	threads []*vm.Thread
	sched   []uint8
	events  []Event
	accs    []machine.Access
	end     End
	found   []Finding

	race raceScratch // data-race detection (kcsan.go)

	notdep  []int32  // explorer.reverse's scratch
	blocked struct { // explorer.blockedRaces' scratch
		fp    []machine.Access
		races []int32
		vc    []uint32
	}

	// lock-order checking (lockdep.go)
	held  [][]heldLock // per thread
	edges []lockEdge   // dependencies seen in this execution

	// rcu is the index of the RCU callback pseudo-thread (after the
	// script's threads) when the program queues callbacks, else -1.
	rcu  int
	cbOp machine.Op
	// happens-before tracking, for DPOR
	track   bool
	n       int       // threads, the RCU pseudo-thread included
	clocks  []uint32  // per event: n entries
	tclock  []uint32  // per thread: n entries, the thread's current clock
	locAcc  [][]int32 // per location: events that accessed it
	locUsed []int32   // the locations whose locAcc is not empty
	fpBuf   []machine.Access

	// scratch storage for the search
	fpScratch, fpScratch2 []machine.Access
	stack                 []node     // dpor: the search path
	snaps                 []snapshot // dpor: the state before each step of the path
}

// executors keeps the storage of finished searches' executors (see
// release): most searches are small, and allocating a world, a
// per-location index and snapshots afresh for each cost more than the
// search itself (the scenario suite: a third of its time in allocation
// and garbage collection).
var executors sync.Pool

func newExecutor(prog *compile.Program, maxSteps int, track bool) *executor {
	x, _ := executors.Get().(*executor)
	if x == nil {
		x = &executor{}
	}
	x.prog, x.maxSteps, x.track, x.n, x.rcu = prog, maxSteps, track, len(prog.Threads), -1
	if prog.RCUCallbacks {
		x.rcu = x.n
		x.n++
	}
	x.cbOp = machine.Op{}
	x.race.reset(prog.Layout.NumLocations())
	x.held = x.held[:0]
	// Every entry is empty: release cleared the ones in use.
	if n := prog.Layout.NumLocations(); cap(x.locAcc) >= n {
		x.locAcc = x.locAcc[:n]
	} else {
		x.locAcc = make([][]int32, n)
	}
	x.locUsed = x.locUsed[:0]
	return x
}

// release gives x's storage to the next newExecutor; x must not be used
// after it. Nothing a search returns refers to it (outcomes, findings
// and lock dependencies are copied).
func (x *executor) release() {
	for _, loc := range x.locUsed {
		x.locAcc[loc] = x.locAcc[loc][:0]
	}
	x.locUsed = x.locUsed[:0]
	clear(x.threads)
	x.threads = x.threads[:0]
	x.prog = nil
	executors.Put(x)
}

// reset starts a new execution.
func (x *executor) reset() {
	if x.world == nil {
		x.world = &machine.World{}
	}
	x.world.Reset(x.prog.Layout, x.prog.InitMem)
	x.threads = x.threads[:0]
	x.sched = x.sched[:0]
	x.events = x.events[:0]
	x.accs = x.accs[:0]
	x.end = EndRunning
	x.found = x.found[:0]
	x.edges = x.edges[:0]
	for len(x.held) < len(x.prog.Threads) {
		x.held = append(x.held, nil)
	}
	for i := range x.held {
		x.held[i] = x.held[i][:0]
	}
	if x.track {
		x.clocks = x.clocks[:0]
		x.tclock = make([]uint32, x.n*x.n)
		for _, loc := range x.locUsed {
			x.locAcc[loc] = x.locAcc[loc][:0]
		}
		x.locUsed = x.locUsed[:0]
	}
	for i := range x.prog.Threads {
		t := vm.New(x.prog, i)
		x.threads = append(x.threads, t)
		x.afterRun(t)
	}
	x.checkEnd()
}

// enabled returns the mask of threads that can step now.
func (x *executor) enabled() uint64 {
	var m uint64
	for i, t := range x.threads {
		if t.Status == vm.Ready && x.world.Enabled(i, &t.Pending) {
			m |= 1 << uint(i)
		}
	}
	if op := x.pending(x.rcu); op != nil && x.world.Enabled(x.rcu, op) {
		m |= 1 << uint(x.rcu)
	}
	return m
}

// pending returns thread p's next operation, or nil if it has none. For
// the RCU pseudo-thread it is running the oldest queued callback.
func (x *executor) pending(p int) *machine.Op {
	if p < 0 {
		return nil
	}
	if p == x.rcu {
		op, ok := x.world.CallbackOp()
		if !ok {
			return nil
		}
		x.cbOp = op
		return &x.cbOp
	}
	if t := x.threads[p]; t.Status == vm.Ready {
		return &t.Pending
	}
	return nil
}

// checkEnd sets x.end if the execution cannot continue. A thread that
// crashed (BUG_ON, a runtime error, a step bound) stops, like a task
// killed by an oops, and the others go on; the execution then does not
// count as complete. Threads left blocked behind a crashed one are not
// reported as a deadlock: the crash is the cause.
func (x *executor) checkEnd() {
	if x.end != EndRunning || x.enabled() != 0 {
		return
	}
	blocked, crashed, bounded := false, false, false
	for _, t := range x.threads {
		switch t.Status {
		case vm.Ready:
			blocked = true
		case vm.Crashed:
			crashed = true
			bounded = bounded || t.Fault.Kind == "step-bound"
		}
	}
	switch {
	case bounded:
		x.end = EndStepBound
	case crashed:
		x.end = EndCrash
	case blocked:
		x.end = EndDeadlock
		x.deadlockFinding()
	default:
		x.end = EndComplete
		for _, msg := range x.world.OrphanedTables() {
			x.addFinding(Finding{Kind: "lost-pte", Thread: -1, Msg: msg})
		}
	}
}

// hasBlocked reports whether some unfinished thread cannot step.
func (x *executor) hasBlocked() bool {
	for _, t := range x.threads {
		if t.Status == vm.Ready {
			return true
		}
	}
	return false
}

// step executes thread p's pending operation.
func (x *executor) step(p int) {
	if p == x.rcu {
		x.stepRCU()
		return
	}
	t := x.threads[p]
	op := t.Pending
	if op.Sleeps() {
		x.mightSleep(p, &op)
	}
	eff := x.apply(p, &op)
	switch {
	case eff.Fault != "":
		t.Crash("runtime-error", eff.Fault, op.Pos)
	default:
		if eff.Kind != "" {
			x.addFinding(Finding{Kind: eff.Kind, Msg: eff.Detail + " at " + op.Pos.String(), Report: eff.Report, Pos: op.Pos, Thread: p})
		}
		x.trackLocks(p, &op, eff.Ret, len(x.events)-1, true)
		t.Complete(x.prog, eff.Ret)
		if t.Status == vm.Ready && t.Steps >= x.maxSteps {
			t.Crash("step-bound", fmt.Sprintf("P%d took %d visible steps without finishing: an unbounded loop, or a spin on a value or lock that never changes? (bound: --steps)", p, x.maxSteps), t.Pending.Pos)
		}
	}
	x.afterRun(t)
	x.checkEnd()
}

// mightSleep reports a sleeping operation in atomic context, as the
// kernel's might_sleep() does: inside an RCU read-side critical section,
// with interrupts disabled, or holding a spinlock.
func (x *executor) mightSleep(p int, op *machine.Op) {
	depth, irqs := x.world.RCUDepth(p), x.world.IRQsOff(p)
	var spin *heldLock
	for i := range x.held[p] {
		if x.held[p][i].spin {
			spin = &x.held[p][i]
		}
	}
	if depth == 0 && !irqs && spin == nil {
		return
	}
	var why []string
	if depth > 0 {
		why = append(why, "inside an RCU read-side critical section")
	}
	if irqs {
		why = append(why, "with interrupts disabled")
	}
	if spin != nil {
		why = append(why, fmt.Sprintf("holding spinlock %s (taken at %s)", x.prog.Layout.LocName(spin.loc), spin.pos))
	}
	atomic := 0
	if spin != nil || irqs {
		atomic = 1
	}
	x.addFinding(Finding{Kind: "sleep-in-atomic", Thread: p, Pos: op.Pos,
		Msg: fmt.Sprintf("BUG: sleeping function called from invalid context: %s in P%d at %s %s", op.Name, p, op.Pos, strings.Join(why, ", ")),
		Report: fmt.Sprintf("BUG: sleeping function called from invalid context at %s\nin_atomic(): %d, irqs_disabled(): %d, pid: P%d, name: %s\nRCU nest depth: %d, expected: 0",
			op.Pos, atomic, map[bool]int{true: 1, false: 0}[irqs], p, op.Name, depth)})
}

// apply performs op for thread p on the world and records it as the next
// event (with its footprint and happens-before clock when tracking).
func (x *executor) apply(p int, op *machine.Op) machine.Effect {
	var fp []machine.Access
	if x.track {
		fp = x.world.Footprint(p, op, x.fpBuf[:0])
	}
	waits := x.world.Waits(p, op) // nil except at the end of a grace period or IPI round
	eff := x.world.Apply(p, op)
	x.sched = append(x.sched, uint8(p))
	if x.track {
		x.fpBuf = fp
		x.record(p, op, eff, fp, waits)
	} else {
		x.events = append(x.events, Event{Thread: p, Op: *op, Ret: eff.Ret, Failed: eff.ReadOnly, Waits: waits})
	}
	return eff
}

// stepRCU runs the oldest due RCU callback on the RCU pseudo-thread.
func (x *executor) stepRCU() {
	op := *x.pending(x.rcu)
	eff := x.apply(x.rcu, &op)
	if eff.Kind != "" {
		x.addFinding(Finding{Kind: eff.Kind, Msg: eff.Detail, Report: eff.Report, Pos: op.Pos, Thread: -1})
	}
	x.checkEnd()
}

// afterRun collects what a thread reported while running local code.
func (x *executor) afterRun(t *vm.Thread) {
	for _, n := range t.Notes {
		x.addFinding(Finding{Kind: n.Kind, Msg: n.Msg, Pos: n.Pos, Thread: t.ID})
	}
	t.Notes = t.Notes[:0]
	switch t.Status {
	case vm.Crashed:
		f := t.Fault
		msg := f.Msg
		if f.Kind == "runtime-error" {
			msg = fmt.Sprintf("%s at %s in P%d", f.Msg, f.Pos, t.ID)
		}
		x.addFinding(Finding{Kind: f.Kind, Msg: msg, Pos: f.Pos, Thread: t.ID})
	case vm.Done:
		if x.world.IRQsOff(t.ID) {
			pos := x.prog.Funcs[x.prog.Threads[t.ID]].End
			x.addFinding(Finding{Kind: "irq-unbalanced", Pos: pos, Thread: t.ID,
				Msg: fmt.Sprintf("P%d returned with interrupts disabled (local_irq_disable() without local_irq_enable()) at %s", t.ID, pos)})
		}
		if d := x.world.RCUDepth(t.ID); d > 0 {
			pos := x.prog.Funcs[x.prog.Threads[t.ID]].End
			x.addFinding(Finding{Kind: "rcu-unbalanced", Pos: pos, Thread: t.ID,
				Msg: fmt.Sprintf("P%d returned inside an RCU read-side critical section (rcu_read_lock() without rcu_read_unlock(), depth %d) at %s", t.ID, d, pos)})
		}
	}
}

// addFinding records f once per execution. A *_ONCE warning fires once
// per call site, whichever thread gets there first, as in the kernel.
func (x *executor) addFinding(f Finding) {
	once := strings.HasSuffix(f.Kind, "_ONCE")
	for _, g := range x.found {
		if g.Kind == f.Kind && (g.Msg == f.Msg || once && g.Pos == f.Pos) {
			return
		}
	}
	x.found = append(x.found, f)
}

// deadlockFinding describes a state in which no unfinished thread can
// run: each blocked thread, where it is, and what it waits for.
func (x *executor) deadlockFinding() {
	var parts, lines []string
	first := -1
	for i, t := range x.threads {
		if t.Status != vm.Ready {
			continue
		}
		if first < 0 {
			first = i
		}
		if x.recursiveLocking(i, t) {
			return
		}
		why := x.world.BlockedReason(i, &t.Pending)
		parts = append(parts, fmt.Sprintf("P%d at %s waits in %s", i, t.Pending.Pos, why))
		lines = append(lines, fmt.Sprintf("  P%d blocked at %s: %s", i, t.Pending.Pos, why))
	}
	for i, t := range x.threads {
		if t.Status == vm.Done {
			lines = append(lines, fmt.Sprintf("  P%d finished", i))
		}
	}
	x.addFinding(Finding{Kind: "deadlock", Thread: first, Pos: x.threads[first].Pending.Pos,
		Msg:    "deadlock: " + strings.Join(parts, "; "),
		Report: "INFO: task hung: no thread can make progress\n" + strings.Join(lines, "\n")})
}

// recursiveLocking reports thread i blocked on a lock it holds itself,
// the way lockdep does, and reports whether it did.
func (x *executor) recursiveLocking(i int, t *vm.Thread) bool {
	loc, ok := x.prog.Layout.Cell(t.Pending.Addr)
	if t.Pending.Kind != machine.OpLock || !ok || x.world.LockOwner(loc) != i {
		return false
	}
	name := x.prog.Layout.LocName(loc)
	var taken source.Pos
	for _, h := range x.held[i] {
		if h.loc == loc {
			taken = h.pos
		}
	}
	x.addFinding(Finding{Kind: "recursive-locking", Thread: i, Pos: t.Pending.Pos,
		Msg: fmt.Sprintf("possible recursive locking: P%d takes %s at %s while holding it (taken at %s)", i, name, t.Pending.Pos, taken),
		Report: fmt.Sprintf("WARNING: possible recursive locking detected\nP%d is trying to acquire lock:\n  %s at %s\nbut task is already holding lock:\n  %s at %s\n\n Possible unsafe locking scenario:\n\n       CPU0\n       ----\n  lock(%s);\n  lock(%s);\n\n *** DEADLOCK ***\n\n May be due to missing lock nesting notation\n\n(ptlab: this is the same lock, not another lock of its class, so no nesting annotation helps; e.g. ptl == pml with split PTE locks off)",
			i, name, t.Pending.Pos, name, taken, name, name)})
	return true
}

// Mem and Reg make the executor's final state a compile.State.
func (x *executor) Mem(shared int) machine.Value {
	loc, _ := x.prog.Layout.Cell(x.prog.Addrs[shared])
	return x.world.Mem[loc]
}

func (x *executor) Reg(thread, slot int) machine.Value { return x.threads[thread].Reg(slot) }

// snapshot is the executor's state before a step, so the search can
// return to a scheduling point without re-executing the steps before it.
// Only the thread about to step changes during the step, so a snapshot
// keeps the world and that one thread; restoring to depth d takes every
// other thread's state from the first later snapshot in which it steps.
type snapshot struct {
	world  machine.World // the world without its memory: restore undoes the logged writes
	mark   int           // the world's write-log position
	thread vm.Thread     // the state of the thread that steps next
	tid    int
	nFound int
	tclock []uint32
}

// save records the current state before thread p's step in s, reusing
// its storage.
func (x *executor) save(s *snapshot, p int) {
	s.world.CopyStateFrom(x.world)
	s.mark = x.world.UndoMark()
	if p != x.rcu {
		s.thread.CopyFrom(x.threads[p])
	}
	s.tid = p
	s.nFound = len(x.found)
	s.tclock = append(s.tclock[:0], x.tclock...)
}

// restore returns to the state before step d, given the snapshots of
// steps d and after in the current execution.
func (x *executor) restore(snaps []snapshot, d int) {
	s := &snaps[d]
	x.world.UndoTo(s.mark)
	x.world.CopyStateFrom(&s.world)
	var done uint64
	for k := d; k < len(x.sched); k++ {
		t := snaps[k].tid
		if t != x.rcu && done&(1<<uint(t)) == 0 {
			done |= 1 << uint(t)
			x.threads[t].CopyFrom(&snaps[k].thread)
		}
	}
	x.found = x.found[:s.nFound]
	x.end = EndRunning
	x.sched = x.sched[:d]
	if x.track && d < len(x.events) {
		x.accs = x.accs[:x.events[d].acc[0]]
	}
	x.events = x.events[:d]
	x.rebuildLocks(d)
	if !x.track {
		return
	}
	x.clocks = x.clocks[:d*x.n]
	copy(x.tclock, s.tclock)
	used := x.locUsed[:0]
	for _, loc := range x.locUsed {
		l := x.locAcc[loc]
		for len(l) > 0 && l[len(l)-1] >= int32(d) {
			l = l[:len(l)-1]
		}
		x.locAcc[loc] = l
		if len(l) > 0 {
			used = append(used, loc)
		}
	}
	x.locUsed = used
}
