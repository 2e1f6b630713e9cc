package explore

import (
	"math/bits"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/vm"
)

// node is one scheduling point of the depth-first search: the state
// after the first d steps of the current execution. Thread sets are bit
// masks (at most 64 threads).
type node struct {
	enabled   uint64 // threads that could step here
	sleep     uint64 // threads whose step here was covered by a sibling
	done      uint64 // threads already explored from here
	backtrack uint64 // threads that must be explored from here
	given     uint64 // threads whose subtrees were handed to other tasks (ExploreParallel)
	chosen    int8   // the thread of the current execution's step
	prev      int8   // the thread of the previous step, -1 at the root
	pre       int32  // preemptions before this node
	fresh     bool   // the chosen step is new: its races are not processed yet
}

// dpor runs the depth-first search. With reduce, backtrack sets come
// from races (source-set DPOR with sleep sets); without, every enabled
// thread is explored at every node (naive exhaustive search).
func (e *explorer) dpor(reduce bool) {
	x := newExecutor(e.prog, e.opt.MaxSteps, reduce || e.opt.CountTraces)
	stack := x.stack[:0]
	e.stack = &stack
	snaps := x.snaps[:0] // snaps[d]: the state before step d of the current execution
	defer func() {
		e.stack = nil
		x.stack, x.snaps = stack, snaps
		x.release()
	}()
	var childSleep uint64
	var raceBuf []int32
	for e.budgetLeft() {
		if e.opt.donate != nil && e.res.Executions > 0 && e.res.Executions%donateEvery == 0 &&
			e.estimateTotal(stack)-float64(e.res.Executions) > donateOver {
			e.donate(stack)
		}
		d0 := 0
		if len(stack) == 0 {
			x.reset()
		} else {
			d0 = len(stack) - 1 // the node whose choice backtrack changed
			x.restore(snaps, d0)
			// The node now steps another thread: keep that thread's state.
			q := int(stack[d0].chosen)
			if q != x.rcu {
				snaps[d0].thread.CopyFrom(x.threads[q])
			}
			snaps[d0].tid = q
		}
		for d := d0; x.end == EndRunning; d++ {
			if d == len(stack) {
				nd, ok := e.newNode(x, stack, d, childSleep, reduce)
				if !ok {
					break
				}
				stack = append(stack, nd)
				if d == len(snaps) {
					if d < cap(snaps) {
						snaps = snaps[:d+1] // keep the old snapshot's storage
					} else {
						snaps = append(snaps, snapshot{})
					}
				}
				x.save(&snaps[d], int(nd.chosen))
			}
			nd := &stack[d]
			p := int(nd.chosen)
			if !nd.fresh || !reduce {
				x.step(p)
				continue
			}
			childSleep = e.childSleep(x, nd, p)
			x.fpScratch = x.world.Footprint(p, x.pending(p), x.fpScratch[:0])
			raceBuf = x.races(p, x.fpScratch, x.tclock[p*x.n:p*x.n+x.n], int32(len(x.events)), raceBuf)
			races := raceBuf
			x.step(p)
			nd.fresh = false
			n := int32(len(x.events)) - 1
			for _, j := range races {
				e.reverse(x, stack, j, p, x.clock(n), n)
			}
		}
		if reduce && x.hasBlocked() {
			e.blockedRaces(x, stack)
		}
		for i := range stack {
			stack[i].fresh = false
		}
		e.observe(x)
		if !e.backtrack(&stack) {
			e.res.Exhaustive = e.stop == ""
			return
		}
	}
}

