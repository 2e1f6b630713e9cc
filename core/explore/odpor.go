package explore

import (
	"fmt"
	"slices"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/vm"
)

// Optimal DPOR (strategy "optimal"): source sets with wakeup trees
// (Abdulla, Aronis, Jonsson, Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014, Algorithm 2; JACM 2017), adapted to blocking
// operations. It explores exactly one execution per Mazurkiewicz trace.
//
// Events, dependence and traces. Two events are dependent when their
// footprints (machine.Footprint, as recorded: a failed trylock or
// cmpxchg only reads) touch a common location and not both only read,
// or when they belong to the same thread. Happens-before is the
// transitive closure of program order, dependence in execution order,
// and the wait edges of a grace period or IPI round (its end after the
// section exits it waited for), as the executor's vector clocks compute
// it. Every linearization of happens-before is an execution with the
// same events; two executions are equivalent when they have the same
// happens-before (the same Foata normal form, traceKey).
//
// Races. When an event e' of thread q runs, each earlier event e of
// another thread that is dependent with e' and does not happen before
// q's previous event is a candidate. A candidate is reversible when e'
// can run first: e' is enabled, and is the same operation, after
// pre(e).notdep(e), the prefix before e followed by the events after e
// that do not happen after it. Only a blocking acquisition (spin_lock,
// down_read, down_write) or an RCU callback can fail that test: a lock
// released by e (or by an event after it) is still held there. The
// races of e' are the reversible candidates after which no other
// reversible candidate happens: the immediate races of the textbook
// algorithm, except that an edge from a release to an acquisition that
// could not run before it does not hide the race with the acquisition
// that took the lock (Nidhugg's treatment of mutexes, generalised to
// reader-writer semaphores and callbacks). A thread left blocked at the
// end of an execution contributes its pending operation as e'.
//
// Wakeup sequences. For a race e, e', v = notdep(e).e' is executable
// after pre(e) (the events of notdep(e) are a happens-before-closed set,
// and e' was checked above). Its last event is predicted from the state
// after pre(e).notdep(e): a trylock or cmpxchg succeeds or fails there,
// a PMD write detaches the table found there, pte_alloc_one() takes the
// pool table left there. v is dropped if a thread asleep (or already
// explored) at the node before e is a weak initial of v; otherwise it is
// inserted into that node's wakeup tree unless the tree already has a
// leaf w with w ⊑ v. Branches are explored in tree order; the sleep set
// of a child keeps the threads whose next event is independent of the
// event just run (with its real footprint).
//
// Guarantees. Every trace is explored (the search is sound), and no two
// explored executions are equivalent (sleep sets). No execution is
// sleep-set blocked: every wakeup sequence is executable, and once a
// leaf of a wakeup tree has been followed every thread that was asleep
// (or explored) where it was inserted has been woken, since none is a
// weak initial of it (the paper's optimality argument holds
// because footprints are a valid independence relation: independent
// events commute and neither enables nor disables the other, section
// exits and grace-period ends being ordered by the wait edges). That
// argument needs the predicted footprint of each reversed event to be
// exact: an event's footprint depends on the state only through
// locations it accesses itself (its cell, the page-table allocator, the
// callback queue, its thread's own nesting depth), whose values after
// pre(e).notdep(e) are known. The explorer checks this as it follows a
// wakeup sequence: a branch that cannot run, or an event whose
// footprint is larger than predicted, would be an engine bug; it is
// counted, Result.Note reports it, and the search is not called
// exhaustive. The tests check that it never happens.

// sleeper is a thread in a sleep set, or a branch already explored: the
// footprint of its next event (as it ran).
type sleeper struct {
	t  int8
	fp []machine.Access
}

// wnode is a node of a wakeup tree: one event, and the branches after it
// in exploration order.
type wnode struct {
	t    int8
	fp   []machine.Access // predicted footprint
	kids []*wnode
}

// onode is one scheduling point of the optimal search.
type onode struct {
	enabled uint64
	chosen  int8
	sleep   []sleeper // inherited sleep set
	sleepM  uint64    // its threads
	done    []sleeper // branches explored from here, in order
	doneM   uint64
	wut     []*wnode // pending branches of the wakeup tree, in order
	down    []*wnode // the subtree below the branch being explored
	pred    []machine.Access
	tree    bool // the chosen branch came from the wakeup tree (pred is its predicted footprint)
}

