package machine

import (
	"fmt"
	"strings"
)

// AccessMode is how an operation touches a location.
type AccessMode uint8

// The access modes. Acquire and Release are a lock's take and release:
// they conflict like writes, except that a release followed by an
// acquire of the same lock is only a synchronisation (the acquire could
// not have run first), so the explorer orders them without treating the
// pair as a race to reverse. A reader-writer semaphore's read side has
// modes of its own, because an up_read() followed by another thread's
// down_read() is a race to reverse: the second reader could have
// entered while the first was still inside (kernel/locking/rwsem.c:
// __down_read() waits only for a writer). An unlock by a thread that
// does not hold the lock is a plain Write (World.releaseMode).
const (
	Read AccessMode = iota
	Write
	Acquire       // spin_lock, down_write: waits until the lock is free
	Release       // spin_unlock, up_write, downgrade_write by the holder
	ReadAcquire   // down_read: waits only while a writer holds the lock
	ReleaseShared // up_read while readers hold the lock
)

// Access is one element of a footprint.
type Access struct {
	Loc  int32
	Mode AccessMode
}

// Conflict reports whether an earlier access a and a later access b to
// the same location form a reversible race (the order matters and both
// orders are possible).
func Conflict(a, b AccessMode) bool {
	switch {
	case a == Read && b == Read:
		return false
	case (a == Release || a == ReleaseShared) && b == Acquire, a == Release && b == ReadAcquire:
		return false // synchronisation only: b was disabled until a
	}
	return true
}

// Orders reports whether an earlier access a orders a later access b
// (happens-before): every conflict, plus release→acquire.
func Orders(a, b AccessMode) bool { return !(a == Read && b == Read) }

// Dependent reports whether two pending operations' accesses to one
// location conflict in either order (used by sleep sets).
func Dependent(a, b AccessMode) bool { return Conflict(a, b) || Conflict(b, a) }

// Effect is what applying an op did.
type Effect struct {
	Ret      Value
	ReadOnly bool   // the op only read its location (a failed trylock or cmpxchg)
	Fault    string // non-empty: the op could not run; the thread oopses
	Kind     string // non-empty: a rule was broken (finding kind) ...
	Detail   string // ... with this message; the op still ran
	Report   string // multi-line report body (KASAN), if any
}

// cell returns the location addr denotes, or a fault message.
func (w *World) cell(addr Value, what string) (int32, string) {
	if addr.IsLocal() {
		return 0, fmt.Sprintf("BUG: %s on a pointer to a local variable", what)
	}
	if !addr.IsPtr() {
		if addr.Int == 0 {
			return 0, fmt.Sprintf("BUG: kernel NULL pointer dereference in %s", what)
		}
		return 0, fmt.Sprintf("BUG: unable to handle page fault for address %#x in %s (not a pointer)", addr.Int, what)
	}
	o := addr.Object()
	if o >= len(w.L.Objects) {
		return 0, fmt.Sprintf("BUG: bad pointer in %s", what)
	}
	obj := w.L.Objects[o]
	if addr.Int < 0 || addr.Int >= int64(obj.Size) {
		return 0, fmt.Sprintf("BUG: out-of-bounds access to %s+%d in %s", obj.Name, addr.Int, what)
	}
	return obj.Base + int32(addr.Int), ""
}

// Enabled reports whether thread t can perform op now. Only lock
// acquisition and the end of a grace period can be disabled. An op with
// a bad address is enabled (applying it faults).
func (w *World) Enabled(t int, op *Op) bool {
	switch op.Kind {
	case OpLock, OpDownWrite:
		loc, bad := w.cell(op.Addr, op.Name)
		return bad != "" || w.Mem[loc] == (Value{})
	case OpDownRead:
		loc, bad := w.cell(op.Addr, op.Name)
		return bad != "" || w.Mem[loc].Int >= 0
	case OpGPEnd, OpIPIEnd:
		for _, g := range w.gp[t] {
			if !w.waitDone(g) {
				return false
			}
		}
	case OpSRCUGPEnd:
		for _, i := range w.srcuWait[t] {
			if w.srcu[i].active {
				return false
			}
		}
	case OpRCUCallback:
		if len(w.cbs) == 0 {
			return false
		}
		for _, g := range w.cbs[0].wait {
			if !w.waitDone(g) {
				return false
			}
		}
	}
	return true
}

