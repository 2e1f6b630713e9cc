package machine

import "github.com/ptlab/ptlab/core/source"

// OpKind is the kind of a visible operation.
type OpKind uint8

// The visible operations. Everything else a thread does is local and
// invisible to other threads.
const (
	OpNone      OpKind = iota
	OpLoad             // ret = *Addr
	OpStore            // *Addr = Arg
	OpRMW              // atomic read-modify-write: see RMW and Ret
	OpCmpxchg          // ret = *Addr; if ret == Arg { *Addr = Arg2 }
	OpAddUnless        // if *Addr != Arg2 { *Addr += Arg; ret = 1 } else ret = 0

	OpLock     // spin_lock(Addr): enabled iff the lock is free
	OpUnlock   // spin_unlock(Addr)
	OpTrylock  // spin_trylock(Addr): ret = 1 and take it if free, else 0
	OpIsLocked // spin_is_locked(Addr)

	OpRCULock   // rcu_read_lock()
	OpRCUUnlock // rcu_read_unlock()
	OpGPStart   // synchronize_rcu(), step 1: snapshot the active readers
	OpGPEnd     // synchronize_rcu(), step 2: enabled once they have all finished

	OpSRCULock    // ret = srcu_read_lock(Addr): a fresh section token
	OpSRCUUnlock  // srcu_read_unlock(Addr, Arg): end the section with token Arg
	OpSRCUGPStart // synchronize_srcu(Addr), step 1
	OpSRCUGPEnd   // synchronize_srcu(Addr), step 2

	OpFree        // kfree(Addr): free the object at once
	OpFreeRCU     // kvfree_rcu(Addr): free the object after a grace period
	OpRCUCallback // the RCU pseudo-thread runs the oldest due callback
	OpAllocPTE    // pte_alloc_one(): a zeroed PTE table from the pool, or NULL

	OpDownRead         // down_read(Addr): enabled iff no writer holds it
	OpDownWrite        // down_write(Addr): enabled iff free
	OpUpRead           // up_read(Addr)
	OpUpWrite          // up_write(Addr)
	OpDownReadTrylock  // down_read_trylock(Addr): ret = 1 and take it, or 0
	OpDownWriteTrylock // down_write_trylock(Addr)
	OpDowngrade        // downgrade_write(Addr): writer becomes a reader

	OpIRQOff   // local_irq_disable()
	OpIRQOn    // local_irq_enable()
	OpIPIStart // tlb_remove_table_sync_one(), step 1: snapshot IRQ-disabled threads
	OpIPIEnd   // tlb_remove_table_sync_one(), step 2: wait until each re-enabled

	OpTableEmpty // ret = 1 if every entry of the PTE table Addr points into is none

	numOpKinds
)

var opNames = [...]string{
	OpNone:             "none",
	OpLoad:             "load",
	OpStore:            "store",
	OpRMW:              "rmw",
	OpCmpxchg:          "cmpxchg",
	OpAddUnless:        "add_unless",
	OpLock:             "spin_lock",
	OpUnlock:           "spin_unlock",
	OpTrylock:          "spin_trylock",
	OpIsLocked:         "spin_is_locked",
	OpRCULock:          "rcu_read_lock",
	OpRCUUnlock:        "rcu_read_unlock",
	OpGPStart:          "synchronize_rcu:start",
	OpGPEnd:            "synchronize_rcu:end",
	OpSRCULock:         "srcu_read_lock",
	OpSRCUUnlock:       "srcu_read_unlock",
	OpSRCUGPStart:      "synchronize_srcu:start",
	OpSRCUGPEnd:        "synchronize_srcu:end",
	OpFree:             "kfree",
	OpFreeRCU:          "kvfree_rcu",
	OpRCUCallback:      "rcu_callback",
	OpDownRead:         "down_read",
	OpDownWrite:        "down_write",
	OpUpRead:           "up_read",
	OpUpWrite:          "up_write",
	OpDownReadTrylock:  "down_read_trylock",
	OpDownWriteTrylock: "down_write_trylock",
	OpDowngrade:        "downgrade_write",
	OpIRQOff:           "local_irq_disable",
	OpIRQOn:            "local_irq_enable",
	OpIPIStart:         "tlb_remove_table_sync_one:start",
	OpIPIEnd:           "tlb_remove_table_sync_one:end",
	OpTableEmpty:       "pte_table_empty",
}

func (k OpKind) String() string {
	if int(k) < len(opNames) {
		return opNames[k]
	}
	return "op?"
}

// RMWOp is the arithmetic of an OpRMW.
type RMWOp uint8

// The read-modify-write operations.
const (
	RMWXchg   RMWOp = iota // new = Arg
	RMWAdd                 // new = old + Arg
	RMWSub                 // new = old - Arg
	RMWAnd                 // new = old & Arg
	RMWOr                  // new = old | Arg
	RMWXor                 // new = old ^ Arg
	RMWAndNot              // new = old &^ Arg
)

// RMWRet says what an OpRMW returns.
type RMWRet uint8

// The return conventions of the kernel's atomic API
// (Documentation/atomic_t.txt).
const (
	RetOld      RMWRet = iota // xchg, atomic_fetch_*: the old value
	RetNew                    // atomic_*_return: the new value
	RetNone                   // atomic_add and friends: nothing (0)
	RetZero                   // *_and_test: new == 0
	RetNegative               // atomic_add_negative: new < 0
)

// Mark says how a memory access was written, for reports and for the
// data-race detector: plain accesses are the ones it looks at.
type Mark uint8

// The access marks of tools/memory-model/linux-kernel.def.
const (
	MarkPlain Mark = iota
	MarkOnce
	MarkAcquire
	MarkRelease
	MarkAtomic // RMW
)

// Op is one visible operation requested by a thread. The VM fills it;
// the world applies it.
type Op struct {
	Kind OpKind
	RMW  RMWOp
	Ret  RMWRet
	Mark Mark
	Addr Value // the location, lock or SRCU domain
	Arg  Value
	Arg2 Value
	Pos  source.Pos // where in the script the operation is
	Name string     // the primitive as written, e.g. "smp_load_acquire"
}

// Sleeps reports whether the operation may sleep (might_sleep() in the
// kernel): taking a sleeping lock or waiting for a grace period. Doing so
// inside an RCU read-side critical section, with interrupts disabled or
// holding a spinlock is a bug.
func (op *Op) Sleeps() bool {
	switch op.Kind {
	case OpDownRead, OpDownWrite, OpGPStart, OpSRCUGPStart:
		return true
	}
	return false
}