// velem is one event of a wakeup sequence under construction: an event
// of the current execution (idx >= 0) or the reversed event (idx < 0).
type velem struct {
	idx     int32
	t       int8
	fp      []machine.Access
	removed bool
}

type odpor struct {
	e      *explorer
	x      *executor
	stack  []onode
	snaps  []snapshot
	nextSl []sleeper // sleep set for the node after the step just run

	// scratch
	prevClock []uint32
	predClock []uint32
	cands     []int32
	rev       []bool
	exits     []int32 // the section exits the event whose races are handled waits for
	queued    int32   // the kvfree_rcu() that queued it, for a callback (else -1)
	seq       []velem
	fpBuf     []machine.Access

	misses int // wakeup sequences that did not run as predicted (engine bugs)

	est  []node     // the search path in dpor's form, for progress estimates
	bufs []depthBuf // per depth

	// Memory written by each event of the current execution (snapshots
	// do not keep memory): wstart[k] indexes the cells event k wrote,
	// with their values after it, in wvals. init is the initial memory.
	wstart []int32
	wvals  []cellValue
	init   []machine.Value
}

// depthBuf is storage reused by the successive nodes at one depth.
type depthBuf struct {
	sleep, done []sleeper
	fps         []machine.Access // footprints of the done branches
}

type cellValue struct {
	loc int32
	v   machine.Value
}

// optimal runs optimal DPOR.
func (e *explorer) optimal() error {
	if e.opt.MaxPreemptions >= 0 {
		return fmt.Errorf("strategy optimal does not support a preemption bound (use dpor)")
	}
	x := newExecutor(e.prog, e.opt.MaxSteps, true)
	defer x.release()
	o := &odpor{e: e, x: x}
	o.run()
	if o.misses > 0 {
		e.res.Note = fmt.Sprintf("optimal DPOR: %d wakeup sequence%s did not run as predicted (an engine bug; please report it): the search may have missed executions", o.misses, plural(o.misses))
		e.stop = "internal error in optimal DPOR"
	}
	return nil
}

func (o *odpor) run() {
	e, x := o.e, o.x
	for e.budgetLeft() {
		d0 := 0
		if len(o.stack) == 0 {
			x.reset()
			if o.init == nil {
				o.init = append([]machine.Value{}, x.world.Mem...)
			}
		} else {
			d0 = len(o.stack) - 1
			x.restore(o.snaps, d0)
			q := int(o.stack[d0].chosen)
			if q != x.rcu {
				o.snaps[d0].thread.CopyFrom(x.threads[q])
			}
			o.snaps[d0].tid = q
		}
		if d0 < len(o.wstart) {
			o.wvals = o.wvals[:o.wstart[d0]]
		}
		o.wstart = o.wstart[:d0]
		for d := d0; x.end == EndRunning; d++ {
			if d == len(o.stack) && !o.newNode(d) {
				break
			}
			o.step(d)
		}
		o.blockedRaces()
		if e.opt.Estimate != nil && (e.res.Executions+1)%16 == 0 {
			o.progress()
		}
		e.observe(x)
		if !o.backtrack() {
			e.res.Exhaustive = e.stop == ""
			return
		}
	}
}