// Footprint appends to buf the accesses op may make if thread t runs it
// now, and returns the extended slice. It over-approximates where the
// outcome is not known before running (a trylock may take the lock).
func (w *World) Footprint(t int, op *Op, buf []Access) []Access {
	switch op.Kind {
	case OpLoad, OpIsLocked:
		return w.addrAccess(op, Read, buf)
	case OpStore, OpRMW, OpCmpxchg, OpAddUnless:
		return w.pmdWrite(op, w.addrAccess(op, Write, buf))
	case OpLock, OpDownWrite:
		return w.addrAccess(op, Acquire, buf)
	case OpDownRead:
		return w.addrAccess(op, ReadAcquire, buf)
	case OpTrylock, OpDownReadTrylock, OpDownWriteTrylock:
		// A trylock can run while the lock is held (and fail), so a
		// release before it is a race to reverse, not only a
		// synchronisation as it is for a blocking acquire.
		return w.addrAccess(op, Write, buf)
	case OpUnlock, OpUpRead, OpUpWrite, OpDowngrade:
		return w.addrAccess(op, w.releaseMode(t, op), buf)
	case OpRCULock, OpRCUUnlock:
		if w.rcuNested(t, op) {
			return buf // only the outermost pair is visible to grace periods
		}
		return append(buf, Access{w.L.rcuLoc(t), Write})
	case OpGPStart:
		return w.readersFootprint(buf)
	case OpIPIStart:
		for u := 0; u < w.L.NThreads; u++ {
			buf = append(buf, Access{w.L.irqLoc(u), Read})
		}
	case OpIRQOff, OpIRQOn:
		d := w.irq[t].depth
		if op.Kind == OpIRQOff && d > 0 || op.Kind == OpIRQOn && d > 1 {
			return buf // nested: invisible to grace periods and IPIs
		}
		return append(buf, Access{w.L.irqLoc(t), Write})
	case OpTableEmpty:
		if _, bad := w.cell(op.Addr, op.Name); bad == "" && w.L.Objects[op.Addr.Object()].Kind == KindPTETable {
			o := w.L.Objects[op.Addr.Object()]
			for c := o.Base + 1; c < o.Base+o.Size; c++ {
				buf = append(buf, Access{c, Read})
			}
			buf = append(buf, Access{w.L.lifeLoc(op.Addr.Object()), Read})
		}
	case OpGPEnd, OpSRCUGPEnd:
		// The end of a grace period touches nothing another thread could
		// reorder with it: it only waits. The explorer orders it after
		// the read-side exits it waited for (see Waits).
	case OpAllocPTE:
		buf = append(buf, Access{w.L.allocLoc(), Write})
		if o := w.nextPool(); o >= 0 {
			buf = append(buf, Access{w.L.lifeLoc(o), Write})
		}
	case OpFree:
		if op.Addr.IsPtr() && op.Addr.Object() < len(w.L.Objects) {
			buf = append(buf, Access{w.L.lifeLoc(op.Addr.Object()), Write})
		}
	case OpFreeRCU:
		buf = append(w.readersFootprint(buf), Access{w.L.cbLoc(), Write})
	case OpRCUCallback:
		buf = append(buf, Access{w.L.cbLoc(), Write})
		if len(w.cbs) > 0 {
			buf = append(buf, Access{w.L.lifeLoc(int(w.cbs[0].obj)), Write})
		}
	case OpSRCULock:
		if dom, ok := w.domain(op); ok {
			buf = append(buf, Access{w.L.srcuLoc(dom, t), Write})
		}
	case OpSRCUUnlock:
		if dom, ok := w.domain(op); ok {
			// The token names the thread whose srcu_read_lock() made it
			// (applySRCU), so the footprint does not depend on which
			// sections are active: an unlock whose section is not there
			// yet is still dependent with the lock that makes it.
			buf = append(buf, Access{w.L.srcuLoc(dom, srcuCreator(op.Arg, t, w.L.NThreads)), Write})
		}
	case OpSRCUGPStart:
		if dom, ok := w.domain(op); ok {
			for u := 0; u < w.L.NThreads; u++ {
				buf = append(buf, Access{w.L.srcuLoc(dom, u), Read})
			}
		}
	}
	return buf
}

// releaseMode is the access mode of an unlock by thread t now. An
// unlock by a thread that does not hold the lock (a bad-unlock finding)
// is a plain write: the acquisition after it might have run first, so
// the pair is a race to reverse rather than a synchronisation.
func (w *World) releaseMode(t int, op *Op) AccessMode {
	loc, bad := w.cell(op.Addr, op.Name)
	switch {
	case bad != "" || !holdsForUnlock(t, op, w.Mem[loc]):
		return Write
	case op.Kind == OpUpRead:
		return ReleaseShared
	}
	return Release
}

