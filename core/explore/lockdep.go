package explore

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
)

// This file is the lock-order checker, after the kernel's lockdep
// (Documentation/locking/lockdep-design.rst): every time a thread takes
// lock B while holding lock A, the dependency A -> B is recorded. The
// dependencies are accumulated across all explored executions, so a
// cycle is reported even when no explored execution deadlocks. A class
// is a lock plus the subclass given to spin_lock_nested(); a trylock
// adds no dependency towards the lock it takes (it cannot wait), but
// locks taken while holding it depend on it.

// lockClass identifies a lock class for the checker, as lockdep's
// classes do: every split page-table lock (PTE and PMD tables alike, all
// initialised by ptlock_init()) is one class, "ptlock"; any other lock
// is a class of its own. sub is spin_lock_nested()'s subclass.
type lockClass struct {
	id  int32 // the lock's location, or ptlockClass
	sub int64
}

// ptlockClass is the class id of the split page-table locks.
const ptlockClass = -1

type heldLock struct {
	class lockClass
	loc   int32 // the lock instance
	pos   source.Pos
	spin  bool // a spinlock (holding one makes the thread atomic)
}

// classOf returns the lock class of the lock at loc.
func (x *executor) classOf(addr machine.Value, loc int32, sub int64) lockClass {
	if addr.Int == 0 {
		if k := x.prog.Layout.Objects[addr.Object()].Kind; k == machine.KindPTETable || k == machine.KindPMDTable {
			return lockClass{id: ptlockClass, sub: sub}
		}
	}
	return lockClass{id: loc, sub: sub}
}

// lockEdge is one dependency with the acquisition that showed it.
type lockEdge struct {
	from, to       lockClass
	thread         int
	fromPos, toPos source.Pos
	ev             int // index of the event that created it
}

// trackLocks updates thread p's held locks after event ev and records
// the dependencies it creates (and, if record, same-class findings).
func (x *executor) trackLocks(p int, op *machine.Op, ret machine.Value, ev int, record bool) {
	switch op.Kind {
	case machine.OpLock, machine.OpTrylock, machine.OpDownRead, machine.OpDownWrite,
		machine.OpDownReadTrylock, machine.OpDownWriteTrylock:
	case machine.OpUnlock, machine.OpUpRead, machine.OpUpWrite:
		if loc, ok := x.prog.Layout.Cell(op.Addr); ok {
			h := x.held[p]
			for i := len(h) - 1; i >= 0; i-- {
				if h[i].loc == loc {
					x.held[p] = append(h[:i], h[i+1:]...)
					break
				}
			}
		}
		return
	default:
		return
	}
	loc, ok := x.prog.Layout.Cell(op.Addr)
	trylock := op.Kind == machine.OpTrylock || op.Kind == machine.OpDownReadTrylock || op.Kind == machine.OpDownWriteTrylock
	if !ok || trylock && ret != machine.Int(1) {
		return
	}
	var sub int64
	if op.Kind == machine.OpLock {
		sub = op.Arg.Int // spin_lock_nested's subclass
	}
	c := x.classOf(op.Addr, loc, sub)
	if !trylock {
		for _, h := range x.held[p] {
			switch {
			case h.class != c:
				x.edges = append(x.edges, lockEdge{from: h.class, to: c, thread: p, fromPos: h.pos, toPos: op.Pos, ev: ev})
			case h.loc != loc && record:
				x.sameClass(p, h, loc, op)
			}
		}
	}
	spin := op.Kind == machine.OpLock || op.Kind == machine.OpTrylock
	x.held[p] = append(x.held[p], heldLock{class: c, loc: loc, pos: op.Pos, spin: spin})
}

// sameClass reports taking a second lock of a class (same subclass)
// while holding one, as lockdep does: it cannot tell the two apart, so
// nesting them needs spin_lock_nested().
func (x *executor) sameClass(p int, h heldLock, loc int32, op *machine.Op) {
	l := x.prog.Layout
	held, taking := l.LocName(h.loc), l.LocName(loc)
	cls := className(l, h.class)
	x.addFinding(Finding{Kind: "recursive-locking", Thread: p, Pos: op.Pos,
		Msg: fmt.Sprintf("possible recursive locking: P%d takes %s at %s while holding %s (taken at %s), both of lock class %s", p, taking, op.Pos, held, h.pos, cls),
		Report: fmt.Sprintf("WARNING: possible recursive locking detected\nP%d is trying to acquire lock:\n  %s (class %s) at %s\nbut task is already holding lock:\n  %s (class %s) at %s\n\n Possible unsafe locking scenario:\n\n       CPU0\n       ----\n  lock(%s);\n  lock(%s);\n\n *** DEADLOCK ***\n\n May be due to missing lock nesting notation",
			p, taking, cls, op.Pos, held, cls, h.pos, cls, cls)})
}