// newNode creates the node at depth d and picks its branch: the first
// branch of the wakeup tree handed down by the parent, else any enabled
// thread that is not asleep. It reports false (after ending the
// execution) if there is none.
func (o *odpor) newNode(d int) bool {
	x := o.x
	en := x.enabled()
	nd := onode{enabled: en}
	for len(o.bufs) <= d {
		o.bufs = append(o.bufs, depthBuf{})
	}
	b := &o.bufs[d]
	nd.done, b.fps = b.done[:0], b.fps[:0]
	if d > 0 {
		parent := &o.stack[d-1]
		nd.wut, parent.down = parent.down, nil
		nd.sleep = append(b.sleep[:0], o.nextSl...)
		for _, s := range nd.sleep {
			nd.sleepM |= 1 << uint(s.t)
		}
	}
	prefix := o.e.opt.Prefix
	switch {
	case d < len(prefix):
		p := prefix[d]
		if p < 0 || p >= 64 || en&(1<<uint(p)) == 0 {
			x.end = EndPruned
			o.e.stop = "the given prefix is not a valid schedule"
			return false
		}
		nd.chosen = int8(p)
		nd.sleep, nd.sleepM = nil, 0
	case o.fromTree(&nd):
	default:
		cand := en &^ nd.sleepM
		if cand == 0 {
			x.end = EndSleepBlocked
			return false
		}
		prev := int8(-1)
		if d > 0 {
			prev = o.stack[d-1].chosen
		}
		nd.chosen = int8(pick(cand, prev))
	}
	o.stack = append(o.stack, nd)
	if d == len(o.snaps) {
		o.snaps = append(o.snaps, snapshot{})
	}
	x.save(&o.snaps[d], int(nd.chosen))
	return true
}

// fromTree takes the node's next wakeup-tree branch, skipping (and
// counting) any whose thread cannot run.
func (o *odpor) fromTree(nd *onode) bool {
	for len(nd.wut) > 0 {
		c := nd.wut[0]
		nd.wut = nd.wut[1:]
		if nd.enabled&(1<<uint(c.t)) == 0 || nd.sleepM&(1<<uint(c.t)) != 0 || nd.doneM&(1<<uint(c.t)) != 0 {
			o.misses++
			continue
		}
		nd.chosen, nd.down, nd.pred, nd.tree = c.t, c.kids, c.fp, true
		return true
	}
	nd.down, nd.pred, nd.tree = nil, nil, false
	return false
}

// step runs the node's branch, computes the next sleep set and handles
// the races of the new event.
func (o *odpor) step(d int) {
	x := o.x
	nd := &o.stack[d]
	p := int(nd.chosen)
	o.prevClock = append(o.prevClock[:0], x.tclock[p*x.n:p*x.n+x.n]...)
	x.step(p)
	ev := &x.events[d]
	fp := x.accs[ev.acc[0]:ev.acc[1]]
	o.wstart = append(o.wstart, int32(len(o.wvals)))
	for _, a := range fp {
		if a.Mode != machine.Read && a.Loc < x.prog.Layout.NMem {
			o.wvals = append(o.wvals, cellValue{a.Loc, x.world.Mem[a.Loc]})
		}
	}
	if nd.tree && !subset(fp, nd.pred) {
		o.misses++ // a footprint larger than predicted: the tree may be wrong
	}
	o.nextSl = o.nextSl[:0]
	for _, list := range [2][]sleeper{nd.sleep, nd.done} {
		for _, s := range list {
			if !dependent(s.fp, fp) {
				o.nextSl = append(o.nextSl, s)
			}
		}
	}
	o.races(int32(d), p, &ev.Op, fp, o.prevClock)
}

// blockedRaces treats the pending operation of each thread left blocked
// at the end of the execution as a last event: if it races with an
// earlier event, schedules in which it runs first are explored.
func (o *odpor) blockedRaces() {
	x := o.x
	for p, t := range x.threads {
		if t.Status != vm.Ready || x.world.Enabled(p, &t.Pending) {
			continue
		}
		o.fpBuf = x.world.Footprint(p, &t.Pending, o.fpBuf[:0])
		o.races(int32(len(x.events)), p, &t.Pending, o.fpBuf, x.tclock[p*x.n:p*x.n+x.n])
	}
}

// backtrack moves to the next branch of the deepest node that has one,
// popping exhausted nodes. It reports false when the search is over.
func (o *odpor) backtrack() bool {
	x := o.x
	for len(o.stack) > 0 {
		d := len(o.stack) - 1
		nd := &o.stack[d]
		if d < len(x.events) {
			ev := &x.events[d]
			b := &o.bufs[d]
			start := len(b.fps)
			b.fps = append(b.fps, x.accs[ev.acc[0]:ev.acc[1]]...)
			nd.done = append(nd.done, sleeper{t: nd.chosen, fp: b.fps[start:len(b.fps):len(b.fps)]})
		}
		nd.doneM |= 1 << uint(nd.chosen)
		nd.down = nil
		if d >= len(o.e.opt.Prefix) && o.fromTree(nd) {
			return true
		}
		o.bufs[d].sleep, o.bufs[d].done = nd.sleep, nd.done // keep the storage
		o.stack = o.stack[:d]
	}
	return false
}

