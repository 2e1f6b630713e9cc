package explore

import (
	"fmt"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/scratch"
	"github.com/ptlab/ptlab/core/source"
)

// This file is the data-race detector, after KCSAN
// (Documentation/dev-tools/kcsan.rst): two accesses to one location by
// different threads race when at least one writes, at least one is plain
// (not READ_ONCE/WRITE_ONCE, acquire/release or atomic), and nothing
// orders them. Ordering is happens-before built from program order, lock
// release to the next acquisition, a marked write to a later marked
// access of the location, and a read-side section's or IRQ-disabled
// section's end to the end of the grace period or IPI round that waited
// for it. It runs over an execution's events once the execution ends, so
// it needs no state of its own between steps. The kernel's KCSAN samples;
// this one checks every pair. (LKMM's data-race definition also orders
// through fences; under SC exploration those orderings are implied.)

type raceAccess struct {
	thread int
	epoch  uint32 // the thread's clock component at the access
	write  bool
	plain  bool
	pos    source.Pos
	name   string
}

// raceScratch is the detector's storage, reused across executions and,
// through the executor pool, across searches (reset).
type raceScratch struct {
	clocks  []uint32       // per event: n entries, its thread's clock after it
	cur     []uint32       // per thread: n entries
	slot    []int32        // per location: 1 + its index in the tables below, or 0
	lock    [][]uint32     // per used location: clock of the last release
	marked  [][]uint32     // per used location: join of marked writes
	acc     [][]raceAccess // per used location: accesses so far
	touched []int32        // slots to clear before the next run
	gpStart []int          // dataRaces' scratch
}

// slotOf returns the compact index of location loc in the detector's
// tables (most of a world's cells, the entries of its PTE tables, are
// never touched, so the tables only grow for the ones that are).
func (r *raceScratch) slotOf(loc int32) int32 {
	if s := r.slot[loc]; s > 0 {
		return s - 1
	}
	if n := len(r.lock); n < cap(r.lock) && n < cap(r.marked) && n < cap(r.acc) {
		// Reuse the storage a previous search left there (reset).
		r.lock, r.marked, r.acc = r.lock[:n+1], r.marked[:n+1], r.acc[:n+1]
		r.lock[n], r.marked[n], r.acc[n] = r.lock[n][:0], r.marked[n][:0], r.acc[n][:0]
	} else {
		r.lock, r.marked, r.acc = append(r.lock, nil), append(r.marked, nil), append(r.acc, nil)
	}
	r.slot[loc] = int32(len(r.lock))
	return int32(len(r.lock) - 1)
}

// reset empties the detector for a search of a program with nloc
// locations, keeping its storage.
func (r *raceScratch) reset(nloc int) {
	r.slot = scratch.Zeroed(r.slot, nloc)
	r.lock, r.marked, r.acc = r.lock[:0], r.marked[:0], r.acc[:0]
	r.touched = r.touched[:0]
}

