package machine

import (
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/source"
)

// newTestWorld has objects x, l (a lock) and s (an SRCU domain) and n threads.
func newTestWorld(n int) *World {
	l := &Layout{NThreads: n}
	l.AddObject("x", 1)
	l.AddObject("l", 1)
	l.AddObject("s", 1)
	return NewWorld(l, make([]Value, l.NMem))
}

var (
	x = Ptr(0, 0)
	l = Ptr(1, 0)
	s = Ptr(2, 0)
)

func TestLockRules(t *testing.T) {
	w := newTestWorld(2)
	lock := &Op{Kind: OpLock, Addr: l, Name: "spin_lock"}
	if !w.Enabled(0, lock) {
		t.Fatal("free lock not enabled")
	}
	w.Apply(0, lock)
	if w.Enabled(1, lock) || w.Enabled(0, lock) {
		t.Error("held lock enabled for another thread or for its holder (lock.cat: lock-nest)")
	}
	if why := w.BlockedReason(0, lock); !strings.Contains(why, "recursive locking") {
		t.Errorf("self-deadlock reason %q", why)
	}
	if e := w.Apply(1, &Op{Kind: OpTrylock, Addr: l}); e.Ret != Int(0) || !e.ReadOnly {
		t.Errorf("trylock of a held lock: %+v", e)
	}
	if e := w.Apply(1, &Op{Kind: OpIsLocked, Addr: l}); e.Ret != Int(1) {
		t.Errorf("is_locked: %+v", e)
	}
	if e := w.Apply(1, &Op{Kind: OpUnlock, Addr: l, Name: "spin_unlock"}); e.Kind != "bad-unlock" {
		t.Errorf("unlock by a non-owner: %+v", e)
	}
	if !w.Enabled(1, lock) {
		t.Error("released lock not enabled")
	}
}

// SUMMARY.md §4.2-4.3: a grace period waits only for the readers active
// when it starts, and new readers do not delay it.
func TestGracePeriodTwoSteps(t *testing.T) {
	w := newTestWorld(3)
	rl, ru := &Op{Kind: OpRCULock}, &Op{Kind: OpRCUUnlock}
	start, end := &Op{Kind: OpGPStart}, &Op{Kind: OpGPEnd}
	w.Apply(1, rl)
	w.Apply(0, start)
	w.Apply(2, rl) // starts after the grace period: not waited for
	if w.Enabled(0, end) {
		t.Fatal("grace period ended while a pre-existing reader is active")
	}
	w.Apply(1, ru)
	if !w.Enabled(0, end) {
		t.Fatal("grace period still waits after its readers left (new reader P2 must not delay it)")
	}
	if waits := w.Waits(0, end); len(waits) != 1 || waits[0].Thread != 1 || waits[0].Done != 0 {
		t.Errorf("waits %+v", waits)
	}
	// Nested sections: only the outermost unlock ends the section.
	w2 := newTestWorld(2)
	w2.Apply(1, rl)
	w2.Apply(1, rl)
	w2.Apply(0, start)
	w2.Apply(1, ru)
	if w2.Enabled(0, end) {
		t.Error("inner rcu_read_unlock ended the section")
	}
	w2.Apply(1, ru)
	if !w2.Enabled(0, end) {
		t.Error("outermost rcu_read_unlock did not end the section")
	}
	// A grace period inside the caller's own read-side section never ends.
	w3 := newTestWorld(1)
	w3.Apply(0, rl)
	w3.Apply(0, start)
	if w3.Enabled(0, end) {
		t.Error("synchronize_rcu() inside rcu_read_lock() completed")
	}
}

func TestSRCUTokens(t *testing.T) {
	w := newTestWorld(2)
	a := w.Apply(1, &Op{Kind: OpSRCULock, Addr: s}).Ret
	b := w.Apply(1, &Op{Kind: OpSRCULock, Addr: s}).Ret
	if a != Int(2001) || b != Int(2002) {
		t.Errorf("tokens %v %v, want 2001 2002", a, b)
	}
	w.Apply(0, &Op{Kind: OpSRCUGPStart, Addr: s})
	end := &Op{Kind: OpSRCUGPEnd, Addr: s}
	// srcu_up_read from another thread ends the section (srcu_down_read).
	w.Apply(0, &Op{Kind: OpSRCUUnlock, Addr: s, Arg: a})
	if w.Enabled(0, end) {
		t.Error("ended while section b is active")
	}
	w.Apply(1, &Op{Kind: OpSRCUUnlock, Addr: s, Arg: b})
	if !w.Enabled(0, end) {
		t.Error("did not end after both sections")
	}
	if e := w.Apply(1, &Op{Kind: OpSRCUUnlock, Addr: s, Arg: b, Name: "srcu_read_unlock"}); e.Kind != "srcu-bad-unlock" {
		t.Errorf("double unlock: %+v", e)
	}
}

func TestFaults(t *testing.T) {
	w := newTestWorld(1)
	if e := w.Apply(0, &Op{Kind: OpLoad, Addr: Int(0), Name: "READ_ONCE"}); !strings.Contains(e.Fault, "NULL pointer") {
		t.Errorf("NULL load: %+v", e)
	}
	if e := w.Apply(0, &Op{Kind: OpStore, Addr: Ptr(0, 3), Name: "WRITE_ONCE"}); !strings.Contains(e.Fault, "out-of-bounds") {
		t.Errorf("out of bounds: %+v", e)
	}
}