// rebuildLocks recomputes held locks and dependencies from the first d
// events (after a restore).
func (x *executor) rebuildLocks(d int) {
	for i := range x.held {
		x.held[i] = x.held[i][:0]
	}
	n := 0
	for _, e := range x.edges {
		if e.ev < d {
			x.edges[n] = e
			n++
		}
	}
	x.edges = x.edges[:n]
	for i := 0; i < d && i < len(x.events); i++ {
		ev := &x.events[i]
		if ev.Thread < len(x.held) {
			saved := len(x.edges)
			x.trackLocks(ev.Thread, &ev.Op, ev.Ret, i, false)
			x.edges = x.edges[:saved] // already kept above
		}
	}
}

// lockGraph accumulates dependencies across executions.
type lockGraph struct {
	edges  []lockEdge
	tokens []string              // per edge: the execution that first showed it
	seen   map[[2]lockClass]bool // lookup only
}

// add records the dependencies of one execution and returns a finding
// for each new cycle they close.
func (g *lockGraph) add(l *machine.Layout, edges []lockEdge, token func() string) []Finding {
	var out []Finding
	for _, e := range edges {
		key := [2]lockClass{e.from, e.to}
		if g.seen[key] {
			continue
		}
		if g.seen == nil {
			g.seen = map[[2]lockClass]bool{}
		}
		g.seen[key] = true
		if path := g.path(e.to, e.from); path != nil {
			out = append(out, cycleFinding(l, append(path, e)))
		}
		g.edges = append(g.edges, e)
		g.tokens = append(g.tokens, token())
	}
	return out
}

// path finds a chain of recorded dependencies from a to b (breadth
// first, in recording order, so the answer is deterministic).
func (g *lockGraph) path(a, b lockClass) []lockEdge {
	type step struct {
		at   lockClass
		prev int // index into steps
		edge int // index into g.edges
	}
	steps := []step{{at: a, prev: -1, edge: -1}}
	visited := map[lockClass]bool{a: true}
	for i := 0; i < len(steps); i++ {
		for j, e := range g.edges {
			if e.from != steps[i].at || visited[e.to] {
				continue
			}
			visited[e.to] = true
			steps = append(steps, step{at: e.to, prev: i, edge: j})
			if e.to == b {
				var chain []lockEdge
				for k := len(steps) - 1; steps[k].edge >= 0; k = steps[k].prev {
					chain = append([]lockEdge{g.edges[steps[k].edge]}, chain...)
				}
				return chain
			}
		}
	}
	return nil
}

func className(l *machine.Layout, c lockClass) string {
	s := "ptlock"
	if c.id != ptlockClass {
		s = l.LocName(c.id)
	}
	if c.sub != 0 {
		s += fmt.Sprintf("/%d", c.sub)
	}
	return s
}

// cycleFinding reports a cycle of dependencies the way lockdep does.
func cycleFinding(l *machine.Layout, cycle []lockEdge) Finding {
	last := cycle[len(cycle)-1]
	var parts []string
	for _, e := range cycle {
		parts = append(parts, fmt.Sprintf("%s -> %s (P%d at %s, %s)", className(l, e.from), className(l, e.to), e.thread, e.fromPos, e.toPos))
	}
	sort.Strings(parts) // the message must not depend on which edge came last
	var b strings.Builder
	fmt.Fprintf(&b, "WARNING: possible circular locking dependency detected\n")
	fmt.Fprintf(&b, "P%d is trying to acquire lock:\n  %s at %s\n", last.thread, className(l, last.to), last.toPos)
	fmt.Fprintf(&b, "but task is already holding lock:\n  %s at %s\n", className(l, last.from), last.fromPos)
	b.WriteString("which lock already depends on the new lock.\n\nthe existing dependency chain (in reverse order) is:\n")
	for i := len(cycle) - 1; i >= 0; i-- {
		e := cycle[i]
		fmt.Fprintf(&b, "-> #%d (%s): taken at %s by P%d while holding %s (taken at %s)\n", len(cycle)-1-i, className(l, e.to), e.toPos, e.thread, className(l, e.from), e.fromPos)
	}
	if len(cycle) == 2 {
		a, c := cycle[0], cycle[1]
		b.WriteString("\n Possible unsafe locking scenario:\n\n")
		fmt.Fprintf(&b, "       %-24s%s\n", "CPU0", "CPU1")
		fmt.Fprintf(&b, "       %-24s%s\n", "----", "----")
		fmt.Fprintf(&b, "  %s\n", "lock("+className(l, a.from)+");")
		fmt.Fprintf(&b, "  %-29s%s\n", "", "lock("+className(l, c.from)+");")
		fmt.Fprintf(&b, "  %-29s%s\n", "", "lock("+className(l, c.to)+");")
		fmt.Fprintf(&b, "  %s\n", "lock("+className(l, a.to)+");")
		b.WriteString("\n *** DEADLOCK ***")
	}
	return Finding{Kind: "lock-order", Thread: last.thread, Pos: last.toPos,
		Msg:    "possible circular locking dependency: " + strings.Join(parts, "; "),
		Report: strings.TrimRight(b.String(), "\n")}
}