// holdsForUnlock reports whether thread t may run the unlock op on a
// lock whose cell holds v: spin_unlock by the owner, up_read while
// readers hold the rwsem, up_write and downgrade_write by the writer.
// Otherwise the unlock is a bad-unlock finding.
func holdsForUnlock(t int, op *Op, v Value) bool {
	switch op.Kind {
	case OpUnlock:
		return v == Int(int64(t)+1)
	case OpUpRead:
		return v.Int > 0
	case OpUpWrite, OpDowngrade:
		return v == Int(-int64(t)-1)
	}
	return false
}

// addrAccess is the footprint of an access to the cell op.Addr denotes:
// the cell, and a read of its object's life location, so that the access
// and a free of the object are ordered.
func (w *World) addrAccess(op *Op, m AccessMode, buf []Access) []Access {
	loc, bad := w.cell(op.Addr, op.Name)
	if bad != "" {
		return buf
	}
	return append(buf, Access{loc, m}, Access{w.L.lifeLoc(op.Addr.Object()), Read})
}

// readersFootprint adds what starting a grace period reads: every
// thread's RCU and IRQ state (see readers).
func (w *World) readersFootprint(buf []Access) []Access {
	for u := 0; u < w.L.NThreads; u++ {
		buf = append(buf, Access{w.L.rcuLoc(u), Read}, Access{w.L.irqLoc(u), Read})
	}
	return buf
}

// pmdWrite adds to the footprint of a write to a PMD entry the tables it
// detaches and attaches: accesses to a table read its life location, so
// they are ordered against the write that changes whether the table is
// reachable (the detectors of lost PTEs and detached accesses depend on
// it).
func (w *World) pmdWrite(op *Op, buf []Access) []Access {
	loc, bad := w.cell(op.Addr, op.Name)
	if bad != "" || w.L.Objects[op.Addr.Object()].Kind != KindPMDTable || op.Addr.Int == 0 {
		return buf
	}
	for _, v := range []Value{w.Mem[loc], op.Arg, op.Arg2} {
		if t := w.L.PMDTable(v); t >= 0 {
			buf = append(buf, Access{w.L.lifeLoc(t), Write})
		}
	}
	return buf
}

// rcuNested reports whether an rcu_read_lock/unlock is an inner one.
func (w *World) rcuNested(t int, op *Op) bool {
	d := w.rcu[t].depth
	if op.Kind == OpRCULock {
		return d > 0
	}
	return d > 1
}

func (w *World) domain(op *Op) (int, bool) {
	if !op.Addr.IsPtr() || op.Addr.Object() >= len(w.L.Objects) {
		return 0, false
	}
	return op.Addr.Object(), true
}

// srcuCreator returns the thread whose srcu_read_lock() returns token
// (see applySRCU), or t if no thread's does.
func srcuCreator(token Value, t, threads int) int {
	if token.Obj != 0 {
		return t
	}
	c := token.Int/1000 - 1
	if token.Int >= 1<<32 {
		c = token.Int>>32 - 1
	}
	if c < 0 || c >= int64(threads) {
		return t
	}
	return int(c)
}

func (w *World) srcuFind(dom int, token Value) int {
	for i := range w.srcu {
		s := &w.srcu[i]
		if int(s.dom) == dom && s.active && token.Obj == 0 && s.token == token.Int {
			return i
		}
	}
	return -1
}