// races handles the races of event n (the event just run, or, with n =
// len(events), a blocked thread's pending operation) of thread q with
// operation op, footprint fp, and clock pc before it.
func (o *odpor) races(n int32, q int, op *machine.Op, fp []machine.Access, pc []uint32) {
	x := o.x
	cands := o.cands[:0]
	for _, a := range fp {
		for _, j := range x.locAcc[a.Loc] {
			if j >= n {
				break
			}
			if x.events[j].Thread == q || !machine.Orders(x.modeOf(j, a.Loc), a.Mode) || x.hb(j, pc) {
				continue
			}
			if !slices.Contains(cands, j) {
				cands = append(cands, j)
			}
		}
	}
	o.cands = cands
	if len(cands) == 0 {
		return
	}
	slices.Sort(cands)
	// What event n waits for: the section exits (a callback, or the end
	// of a grace period) and, for a callback, the kvfree_rcu() that
	// queued it.
	o.exits, o.queued = o.exits[:0], -1
	if int(n) < len(x.events) {
		for _, w := range x.events[n].Waits {
			o.exits = append(o.exits, x.exitOf(w, n))
		}
		if op.Kind == machine.OpRCUCallback {
			k := x.events[n].index
			for j := int32(0); j < n; j++ {
				ev := &x.events[j]
				if ev.Op.Kind == machine.OpFreeRCU && ev.Op.Addr.IsPtr() && ev.Op.Addr.Object() < len(x.prog.Layout.Objects) {
					if k == 0 {
						o.queued = j
						break
					}
					k--
				}
			}
		}
	}
	rev := o.rev[:0]
	for _, j := range cands {
		rev = append(rev, o.reversible(j, n, q, op))
	}
	o.rev = rev
	for a, j := range cands {
		if !rev[a] || int(j) < len(o.e.opt.Prefix) {
			continue
		}
		hidden := false
		for b := a + 1; b < len(cands) && !hidden; b++ {
			hidden = rev[b] && x.hb(j, x.clock(cands[b]))
		}
		if !hidden {
			o.reverse(j, n, q, op, fp, pc)
		}
	}
}

// lastWrite returns the last event between i and n that wrote loc and
// does not happen after i (-1 if none), and the last event before i that
// wrote loc (-1 if none).
func (o *odpor) lastWrite(loc int32, i, n int32) (after, before int32) {
	x := o.x
	after, before = -1, -1
	for _, k := range x.locAcc[loc] {
		if k >= n {
			break
		}
		if k == i || x.modeOf(k, loc) == machine.Read {
			continue
		}
		if k < i {
			before = k
		} else if !x.hb(i, x.clock(k)) {
			after = k
		}
	}
	return after, before
}

// memAt returns the value of memory cell loc after pre(i).notdep(i), up
// to event n.
func (o *odpor) memAt(loc int32, i, n int32) machine.Value {
	k, before := o.lastWrite(loc, i, n)
	if k < 0 {
		k = before
	}
	if k < 0 {
		return o.init[loc]
	}
	end := int32(len(o.wvals))
	if int(k)+1 < len(o.wstart) {
		end = o.wstart[k+1]
	}
	for _, c := range o.wvals[o.wstart[k]:end] {
		if c.loc == loc {
			return c.v
		}
	}
	panic("optimal DPOR: no logged value for a write")
}

// stateAt returns a world whose state apart from memory (pool tables,
// SRCU sections) is the one after pre(i).notdep(i) as far as location loc
// decides it: after the last event between i and n that wrote loc without
// happening after i, else before i.
func (o *odpor) stateAt(loc int32, i, n int32) *machine.World {
	x := o.x
	last, _ := o.lastWrite(loc, i, n)
	switch {
	case last < 0:
		return &o.snaps[i].world
	case int(last)+1 == len(x.events):
		return x.world
	}
	return &o.snaps[last+1].world
}