// dataRaces scans the execution for data races.
func (x *executor) dataRaces() {
	n, l := x.n, x.prog.Layout
	r := &x.race
	for _, s := range r.touched {
		r.lock[s], r.marked[s], r.acc[s] = r.lock[s][:0], r.marked[s][:0], r.acc[s][:0]
	}
	r.touched = r.touched[:0]
	r.cur = scratch.Zeroed(r.cur, n*n)
	r.clocks = scratch.Zeroed(r.clocks, n*len(x.events))
	clock := func(j int) []uint32 { return r.clocks[j*n : j*n+n] }
	touch := func(s int32) {
		if len(r.lock[s]) == 0 && len(r.marked[s]) == 0 && len(r.acc[s]) == 0 {
			r.touched = append(r.touched, s)
		}
	}
	joinInto := func(dst *[]uint32, c []uint32, s int32) {
		touch(s)
		if len(*dst) == 0 {
			*dst = append(*dst, make([]uint32, n)...)
		}
		join(*dst, c)
	}
	gpStart := scratch.Zeroed(r.gpStart, n) // per thread: its last grace-period or IPI start
	var queued []int                        // kvfree_rcu() events whose callback has not run
	for i := range x.events {
		ev := &x.events[i]
		t, op := ev.Thread, &ev.Op
		c := r.cur[t*n : t*n+n]
		c[t]++
		loc, ok := l.Cell(op.Addr)
		switch op.Kind {
		case machine.OpLock, machine.OpDownRead, machine.OpDownWrite:
			if ok {
				join(c, r.lock[r.slotOf(loc)])
			}
		case machine.OpTrylock, machine.OpDownReadTrylock, machine.OpDownWriteTrylock:
			if ok && !ev.Failed {
				join(c, r.lock[r.slotOf(loc)])
			}
		case machine.OpUnlock, machine.OpUpRead, machine.OpUpWrite, machine.OpDowngrade:
			if ok {
				s := r.slotOf(loc)
				joinInto(&r.lock[s], c, s)
			}
		case machine.OpGPStart, machine.OpIPIStart, machine.OpSRCUGPStart:
			gpStart[t] = i
		case machine.OpFreeRCU:
			queued = append(queued, i)
		case machine.OpGPEnd, machine.OpIPIEnd, machine.OpSRCUGPEnd, machine.OpRCUCallback:
			// The grace period ends after the sections it waited for,
			// and after every section that had already ended when it
			// started (kernel.md §2.5; explanation.txt "RCU RELATIONS").
			for _, w := range ev.Waits {
				if j := x.exitOf(w, int32(i)); j >= 0 {
					join(c, clock(int(j)))
				}
			}
			start, exit := gpStart[t], machine.OpRCUUnlock
			switch op.Kind {
			case machine.OpIPIEnd:
				exit = machine.OpIRQOn
			case machine.OpSRCUGPEnd:
				exit = machine.OpSRCUUnlock
			case machine.OpRCUCallback:
				if len(queued) > 0 {
					start, queued = queued[0], queued[1:]
				}
			}
			for j := 0; j < start; j++ {
				if k := x.events[j].Op.Kind; k == exit || exit == machine.OpRCUUnlock && k == machine.OpIRQOn {
					join(c, clock(j))
				}
			}
		case machine.OpLoad, machine.OpStore, machine.OpRMW, machine.OpCmpxchg, machine.OpAddUnless:
			if !ok {
				break
			}
			plain := op.Mark == machine.MarkPlain
			write := op.Kind != machine.OpLoad && !ev.Failed
			s := r.slotOf(loc)
			if !plain {
				join(c, r.marked[s])
			}
			a := raceAccess{thread: t, epoch: c[t], write: write, plain: plain, pos: op.Pos, name: op.Name}
			for _, b := range r.acc[s] {
				if b.thread != t && (a.plain || b.plain) && (a.write || b.write) && b.epoch > c[b.thread] {
					x.raceFinding(l, loc, b, a)
				}
			}
			touch(s)
			r.acc[s] = append(r.acc[s], a)
			if !plain && write {
				joinInto(&r.marked[s], c, s)
			}
		}
		copy(clock(i), c)
	}
	r.gpStart = gpStart // keep the storage
}

// raceFinding reports a data race the way KCSAN does. The two sides are
// ordered by position, so the message does not depend on which ran first.
func (x *executor) raceFinding(l *machine.Layout, loc int32, a, b raceAccess) {
	if b.pos.Before(a.pos) {
		a, b = b, a
	}
	desc := func(r raceAccess) string {
		kind := "read"
		if r.write {
			kind = "write"
		}
		if r.plain {
			kind = "plain " + kind
		} else {
			kind = "marked " + kind + " (" + r.name + ")"
		}
		return fmt.Sprintf("%s by P%d at %s", kind, r.thread, r.pos)
	}
	name := l.LocName(loc)
	x.addFinding(Finding{Kind: "data-race", Thread: b.thread, Pos: b.pos,
		Msg: fmt.Sprintf("BUG: KCSAN: data-race on %s: %s vs %s", name, desc(a), desc(b)),
		Report: fmt.Sprintf("BUG: KCSAN: data-race in P%d / P%d\n\n%s to %s of 8 bytes by task P%d at %s\n\n%s to %s of 8 bytes by task P%d at %s",
			a.thread, b.thread, rw(a), name, a.thread, a.pos, rw(b), name, b.thread, b.pos)})
}

func rw(r raceAccess) string {
	if r.write {
		return "write"
	}
	return "read"
}