// Apply performs op for thread t. The op must be enabled.
func (w *World) Apply(t int, op *Op) Effect {
	switch op.Kind {
	case OpLoad, OpStore, OpRMW, OpCmpxchg, OpAddUnless:
		eff := w.applyMem(op)
		w.checkFreed(t, op, &eff)
		w.checkDetached(t, op, &eff)
		if loc, bad := w.cell(op.Addr, op.Name); bad == "" {
			if tab := w.L.PMDTable(w.Mem[loc]); tab >= 0 && w.L.Objects[op.Addr.Object()].Kind == KindPMDTable {
				w.linked[tab] = true
			}
		}
		return eff
	case OpTableEmpty:
		eff := w.applyTableEmpty(op)
		if eff.Fault == "" {
			w.checkFreed(t, op, &eff)
			w.checkDetached(t, op, &eff)
		}
		return eff
	case OpLock, OpUnlock, OpTrylock, OpIsLocked:
		eff := w.applyLock(t, op)
		w.checkFreed(t, op, &eff)
		return eff
	case OpFree, OpFreeRCU, OpRCUCallback:
		return w.applyFree(t, op)
	case OpAllocPTE:
		o := w.nextPool()
		if o < 0 {
			return Effect{Ret: Value{}} // -ENOMEM
		}
		obj := w.L.Objects[o]
		w.freed[o] = false
		w.freeSite[o] = Site{}
		for i := obj.Base; i < obj.Base+obj.Size; i++ {
			w.set(i, Value{}) // pagetable_pte_ctor(): empty table, lock initialised
		}
		return Effect{Ret: Ptr(o, 0)}
	case OpDownRead, OpDownWrite, OpUpRead, OpUpWrite, OpDownReadTrylock, OpDownWriteTrylock, OpDowngrade:
		eff := w.applyRWSem(t, op)
		w.checkFreed(t, op, &eff)
		return eff
	case OpIRQOff, OpIRQOn, OpIPIStart, OpIPIEnd:
		return w.applyIRQ(t, op)
	case OpRCULock:
		w.rcu[t].depth++
	case OpRCUUnlock:
		if !w.rcu[t].exit() {
			return Effect{Kind: "rcu-unbalanced", Detail: "rcu_read_unlock() without a matching rcu_read_lock()"}
		}
	case OpGPStart:
		w.gp[t] = w.readers(w.gp[t][:0], true)
	case OpGPEnd:
		w.gp[t] = w.gp[t][:0]

	default:
		return w.applySRCU(t, op)
	}
	return Effect{}
}

func (w *World) applyMem(op *Op) Effect {
	loc, bad := w.cell(op.Addr, op.Name)
	if bad != "" {
		return Effect{Fault: bad}
	}
	if op.Arg.IsLocal() || op.Arg2.IsLocal() {
		return Effect{Fault: fmt.Sprintf("BUG: %s stores the address of a local variable into shared memory", op.Name)}
	}
	old := w.Mem[loc]
	switch op.Kind {
	case OpLoad:
		return Effect{Ret: old}
	case OpStore:
		w.set(loc, op.Arg)
		return Effect{}
	case OpCmpxchg:
		if old != op.Arg {
			return Effect{Ret: old, ReadOnly: true}
		}
		w.set(loc, op.Arg2)
		return Effect{Ret: old}
	case OpAddUnless:
		if old == op.Arg2 {
			return Effect{Ret: Int(0), ReadOnly: true}
		}
		w.set(loc, arith(RMWAdd, old, op.Arg))
		return Effect{Ret: Int(1)}
	}
	nv := arith(op.RMW, old, op.Arg)
	w.set(loc, nv)
	switch op.Ret {
	case RetOld:
		return Effect{Ret: old}
	case RetNew:
		return Effect{Ret: nv}
	case RetZero:
		return Effect{Ret: Bool(nv == Value{})}
	case RetNegative:
		return Effect{Ret: Bool(nv.Obj == 0 && nv.Int < 0)}
	}
	return Effect{}
}

// arith computes an RMW's new value. Pointer arithmetic keeps the object.
func arith(k RMWOp, old, arg Value) Value {
	switch k {
	case RMWXchg:
		return arg
	case RMWAdd:
		return Value{Int: old.Int + arg.Int, Obj: old.Obj | arg.Obj}
	case RMWSub:
		return Value{Int: old.Int - arg.Int, Obj: old.Obj}
	case RMWAnd:
		return Int(old.Int & arg.Int)
	case RMWOr:
		return Int(old.Int | arg.Int)
	case RMWXor:
		return Int(old.Int ^ arg.Int)
	case RMWAndNot:
		return Int(old.Int &^ arg.Int)
	}
	return old
}

func (w *World) applyLock(t int, op *Op) Effect {
	loc, bad := w.cell(op.Addr, op.Name)
	if bad != "" {
		return Effect{Fault: bad}
	}
	me := Int(int64(t) + 1)
	switch op.Kind {
	case OpLock:
		w.set(loc, me)
	case OpTrylock:
		if w.Mem[loc] != (Value{}) {
			return Effect{Ret: Int(0), ReadOnly: true}
		}
		w.set(loc, me)
		return Effect{Ret: Int(1)}
	case OpIsLocked:
		return Effect{Ret: Bool(w.Mem[loc] != Value{})}
	case OpUnlock:
		held := w.Mem[loc]
		w.set(loc, Value{})
		if !holdsForUnlock(t, op, held) {
			name := w.L.LocName(loc)
			if held == (Value{}) {
				return Effect{Kind: "bad-unlock", Detail: fmt.Sprintf("BUG: spinlock already unlocked: %s released by P%d", name, t)}
			}
			return Effect{Kind: "bad-unlock", Detail: fmt.Sprintf("BUG: spinlock wrong owner: %s held by P%d, released by P%d", name, held.Int-1, t)}
		}
	}
	return Effect{}
}

