package explore

import "github.com/ptlab/ptlab/core/machine"

// record appends an executed event with its footprint fp and computes its
// vector clock: the thread's clock joined with the clock of every earlier
// event that orders it (machine.Orders).
//
// The end of a grace period is ordered after exactly the read-side exits
// it waited for (waits), not after later sections of the same readers.
func (x *executor) record(p int, op *machine.Op, eff machine.Effect, fp []machine.Access, waits []machine.WaitRef) {
	n := x.n
	idx := int32(len(x.events))
	start := int32(len(x.accs))
	for _, a := range fp {
		if eff.ReadOnly {
			a.Mode = machine.Read
		}
		x.accs = append(x.accs, a)
	}
	tc := x.tclock[p*n : p*n+n]
	ev := Event{Thread: p, Op: *op, Ret: eff.Ret, Failed: eff.ReadOnly, Waits: waits, acc: [2]int32{start, int32(len(x.accs))}, index: int32(tc[p])}
	x.events = append(x.events, ev)
	base := len(x.clocks)
	x.clocks = append(x.clocks, tc...)
	c := x.clocks[base : base+n]
	c[p]++
	x.joinOrdered(c, x.accs[start:])
	for _, a := range x.accs[start:] {
		if len(x.locAcc[a.Loc]) == 0 {
			x.locUsed = append(x.locUsed, a.Loc)
		}
		x.locAcc[a.Loc] = append(x.locAcc[a.Loc], idx)
	}
	for _, w := range waits {
		if j := x.exitOf(w, idx); j >= 0 {
			join(c, x.clock(j))
		}
	}
	copy(tc, c)
}

// exitOf finds the event (before limit) that ended the read-side or
// IRQ-disabled section w names, or -1. Outermost exits are found by
// counting nesting, so it works whether or not footprints were recorded.
func (x *executor) exitOf(w machine.WaitRef, limit int32) int32 {
	enter, exit := machine.OpRCULock, machine.OpRCUUnlock
	if w.IRQ {
		enter, exit = machine.OpIRQOff, machine.OpIRQOn
	}
	depth, seen := 0, int32(0)
	for j := int32(0); j < limit; j++ {
		ev := &x.events[j]
		if w.SRCU {
			if ev.Op.Kind == machine.OpSRCUUnlock && ev.Op.Addr.IsPtr() && ev.Op.Addr.Object() == w.Dom && ev.Op.Arg == machine.Int(w.Token) {
				return j
			}
			continue
		}
		if ev.Thread != w.Thread {
			continue
		}
		switch ev.Op.Kind {
		case enter:
			depth++
		case exit:
			if depth == 0 {
				continue // unbalanced: reported elsewhere
			}
			depth--
			if depth == 0 {
				if seen == w.Done {
					return j
				}
				seen++
			}
		}
	}
	return -1
}

// joinOrdered joins into c the clock of every recorded event that orders
// an access in acc (machine.Orders).
func (x *executor) joinOrdered(c []uint32, acc []machine.Access) {
	for _, a := range acc {
		for _, j := range x.locAcc[a.Loc] {
			if machine.Orders(x.modeOf(j, a.Loc), a.Mode) {
				join(c, x.clock(j))
			}
		}
	}
}

func join(dst, src []uint32) {
	for i, v := range src {
		if v > dst[i] {
			dst[i] = v
		}
	}
}

func (x *executor) clock(j int32) []uint32 {
	return x.clocks[int(j)*x.n : int(j)*x.n+x.n]
}

// modeOf returns how event j accessed loc.
func (x *executor) modeOf(j int32, loc int32) machine.AccessMode {
	ev := &x.events[j]
	for _, a := range x.accs[ev.acc[0]:ev.acc[1]] {
		if a.Loc == loc {
			return a.Mode
		}
	}
	return machine.Read
}

// hb reports whether event j happens before a point whose clock is c.
func (x *executor) hb(j int32, c []uint32) bool {
	ev := &x.events[j]
	return c[ev.Thread] > uint32(ev.index)
}

// races returns the earlier events in a reversible race with an access
// set acc by thread p whose clock before the access is pc: they conflict
// (machine.Conflict) and are not already ordered before p. Unlike the
// textbook algorithm this keeps races that are not immediate (ordered
// before p only through another racing event): with blocking lock
// acquisitions the intermediate race may be impossible to reverse (the
// lock is held across it), and the earlier race is the one to reverse.
// The cost is a few redundant executions (0.4% on the corpus).
func (x *executor) races(p int, acc []machine.Access, pc []uint32, limit int32, out []int32) []int32 {
	out = out[:0]
	for _, a := range acc {
		for _, j := range x.locAcc[a.Loc] {
			if j >= limit {
				break
			}
			ev := &x.events[j]
			if ev.Thread == p || x.hb(j, pc) || !machine.Conflict(x.modeOf(j, a.Loc), a.Mode) {
				continue
			}
			dup := false
			for _, k := range out {
				dup = dup || k == j
			}
			if !dup {
				out = append(out, j)
			}
		}
	}
	return out
}