func TestConflict(t *testing.T) {
	if Conflict(Read, Read) || !Conflict(Read, Write) || !Conflict(Acquire, Acquire) {
		t.Error("basic conflicts wrong")
	}
	if Conflict(Release, Acquire) || !Orders(Release, Acquire) {
		t.Error("release→acquire must order without being a race")
	}
	if !Dependent(Acquire, Release) {
		t.Error("acquire and release of one lock are dependent")
	}
	if !Conflict(ReleaseShared, ReadAcquire) || Conflict(Release, ReadAcquire) || Conflict(ReleaseShared, Acquire) {
		t.Error("up_read→down_read must be a race; up_write→down_read and up_read→down_write only synchronise")
	}
}

// An unlock is a release only by a thread that holds the lock; otherwise
// it is a plain write (a later acquisition could have come first).
func TestReleaseMode(t *testing.T) {
	w := newTestWorld(2)
	unlock := &Op{Kind: OpUnlock, Addr: x, Name: "spin_unlock"}
	if fp := w.Footprint(0, unlock, nil); fp[0].Mode != Write {
		t.Errorf("unlock of a free lock: %v, want a write", fp)
	}
	w.Apply(0, &Op{Kind: OpLock, Addr: x, Name: "spin_lock"})
	if fp := w.Footprint(0, unlock, nil); fp[0].Mode != Release {
		t.Errorf("unlock by the holder: %v, want a release", fp)
	}
	if fp := w.Footprint(1, unlock, nil); fp[0].Mode != Write {
		t.Errorf("unlock by another thread: %v, want a write", fp)
	}
}

// The explorer's snapshots: CopyStateFrom copies everything but memory,
// which UndoTo takes back to a mark. The copy shares no state with the
// world, and the pair restores it.
func TestSnapshotRestore(t *testing.T) {
	w := newTestWorld(2)
	w.Apply(0, &Op{Kind: OpStore, Addr: x, Arg: Int(5)})
	w.Apply(1, &Op{Kind: OpRCULock})
	var c World
	c.CopyStateFrom(w)
	mark := w.UndoMark()
	w.Apply(0, &Op{Kind: OpStore, Addr: x, Arg: Int(6)})
	w.Apply(1, &Op{Kind: OpRCUUnlock})
	if c.RCUDepth(1) != 1 {
		t.Errorf("copy shares state: depth %d", c.RCUDepth(1))
	}
	w.UndoTo(mark)
	w.CopyStateFrom(&c)
	if w.Mem[0] != Int(5) || w.RCUDepth(1) != 1 {
		t.Errorf("restored: mem %v depth %d, want 5 and 1", w.Mem[0], w.RCUDepth(1))
	}
}

// tlb_remove_table_sync_one() waits for IRQ-disabled sections only; a
// grace period waits for those and for RCU readers (kernel.md §2.4-2.5).
func TestIPIRoundAndIRQs(t *testing.T) {
	w := newTestWorld(3)
	w.Apply(1, &Op{Kind: OpIRQOff})
	w.Apply(2, &Op{Kind: OpRCULock})
	w.Apply(0, &Op{Kind: OpIPIStart})
	end := &Op{Kind: OpIPIEnd}
	if w.Enabled(0, end) {
		t.Fatal("IPI round ended while P1 has interrupts off")
	}
	w.Apply(1, &Op{Kind: OpIRQOn})
	if !w.Enabled(0, end) {
		t.Fatal("IPI round waits for an RCU reader (P2), which it must not")
	}
	w.Apply(0, end)
	// A grace period waits for IRQ-disabled sections too.
	w.Apply(1, &Op{Kind: OpIRQOff})
	w.Apply(0, &Op{Kind: OpGPStart})
	gpEnd := &Op{Kind: OpGPEnd}
	w.Apply(2, &Op{Kind: OpRCUUnlock})
	if w.Enabled(0, gpEnd) {
		t.Fatal("grace period ended while P1 has interrupts off")
	}
	w.Apply(1, &Op{Kind: OpIRQOn})
	if !w.Enabled(0, gpEnd) {
		t.Fatal("grace period still waiting")
	}
	if e := w.Apply(1, &Op{Kind: OpIRQOn}); e.Kind != "irq-unbalanced" {
		t.Errorf("unbalanced enable: %+v", e)
	}
}

// A PTE table goes attached -> detached -> free-pending -> freed.
func TestTableLifecycle(t *testing.T) {
	l := &Layout{NThreads: 2, Config: DefaultConfig}
	pmdt := l.AddKind("pmd_table", KindPMDTable, 1+PTRSPerPMD)
	pt := l.AddKind("pt0", KindPTETable, 1+PTRSPerPTE)
	mem := make([]Value, l.NMem)
	mem[l.Objects[pmdt].Base+1] = Ptr(pt, 0)
	w := NewWorld(l, mem)
	states := []string{w.TableState(pt)}
	w.Apply(0, &Op{Kind: OpStore, Addr: Ptr(pmdt, 1), Arg: Value{}})
	states = append(states, w.TableState(pt))
	w.Apply(0, &Op{Kind: OpFreeRCU, Addr: Ptr(pt, 0), Name: "pte_free_defer", Pos: source.Pos{Line: 7, Col: 3}})
	states = append(states, w.TableState(pt))
	w.Apply(1, &Op{Kind: OpRCUCallback})
	states = append(states, w.TableState(pt))
	if got := strings.Join(states, " "); got != "attached detached free-pending freed" {
		t.Errorf("states %s", got)
	}
	// A use after the callback names the call that queued it.
	e := w.Apply(1, &Op{Kind: OpLoad, Addr: Ptr(pt, 1), Name: "READ_ONCE"})
	if want := "freed by RCU callback at 7:3 (RCU callback of pte_free_defer() at 7:3 in P0)"; !strings.Contains(e.Detail, want) {
		t.Errorf("use after the callback: %q, want it to say %q", e.Detail, want)
	}
}