func (w *World) applySRCU(t int, op *Op) Effect {
	dom, ok := w.domain(op)
	if !ok && op.Kind != OpSRCUGPEnd {
		return Effect{Fault: fmt.Sprintf("BUG: %s on something that is not an srcu_struct", op.Name)}
	}
	switch op.Kind {
	case OpSRCULock:
		// Tokens are thread-local, so that two threads' srcu_read_lock()
		// calls stay independent: the n-th lock of thread t returns
		// 1000*(t+1)+n, the values the reference explorer of
		// ../shared/litmus/STATES.tsv prints.
		w.srcuSeq[t]++
		tok := int64(t+1)*1000 + w.srcuSeq[t]
		if w.srcuSeq[t] >= 1000 {
			tok = int64(t+1)<<32 | w.srcuSeq[t]
		}
		w.srcu = append(w.srcu, srcuSection{dom: int32(dom), token: tok, creator: int32(t), active: true})
		return Effect{Ret: Int(tok)}
	case OpSRCUUnlock:
		i := w.srcuFind(dom, op.Arg)
		if i < 0 {
			return Effect{Kind: "srcu-bad-unlock", Detail: fmt.Sprintf("%s(%s, %s) does not match an active srcu_read_lock()", op.Name, w.L.Objects[dom].Name, op.Arg)}
		}
		w.srcu[i].active = false
	case OpSRCUGPStart:
		w.srcuWait[t] = w.srcuWait[t][:0]
		for i, s := range w.srcu {
			if s.active && int(s.dom) == dom {
				w.srcuWait[t] = append(w.srcuWait[t], i)
			}
		}
	case OpSRCUGPEnd:
		w.srcuWait[t] = w.srcuWait[t][:0]
	}
	return Effect{}
}

// WaitRef names one read-side critical section a grace period waits for:
// for RCU, the section of Thread that was active with Done completed
// sections when the grace period started (it ends with Thread's
// (Done+1)-th outermost rcu_read_unlock()); for SRCU, the section of
// domain object Dom with token Token.
type WaitRef struct {
	SRCU   bool
	IRQ    bool // an IRQ-disabled section: it ends with local_irq_enable()
	Thread int
	Done   int32
	Dom    int
	Token  int64
}

// Waits lists the sections the pending end of thread t's grace period
// waits for. The explorer uses it to order the end of the grace period
// after exactly those sections' exits, and after nothing else.
func (w *World) Waits(t int, op *Op) []WaitRef {
	var out []WaitRef
	switch op.Kind {
	case OpGPEnd, OpIPIEnd:
		for _, g := range w.gp[t] {
			out = append(out, WaitRef{Thread: int(g.t), Done: g.done, IRQ: g.irq})
		}
	case OpSRCUGPEnd:
		for _, i := range w.srcuWait[t] {
			s := w.srcu[i]
			out = append(out, WaitRef{SRCU: true, Thread: int(s.creator), Dom: int(s.dom), Token: s.token})
		}
	case OpRCUCallback:
		if len(w.cbs) > 0 {
			for _, g := range w.cbs[0].wait {
				out = append(out, WaitRef{Thread: int(g.t), Done: g.done, IRQ: g.irq})
			}
		}
	}
	return out
}