// withMem runs f on the current world with memory cell loc holding v.
func (o *odpor) withMem(loc int32, v machine.Value, f func(w *machine.World)) {
	w := o.x.world
	old := w.Mem[loc]
	w.Mem[loc] = v
	f(w)
	w.Mem[loc] = old
}

// reversible reports whether event n (thread q, operation op) can run
// right after pre(i).notdep(i), as the same operation.
func (o *odpor) reversible(i, n int32, q int, op *machine.Op) bool {
	x := o.x
	switch op.Kind {
	case machine.OpLock, machine.OpDownRead, machine.OpDownWrite:
		loc, ok := x.prog.Layout.Cell(op.Addr)
		if !ok {
			return true
		}
		enabled := false
		o.withMem(loc, o.memAt(loc, i, n), func(w *machine.World) { enabled = w.Enabled(q, op) })
		return enabled
	case machine.OpRCUCallback:
		if int(n) >= len(x.events) {
			return false
		}
		// It runs the callback queued by the k-th kvfree_rcu() (the
		// queue is FIFO), which must be there, as must the exits it
		// waits for.
		f := o.queued
		if f < 0 || f >= i && (f == i || x.hb(i, x.clock(f))) {
			return false
		}
		for _, j := range o.exits {
			if j >= i && (j == i || x.hb(i, x.clock(j))) {
				return false
			}
		}
	}
	return true
}

// predict returns the footprint event n (thread q, operation op, actual
// footprint fp) would have right after pre(i).notdep(i).
func (o *odpor) predict(i, n int32, q int, op *machine.Op, fp []machine.Access) []machine.Access {
	x := o.x
	switch op.Kind {
	case machine.OpTrylock, machine.OpDownReadTrylock, machine.OpDownWriteTrylock,
		machine.OpCmpxchg, machine.OpAddUnless, machine.OpStore, machine.OpRMW,
		machine.OpUnlock, machine.OpUpRead, machine.OpUpWrite, machine.OpDowngrade:
		loc, ok := x.prog.Layout.Cell(op.Addr)
		if !ok || len(fp) == 0 {
			break
		}
		v := o.memAt(loc, i, n)
		var out []machine.Access
		o.withMem(loc, v, func(w *machine.World) { out = w.Footprint(q, op, nil) })
		if fails(op, v) {
			for k := range out {
				out[k].Mode = machine.Read
			}
		}
		return out
	case machine.OpAllocPTE:
		if len(fp) == 0 {
			break
		}
		return o.stateAt(fp[0].Loc, i, n).Footprint(q, op, nil)
	case machine.OpSRCUUnlock:
		// It names the section of the srcu_read_lock() that returned
		// its token: if that one is not there, it ends no section.
		for c := int32(0); c < n; c++ {
			ev := &x.events[c]
			if ev.Op.Kind == machine.OpSRCULock && ev.Ret == op.Arg && ev.Op.Addr == op.Addr {
				if c == i || c > i && x.hb(i, x.clock(c)) {
					return o.snaps[i].world.Footprint(q, op, nil)
				}
				break
			}
		}
	}
	return append([]machine.Access(nil), fp...)
}

// fails reports whether op, run on a location holding old, only reads
// it (machine.Effect.ReadOnly).
func fails(op *machine.Op, old machine.Value) bool {
	switch op.Kind {
	case machine.OpTrylock:
		return old != machine.Value{}
	case machine.OpDownReadTrylock:
		return old.Int < 0
	case machine.OpDownWriteTrylock:
		return old.Int != 0
	case machine.OpCmpxchg:
		return old != op.Arg
	case machine.OpAddUnless:
		return old == op.Arg2
	}
	return false
}