// newNode creates the node at depth d of the current execution and picks
// its first thread. It reports false (after ending the execution) if no
// thread may step.
func (e *explorer) newNode(x *executor, stack []node, d int, sleep uint64, reduce bool) (node, bool) {
	en := x.enabled()
	nd := node{enabled: en, prev: -1, fresh: true}
	if !reduce || e.opt.MaxPreemptions >= 0 {
		// Under a preemption bound a sleeping thread's equivalent
		// execution may need more preemptions than the bound allows, so
		// sleep sets would lose executions within the bound.
		sleep = 0
	}
	if d > 0 {
		parent := &stack[d-1]
		nd.prev = parent.chosen
		nd.pre = parent.pre
		if parent.prev >= 0 && parent.chosen != parent.prev && parent.enabled&(1<<uint(parent.prev)) != 0 {
			nd.pre++
		}
	}
	if d < len(e.opt.Prefix) {
		p := e.opt.Prefix[d]
		if p < 0 || p >= 64 || en&(1<<uint(p)) == 0 {
			x.end = EndPruned
			e.stop = "the given prefix is not a valid schedule"
			return nd, false
		}
		nd.chosen, nd.backtrack = int8(p), 1<<uint(p)
		if e.opt.prefixDone != nil && reduce {
			// A parallel task: the siblings of each prefix step explored
			// "before" it are other tasks, so they seed the sleep sets as
			// explored siblings do.
			if sleep&(1<<uint(p)) != 0 {
				x.end = EndSleepBlocked // every trace of this task is another task's
				return nd, false
			}
			nd.sleep = sleep
			nd.done = e.opt.prefixDone[d]
		}
		return nd, true
	}
	nd.sleep = sleep
	cand := e.allowed(&nd, en&^sleep)
	if cand == 0 {
		switch {
		case en&^sleep == 0:
			x.end = EndSleepBlocked
		default:
			x.end = EndPruned
			e.pruned = true
		}
		return nd, false
	}
	nd.chosen = int8(pick(cand, nd.prev))
	nd.backtrack = 1 << uint(nd.chosen)
	if !reduce {
		nd.backtrack = en
	}
	return nd, true
}

// allowed removes from cand the threads whose choice would exceed the
// preemption bound.
func (e *explorer) allowed(nd *node, cand uint64) uint64 {
	if e.opt.MaxPreemptions < 0 || nd.prev < 0 || nd.enabled&(1<<uint(nd.prev)) == 0 {
		return cand
	}
	if int(nd.pre) < e.opt.MaxPreemptions {
		return cand
	}
	allowed := cand & (1 << uint(nd.prev))
	if allowed != cand {
		e.pruned = true
	}
	return allowed
}

// pick prefers the thread that ran last (no preemption), else the lowest.
func pick(cand uint64, prev int8) int {
	if prev >= 0 && cand&(1<<uint(prev)) != 0 {
		return int(prev)
	}
	return bits.TrailingZeros64(cand)
}

// childSleep computes the sleep set of the node reached by stepping p:
// the threads asleep or already explored here whose next operation is
// independent of p's.
func (e *explorer) childSleep(x *executor, nd *node, p int) uint64 {
	cand := (nd.sleep | nd.done) &^ (1 << uint(p))
	if cand == 0 {
		return 0
	}
	fp := x.world.Footprint(p, x.pending(p), x.fpScratch[:0])
	x.fpScratch = fp
	var out uint64
	for m := cand; m != 0; m &= m - 1 {
		q := bits.TrailingZeros64(m)
		op := x.pending(q)
		if op == nil {
			continue
		}
		x.fpScratch2 = x.world.Footprint(q, op, x.fpScratch2[:0])
		if !dependent(fp, x.fpScratch2) {
			out |= 1 << uint(q)
		}
	}
	return out
}

func dependent(a, b []machine.Access) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Loc == y.Loc && machine.Dependent(x.Mode, y.Mode) {
				return true
			}
		}
	}
	return false
}

// reverse handles a race between event j and a later step of thread p
// whose clock is pc (event index last, or len(events) for a step that
// could not run): it makes sure the node before j explores one of the
// initials of notdep(j).p, the shortest way to run p's step first.
func (e *explorer) reverse(x *executor, stack []node, j int32, p int, pc []uint32, last int32) {
	i := int(j)
	if i < len(e.opt.Prefix) {
		return
	}
	var seen, initials uint64
	v := x.notdep[:0] // the events of notdep(j) so far
	consider := func(u int32, th int, uc []uint32) {
		if seen&(1<<uint(th)) != 0 {
			return
		}
		seen |= 1 << uint(th)
		for _, w := range v {
			if x.hb(w, uc) {
				return
			}
		}
		initials |= 1 << uint(th)
	}
	for k := j + 1; k < last; k++ {
		if x.hb(j, x.clock(k)) {
			continue
		}
		consider(k, x.events[k].Thread, x.clock(k))
		v = append(v, k)
	}
	consider(last, p, pc)
	x.notdep = v // keep the storage
	if e.opt.MaxPreemptions < 0 {
		addBacktrack(&stack[i], initials)
		return
	}
	// Under a bound, another initial of notdep(j).p is not enough: the
	// execution it leads to may need preemptions the bound forbids to
	// reach the reversal. Schedule p itself, as classic DPOR does.
	if stack[i].enabled&(1<<uint(p)) != 0 {
		initials = 1 << uint(p)
	}
	addBacktrack(&stack[i], initials)
	// Bounded partial-order reduction (Coons, Musuvathi and McKinley,
	// OOPSLA 2013): reversing the race at i may cost a preemption the
	// bound does not allow; scheduling the thread at the last context
	// switch at or before i (the start of the block of steps containing
	// event i) may not. Adding it there too keeps the search complete
	// within the bound.
	b := i
	for b > len(e.opt.Prefix) && x.events[b-1].Thread == x.events[b].Thread {
		b--
	}
	if b != i && b >= len(e.opt.Prefix) {
		addBacktrack(&stack[b], 1<<uint(p))
	}
}