// applyRWSem runs a reader-writer semaphore operation
// (kernel/locking/rwsem.c): the cell holds 0 (free), n > 0 (n readers) or
// -(t+1) (written by thread t).
func (w *World) applyRWSem(t int, op *Op) Effect {
	loc, bad := w.cell(op.Addr, op.Name)
	if bad != "" {
		return Effect{Fault: bad}
	}
	v := w.Mem[loc].Int
	writer := Int(-int64(t) - 1)
	switch op.Kind {
	case OpDownRead:
		w.set(loc, Int(v+1))
	case OpDownWrite:
		w.set(loc, writer)
	case OpDownReadTrylock:
		if v < 0 {
			return Effect{Ret: Int(0), ReadOnly: true}
		}
		w.set(loc, Int(v+1))
		return Effect{Ret: Int(1)}
	case OpDownWriteTrylock:
		if v != 0 {
			return Effect{Ret: Int(0), ReadOnly: true}
		}
		w.set(loc, writer)
		return Effect{Ret: Int(1)}
	case OpUpRead:
		if !holdsForUnlock(t, op, w.Mem[loc]) {
			return Effect{Kind: "bad-unlock", Detail: fmt.Sprintf("up_read(%s) without a reader holding it", w.L.LockName(op.Addr))}
		}
		w.set(loc, Int(v-1))
	case OpUpWrite, OpDowngrade:
		if !holdsForUnlock(t, op, w.Mem[loc]) {
			return Effect{Kind: "bad-unlock", Detail: fmt.Sprintf("%s(%s) by P%d, which does not hold it for write", op.Name, w.L.LockName(op.Addr), t)}
		}
		w.set(loc, Int(0))
		if op.Kind == OpDowngrade {
			w.set(loc, Int(1))
		}
	}
	return Effect{}
}

// applyIRQ disables and enables interrupts, and runs the two steps of
// an IPI round (tlb_remove_table_sync_one(): smp_call_function() waits
// until every CPU has taken the interrupt, that is, for every
// IRQ-disabled section in progress, and for nothing else).
func (w *World) applyIRQ(t int, op *Op) Effect {
	switch op.Kind {
	case OpIRQOff:
		w.irq[t].depth++
	case OpIRQOn:
		if !w.irq[t].exit() {
			return Effect{Kind: "irq-unbalanced", Detail: "local_irq_enable() with interrupts already enabled"}
		}
	case OpIPIStart:
		w.gp[t] = w.readers(w.gp[t][:0], false)
	case OpIPIEnd:
		w.gp[t] = w.gp[t][:0]
	}
	return Effect{}
}

// readers appends to buf what a grace period starting now waits for:
// with rcu, every RCU read-side section in progress and every
// IRQ-disabled section (since v4.20 one RCU flavour covers both:
// Documentation/RCU/checklist.rst item 7); without, the IRQ-disabled
// sections only, which is all an IPI round such as
// tlb_remove_table_sync_one() waits for (mm/mmu_gather.c).
func (w *World) readers(buf []gpWait, rcu bool) []gpWait {
	for u := range w.rcu {
		if rcu && w.rcu[u].depth > 0 {
			buf = append(buf, gpWait{t: int32(u), done: w.rcu[u].done})
		}
		if w.irq[u].depth > 0 {
			buf = append(buf, gpWait{t: int32(u), done: w.irq[u].done, irq: true})
		}
	}
	return buf
}

// waitDone reports whether the section g names has ended.
func (w *World) waitDone(g gpWait) bool {
	if g.irq {
		return w.irq[g.t].done > g.done
	}
	return w.rcu[g.t].done > g.done
}

// checkFreed turns an access to a freed object into a KASAN-style
// use-after-free report. The access still happens, on stale memory.
// maxUAFCache bounds World.uaf, which outlives searches: a world from
// the executor pool serves program after program.
const maxUAFCache = 1024

func (w *World) checkFreed(t int, op *Op, eff *Effect) {
	if eff.Fault != "" || !op.Addr.IsPtr() || op.Addr.Object() >= len(w.freed) {
		return
	}
	o := op.Addr.Object()
	if !w.freed[o] {
		return
	}
	access := "Write"
	if op.Kind == OpLoad || op.Kind == OpIsLocked || eff.ReadOnly {
		access = "Read"
	}
	fs := w.freeSite[o]
	eff.Kind = "use-after-free"
	lock := op.Kind >= OpLock && op.Kind <= OpIsLocked
	key := uafKey{l: w.L, t: t, name: op.Name, lock: lock, addr: op.Addr, write: access == "Write", site: fs}
	if m, ok := w.uaf[key]; ok {
		eff.Detail, eff.Report = m.detail, m.report
		return
	}
	what := w.L.PtrName(op.Addr)
	if lock {
		what = w.L.LockName(op.Addr)
	}
	eff.Detail = fmt.Sprintf("BUG: KASAN: use-after-free in %s: %s of %s by P%d; freed by %s at %s (%s)",
		op.Name, strings.ToLower(access), what, t, siteThread(fs), fs.Pos, fs.how())
	eff.Report = fmt.Sprintf("%s of size 8 at addr %s by task P%d\n\nFreed by task %s:\n  %s at %s",
		access, what, t, siteThread(fs), fs.how(), fs.Pos)
	if w.uaf == nil || len(w.uaf) >= maxUAFCache {
		w.uaf = map[uafKey]uafText{}
	}
	w.uaf[key] = uafText{eff.Detail, eff.Report}
}