// reverse handles the race of event i with event n of thread q: it builds
// v = notdep(i).n and inserts it into the wakeup tree of the node before
// i, unless a thread asleep there is a weak initial of v.
func (o *odpor) reverse(i, n int32, q int, op *machine.Op, fp []machine.Access, pc []uint32) {
	x := o.x
	seq := o.seq[:0]
	for k := i + 1; k < n; k++ {
		if !x.hb(i, x.clock(k)) {
			ev := &x.events[k]
			seq = append(seq, velem{idx: k, t: int8(ev.Thread), fp: x.accs[ev.acc[0]:ev.acc[1]]})
		}
	}
	pfp := o.predict(i, n, q, op, fp)
	// The reversed event's clock: q's previous clock, joined with the
	// events of v it depends on and the section exits it waits for.
	o.predClock = append(o.predClock[:0], pc...)
	for _, s := range seq {
		if dependent(s.fp, pfp) {
			join(o.predClock, x.clock(s.idx))
		}
	}
	for _, j := range o.exits {
		if j > i && !x.hb(i, x.clock(j)) {
			join(o.predClock, x.clock(j))
		}
	}
	seq = append(seq, velem{idx: -1, t: int8(q), fp: pfp})
	o.seq = seq
	nd := &o.stack[i]
	for _, list := range [2][]sleeper{nd.sleep, nd.done} {
		for _, s := range list {
			if _, ok := o.weakInitial(s.t, s.fp, seq); ok {
				return
			}
		}
	}
	o.insert(&nd.wut, seq)
}

// hbV reports whether element a of the sequence happens before element b.
func (o *odpor) hbV(seq []velem, a, b int) bool {
	if seq[b].idx < 0 {
		return o.x.hb(seq[a].idx, o.predClock)
	}
	return o.x.hb(seq[a].idx, o.x.clock(seq[b].idx))
}

// weakInitial reports whether thread t, whose next event has footprint
// fp, is a weak initial of the remaining events of seq: its first event
// there has no predecessor there, or it has none there and is
// independent of all of them. idx is the position of that first event,
// or -1.
func (o *odpor) weakInitial(t int8, fp []machine.Access, seq []velem) (idx int, ok bool) {
	for m := range seq {
		if seq[m].removed || seq[m].t != t {
			continue
		}
		for a := 0; a < m; a++ {
			if !seq[a].removed && o.hbV(seq, a, m) {
				return -1, false
			}
		}
		return m, true
	}
	for a := range seq {
		if !seq[a].removed && dependent(fp, seq[a].fp) {
			return -1, false
		}
	}
	return -1, true
}

// insert adds seq to a wakeup tree whose root has the pending branches
// kids, unless a leaf w with w ⊑ seq is already there: it follows, at
// each level, the first branch whose event is a weak initial of what
// remains of seq, and appends what remains as a new last branch where
// none is.
func (o *odpor) insert(kids *[]*wnode, seq []velem) {
	for {
		var next *wnode
		for _, c := range *kids {
			m, ok := o.weakInitial(c.t, c.fp, seq)
			if !ok {
				continue
			}
			if m >= 0 {
				seq[m].removed = true
			}
			next = c
			break
		}
		if next == nil {
			break
		}
		if len(next.kids) == 0 {
			return // a leaf w ⊑ seq
		}
		kids = &next.kids
	}
	var head, tail *wnode
	for _, s := range seq {
		if s.removed {
			continue
		}
		w := &wnode{t: s.t, fp: append([]machine.Access(nil), s.fp...)}
		if head == nil {
			head = w
		} else {
			tail.kids = []*wnode{w}
		}
		tail = w
	}
	if head != nil {
		*kids = append(*kids, head)
	}
}

// subset reports whether every access of a is in b.
func subset(a, b []machine.Access) bool {
	if len(a) == len(b) {
		same := true
		for i := range a {
			if a[i] != b[i] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// progress describes the search path to the progress estimate
// (progressFraction) in dpor's terms: explored, pending and asleep
// threads per node.
func (o *odpor) progress() {
	o.est = o.est[:0]
	for i := range o.stack {
		nd := &o.stack[i]
		var pending uint64
		for _, c := range nd.wut {
			pending |= 1 << uint(c.t)
		}
		o.est = append(o.est, node{chosen: nd.chosen, done: nd.doneM, backtrack: pending | 1<<uint(nd.chosen), sleep: nd.sleepM})
	}
	o.e.stack = &o.est
}