// addBacktrack makes node nd explore one of initials (if none is already
// to be explored): preferably one awake, else any enabled one, else every
// enabled thread's first.
func addBacktrack(nd *node, initials uint64) {
	if initials&nd.backtrack != 0 {
		return
	}
	cand := initials & nd.enabled &^ nd.sleep
	if cand == 0 {
		cand = initials & nd.enabled
	}
	if cand == 0 {
		cand = nd.enabled
	}
	nd.backtrack |= 1 << uint(bits.TrailingZeros64(cand))
}

// blockedRaces treats each blocked thread's pending operation as a step
// at the end of a deadlocked execution: if it races with an earlier
// step (a lock taken by another thread that never released it), the
// order is reversed, so schedules in which the blocked thread wins are
// explored too.
func (e *explorer) blockedRaces(x *executor, stack []node) {
	for p, t := range x.threads {
		if t.Status != vm.Ready {
			continue
		}
		b := &x.blocked
		b.fp = x.world.Footprint(p, &t.Pending, b.fp[:0])
		tc := x.tclock[p*x.n : p*x.n+x.n]
		b.races = x.races(p, b.fp, tc, int32(len(x.events)), b.races)
		if len(b.races) == 0 {
			continue
		}
		b.vc = append(b.vc[:0], tc...)
		b.vc[p]++
		x.joinOrdered(b.vc, b.fp)
		for _, j := range b.races {
			e.reverse(x, stack, j, p, b.vc, int32(len(x.events)))
		}
	}
}

// backtrack moves the search to the next unexplored choice, popping
// exhausted nodes. It reports false when the search is complete.
func (e *explorer) backtrack(stack *[]node) bool {
	s := *stack
	for len(s) > 0 {
		d := len(s) - 1
		nd := &s[d]
		nd.done |= 1 << uint(nd.chosen)
		if d >= len(e.opt.Prefix) {
			if cand := e.allowed(nd, nd.backtrack&^nd.done&^nd.sleep&^nd.given); cand != 0 {
				nd.chosen = int8(bits.TrailingZeros64(cand))
				nd.fresh = true
				*stack = s
				return true
			}
		}
		s = s[:d]
	}
	*stack = s
	return false
}

// donate hands part of the remaining search to other tasks
// (ExploreParallel): at the shallowest node below the prefix where
// threads other than the chosen one are still to be explored, each such
// thread (every enabled one not asleep or done, not just the backtrack
// set) becomes a task of its own, whose prefix is the path to the node
// and that thread. Its sleep sets are seeded as this search would have
// had them had it explored the thread right after the chosen one and
// the threads given before it. A race found in a given subtree cannot
// add to this search's backtrack sets, and need not: at the node and
// every node above it, each thread not asleep has been or is being
// explored, or is given. Nothing explored is lost or repeated.
func (e *explorer) donate(stack []node) {
	for i := len(e.opt.Prefix); i < len(stack); i++ {
		nd := &stack[i]
		m := e.allowed(nd, nd.enabled&^nd.sleep&^nd.done&^nd.given&^(1<<uint(nd.chosen)))
		if m == 0 {
			continue
		}
		prefix := make([]int, i+1)
		done := make([]uint64, i+1)
		for j := 0; j < i; j++ {
			prefix[j], done[j] = int(stack[j].chosen), stack[j].done
		}
		before := nd.done | 1<<uint(nd.chosen)
		for r := m; r != 0; r &= r - 1 {
			t := bits.TrailingZeros64(r)
			prefix[i], done[i] = t, before
			e.opt.donate(append([]int(nil), prefix...), append([]uint64(nil), done...))
			before |= 1 << uint(t)
		}
		nd.given |= m
		return
	}
}