// checkDetached reports a PTE written into a table no PMD entry points to
// (the mapping is lost: kernel.md §4, "detached write"), and a PTE read
// from such a table outside any RCU read-side critical section (nothing
// keeps the table from being freed under the reader: kernel.md I4).
func (w *World) checkDetached(t int, op *Op, eff *Effect) {
	if eff.Fault != "" || eff.Kind != "" || !op.Addr.IsPtr() || op.Addr.Int < 1 {
		return
	}
	tab := op.Addr.Object()
	if tab >= len(w.L.Objects) || w.L.Objects[tab].Kind != KindPTETable || w.freed[tab] || w.attached(tab) {
		return
	}
	name := w.L.Objects[tab].Name
	write := op.Kind != OpLoad && op.Kind != OpTableEmpty && !eff.ReadOnly
	cleared := (op.Kind == OpStore || op.Kind == OpRMW && op.RMW == RMWXchg) && op.Arg == (Value{})
	switch {
	case write && cleared:
		// Clearing an entry of a detached table loses nothing.
	case write:
		eff.Kind = "lost-pte"
		eff.Detail = fmt.Sprintf("BUG: PTE written into detached page table %s (entry %d) by P%d in %s: no PMD points to %s, so the mapping is lost", name, op.Addr.Int-1, t, op.Name, name)
	case t >= 0 && w.rcu[t].depth == 0 && w.irq[t].depth == 0:
		eff.Kind = "detached-access"
		eff.Detail = fmt.Sprintf("BUG: P%d read detached page table %s (entry %d) in %s outside any RCU read-side or IRQ-disabled section: nothing keeps it from being freed", t, name, op.Addr.Int-1, op.Name)
	}
}

func siteThread(s Site) string {
	if s.Thread == -2 {
		return "nobody (never allocated)"
	}
	if s.Thread < 0 {
		return "RCU callback"
	}
	return fmt.Sprintf("P%d", s.Thread)
}

// applyFree frees an object at once (kfree), queues its free for after a
// grace period (kvfree_rcu), or runs the oldest due RCU callback.
func (w *World) applyFree(t int, op *Op) Effect {
	if op.Kind == OpRCUCallback {
		cb := w.cbs[0]
		w.cbs = append(w.cbs[:0], w.cbs[1:]...)
		return w.free(int(cb.obj), Site{Thread: -1, Pos: cb.queued.Pos, How: cb.queued.How, Queuer: cb.queued.Thread}, op)
	}
	if !op.Addr.IsPtr() || op.Addr.Object() >= len(w.L.Objects) {
		if op.Addr == (Value{}) {
			return Effect{} // kfree(NULL) is a no-op
		}
		return Effect{Fault: fmt.Sprintf("BUG: %s of something that is not an object", op.Name)}
	}
	o := op.Addr.Object()
	live := w.livePTEs(o, t, op)
	if op.Kind == OpFree {
		eff := w.free(o, Site{Thread: t, Pos: op.Pos, How: op.Name}, op)
		if eff.Kind == "" {
			eff = live
		}
		return eff
	}
	cb := callback{obj: int32(o), queued: Site{Thread: t, Pos: op.Pos, How: op.Name}}
	cb.wait = w.readers(nil, true)
	w.cbs = append(w.cbs, cb)
	return live
}

// nextPool returns the first pool table not handed out yet, or -1.
func (w *World) nextPool() int {
	for i, o := range w.L.Objects {
		if o.Pool && w.freed[i] && w.freeSite[i].Thread == -2 {
			return i
		}
	}
	return -1
}

// livePTEs reports freeing a PTE table that still maps pages: those
// mappings, their page references and RSS counts are lost (kernel.md §4
// R1: "detached write ... Bad rss-counter state").
func (w *World) livePTEs(o, t int, op *Op) Effect {
	obj := w.L.Objects[o]
	if obj.Kind != KindPTETable || w.freed[o] {
		return Effect{}
	}
	n, first := 0, -1
	for i, v := range w.Mem[obj.Base+1 : obj.Base+obj.Size] {
		if v != (Value{}) {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if n == 0 {
		return Effect{}
	}
	return Effect{Kind: "lost-pte", Detail: fmt.Sprintf("BUG: page table %s freed by P%d (%s) with %d present PTE(s) (entry %d maps page %s): the mappings are lost", obj.Name, t, op.Name, n, first, w.Mem[obj.Base+1+int32(first)])}
}

func (w *World) free(o int, site Site, op *Op) Effect {
	if w.freed[o] {
		fs := w.freeSite[o]
		return Effect{Kind: "double-free",
			Detail: fmt.Sprintf("BUG: KASAN: double-free in %s: %s already freed by %s at %s (%s)", op.Name, w.L.Objects[o].Name, siteThread(fs), fs.Pos, fs.how())}
	}
	w.freed[o] = true
	w.freeSite[o] = site
	return Effect{}
}

// CallbackOp returns the operation the RCU pseudo-thread would perform
// next, and false when no callback is queued.
func (w *World) CallbackOp() (Op, bool) {
	if len(w.cbs) == 0 {
		return Op{}, false
	}
	return Op{Kind: OpRCUCallback, Name: "rcu_callback", Pos: w.cbs[0].queued.Pos}, true
}

// Freed reports whether object o has been freed.
func (w *World) Freed(o int) bool { return w.freed[o] }

// BlockedReason describes why op of thread t is not enabled, naming the
// holder of a lock or the readers a grace period waits for.
func (w *World) BlockedReason(t int, op *Op) string {
	switch op.Kind {
	case OpDownRead, OpDownWrite:
		loc, _ := w.cell(op.Addr, op.Name)
		name := w.L.LockName(op.Addr)
		if v := w.Mem[loc].Int; v < 0 {
			return fmt.Sprintf("%s(%s): held for write by P%d", op.Name, name, -v-1)
		}
		return fmt.Sprintf("%s(%s): held for read by %d reader(s)", op.Name, name, w.Mem[loc].Int)
	case OpLock:
		loc, _ := w.cell(op.Addr, op.Name)
		owner := w.LockOwner(loc)
		name := w.L.LocName(loc)
		if owner == t {
			return fmt.Sprintf("%s(%s): already held by this thread (recursive locking)", op.Name, name)
		}
		return fmt.Sprintf("%s(%s): held by P%d", op.Name, name, owner)
	case OpIPIEnd:
		s := "tlb_remove_table_sync_one(): waiting for the IRQ-disabled section of"
		for _, g := range w.gp[t] {
			if !w.waitDone(g) {
				s += fmt.Sprintf(" P%d", g.t)
			}
		}
		return s
	case OpGPEnd:
		s := "synchronize_rcu(): waiting for the RCU read-side critical section of"
		for _, g := range w.gp[t] {
			if !w.waitDone(g) {
				if int(g.t) == t {
					s += fmt.Sprintf(" P%d (itself: synchronize_rcu() inside rcu_read_lock())", g.t)
				} else {
					s += fmt.Sprintf(" P%d", g.t)
				}
			}
		}
		return s
	case OpSRCUGPEnd:
		s := "synchronize_srcu(): waiting for the SRCU read-side critical section of"
		for _, i := range w.srcuWait[t] {
			if w.srcu[i].active {
				s += fmt.Sprintf(" P%d", w.srcu[i].creator)
			}
		}
		return s
	}
	return op.Name
}

// Allocated reports whether object o exists: false for a pool table
// pte_alloc_one() has not handed out yet.
func (w *World) Allocated(o int) bool {
	return !w.freed[o] || w.freeSite[o].Thread != -2
}

// Callbacks returns the number of RCU callbacks queued.
func (w *World) Callbacks() int { return len(w.cbs) }

// applyTableEmpty reads every entry of the PTE table op.Addr points into:
// the loop over PTRS_PER_PTE entries that try_to_free_pte()
// (mm/pt_reclaim.c, v6.14) runs under the PTE lock before detaching an
// empty table, as one step. Under the lock no entry can change midway
// (every PTE writer holds it), so one step loses no interleaving.
func (w *World) applyTableEmpty(op *Op) Effect {
	if _, bad := w.cell(op.Addr, op.Name); bad != "" {
		return Effect{Fault: bad}
	}
	o := w.L.Objects[op.Addr.Object()]
	if o.Kind != KindPTETable {
		return Effect{Fault: op.Name + "() of a pointer that is not into a PTE table"}
	}
	for _, v := range w.Mem[o.Base+1 : o.Base+o.Size] {
		if v != (Value{}) {
			return Effect{Ret: Int(0)}
		}
	}
	return Effect{Ret: Int(1)}
}
