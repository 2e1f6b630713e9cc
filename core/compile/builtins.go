package compile

import (
	"sort"

	"github.com/ptlab/ptlab/core/machine"
)

// argKind is how a primitive takes an argument (FORMAT.md §1.5):
// READ_ONCE(*x) takes an lvalue, smp_load_acquire(x) a pointer.
type argKind uint8

const (
	argLvalue argKind = iota // *x: the operand is x's address
	argPtr                   // x: a pointer value used as the address
	argVal                   // an ordinary value
	argIgnore                // evaluated for its effects, not passed (mm, addr of set_pte_at)
)

// builtin describes one kernel primitive callable from a script.
type builtin struct {
	name   string
	kind   machine.OpKind // OpNone: fence (no-op) or a check
	rmw    machine.RMWOp
	ret    machine.RMWRet
	mark   machine.Mark
	args   []argKind // in source order
	addr   int       // index in args of the address operand, -1 if none
	result bool
	check  int            // OpCheck kind + 1, 0 if not a check
	second machine.OpKind // the second step of a two-step primitive (synchronize_rcu)
	one    bool           // the operation's Arg is the constant 1 (atomic_inc, atomic_dec)
	zero   bool           // the operation's Arg is the constant 0 (pte_clear, pmdp_collapse_flush)
	pure   string         // a pure page-table helper (machine.Layout.PTEFunc)
}

// builtins maps a primitive's name to its description; builtinOrder lists
// the names in definition order, so that nothing iterates the map.
var (
	builtins     = map[string]*builtin{}
	builtinOrder []string
)

func def(b *builtin) {
	if b.addr == 0 && len(b.args) == 0 {
		b.addr = -1
	}
	builtins[b.name] = b
	builtinOrder = append(builtinOrder, b.name)
}

func args(k ...argKind) []argKind { return k }

func init() {
	lv, ptr, val := argLvalue, argPtr, argVal
	// Accesses (FORMAT.md §3.1).
	def(&builtin{name: "READ_ONCE", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(lv), result: true})
	def(&builtin{name: "WRITE_ONCE", kind: machine.OpStore, mark: machine.MarkOnce, args: args(lv, val)})
	def(&builtin{name: "smp_load_acquire", kind: machine.OpLoad, mark: machine.MarkAcquire, args: args(ptr), result: true})
	def(&builtin{name: "smp_store_release", kind: machine.OpStore, mark: machine.MarkRelease, args: args(ptr, val)})
	def(&builtin{name: "rcu_dereference", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(lv), result: true})
	def(&builtin{name: "rcu_dereference_protected", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(lv, val), result: true})
	def(&builtin{name: "rcu_assign_pointer", kind: machine.OpStore, mark: machine.MarkRelease, args: args(lv, val)})
	def(&builtin{name: "smp_store_mb", kind: machine.OpStore, mark: machine.MarkOnce, args: args(lv, val)})
	def(&builtin{name: "atomic_read", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(ptr), result: true})
	def(&builtin{name: "atomic_set", kind: machine.OpStore, mark: machine.MarkOnce, args: args(ptr, val)})
	def(&builtin{name: "atomic_read_acquire", kind: machine.OpLoad, mark: machine.MarkAcquire, args: args(ptr), result: true})
	def(&builtin{name: "atomic_set_release", kind: machine.OpStore, mark: machine.MarkRelease, args: args(ptr, val)})

	// Fences: no-ops under SC (FORMAT.md §3.2).
	for _, f := range []string{"smp_mb", "smp_rmb", "smp_wmb", "smp_mb__before_atomic",
		"smp_mb__after_atomic", "smp_mb__after_spinlock", "smp_mb__after_unlock_lock",
		"smp_mb__after_srcu_read_unlock", "barrier", "smp_read_barrier_depends", "mb", "rmb", "wmb"} {
		def(&builtin{name: f, addr: -1})
	}

	// Exchange, compare-and-exchange and atomic RMW (FORMAT.md §3.3), in
	// every ordering variant; under SC the variants differ only in name.
	for _, sfx := range []string{"", "_relaxed", "_acquire", "_release"} {
		def(&builtin{name: "xchg" + sfx, kind: machine.OpRMW, rmw: machine.RMWXchg, ret: machine.RetOld, mark: machine.MarkAtomic, args: args(ptr, val), result: true})
		def(&builtin{name: "atomic_xchg" + sfx, kind: machine.OpRMW, rmw: machine.RMWXchg, ret: machine.RetOld, mark: machine.MarkAtomic, args: args(ptr, val), result: true})
		def(&builtin{name: "cmpxchg" + sfx, kind: machine.OpCmpxchg, mark: machine.MarkAtomic, args: args(ptr, val, val), result: true})
		def(&builtin{name: "atomic_cmpxchg" + sfx, kind: machine.OpCmpxchg, mark: machine.MarkAtomic, args: args(ptr, val, val), result: true})
		def(&builtin{name: "atomic_add_negative" + sfx, kind: machine.OpRMW, rmw: machine.RMWAdd, ret: machine.RetNegative, mark: machine.MarkAtomic, args: args(val, ptr), addr: 1, result: true})
		for _, op := range rmwOps {
			def(&builtin{name: "atomic_fetch_" + op.name + sfx, kind: machine.OpRMW, rmw: op.rmw, ret: machine.RetOld, mark: machine.MarkAtomic, args: op.args(), addr: op.addr(), one: op.unary, result: true})
			if op.arith {
				def(&builtin{name: "atomic_" + op.name + "_return" + sfx, kind: machine.OpRMW, rmw: op.rmw, ret: machine.RetNew, mark: machine.MarkAtomic, args: op.args(), addr: op.addr(), one: op.unary, result: true})
			}
		}
	}
	for _, op := range rmwOps {
		def(&builtin{name: "atomic_" + op.name, kind: machine.OpRMW, rmw: op.rmw, ret: machine.RetNone, mark: machine.MarkAtomic, args: op.args(), addr: op.addr(), one: op.unary})
	}
	def(&builtin{name: "atomic_sub_and_test", kind: machine.OpRMW, rmw: machine.RMWSub, ret: machine.RetZero, mark: machine.MarkAtomic, args: args(val, ptr), addr: 1, result: true})
	def(&builtin{name: "atomic_dec_and_test", kind: machine.OpRMW, rmw: machine.RMWSub, ret: machine.RetZero, mark: machine.MarkAtomic, args: args(ptr), one: true, result: true})
	def(&builtin{name: "atomic_inc_and_test", kind: machine.OpRMW, rmw: machine.RMWAdd, ret: machine.RetZero, mark: machine.MarkAtomic, args: args(ptr), one: true, result: true})
	def(&builtin{name: "atomic_add_unless", kind: machine.OpAddUnless, mark: machine.MarkAtomic, args: args(ptr, val, val), result: true})

	// Spinlocks (FORMAT.md §3.4).
	def(&builtin{name: "spin_lock", kind: machine.OpLock, args: args(ptr)})
	// spin_lock_nested(lock, subclass) (include/linux/spinlock.h): at run
	// time exactly spin_lock; the subclass only tells lockdep that a
	// second lock of the same class is nested on purpose. Taking a lock
	// one already holds still deadlocks.
	def(&builtin{name: "spin_lock_nested", kind: machine.OpLock, args: args(ptr, val)})
	def(&builtin{name: "spin_unlock", kind: machine.OpUnlock, args: args(ptr)})
	def(&builtin{name: "spin_trylock", kind: machine.OpTrylock, args: args(ptr), result: true})
	def(&builtin{name: "spin_is_locked", kind: machine.OpIsLocked, args: args(ptr), result: true})

	// RCU and SRCU (FORMAT.md §3.5–3.6).
	def(&builtin{name: "rcu_read_lock", kind: machine.OpRCULock, addr: -1})
	def(&builtin{name: "rcu_read_unlock", kind: machine.OpRCUUnlock, addr: -1})
	def(&builtin{name: "synchronize_rcu", kind: machine.OpGPStart, second: machine.OpGPEnd, addr: -1})
	def(&builtin{name: "synchronize_rcu_expedited", kind: machine.OpGPStart, second: machine.OpGPEnd, addr: -1})
	def(&builtin{name: "srcu_read_lock", kind: machine.OpSRCULock, args: args(ptr), result: true})
	def(&builtin{name: "srcu_down_read", kind: machine.OpSRCULock, args: args(ptr), result: true})
	def(&builtin{name: "srcu_read_unlock", kind: machine.OpSRCUUnlock, args: args(ptr, val)})
	def(&builtin{name: "srcu_up_read", kind: machine.OpSRCUUnlock, args: args(ptr, val)})
	def(&builtin{name: "synchronize_srcu", kind: machine.OpSRCUGPStart, second: machine.OpSRCUGPEnd, args: args(ptr)})
	def(&builtin{name: "synchronize_srcu_expedited", kind: machine.OpSRCUGPStart, second: machine.OpSRCUGPEnd, args: args(ptr)})

	// Reader-writer semaphores (include/linux/rwsem.h): mmap_lock,
	// i_mmap_rwsem, the per-VMA lock. They sleep.
	def(&builtin{name: "down_read", kind: machine.OpDownRead, args: args(ptr)})
	def(&builtin{name: "down_write", kind: machine.OpDownWrite, args: args(ptr)})
	def(&builtin{name: "up_read", kind: machine.OpUpRead, args: args(ptr)})
	def(&builtin{name: "up_write", kind: machine.OpUpWrite, args: args(ptr)})
	def(&builtin{name: "down_read_trylock", kind: machine.OpDownReadTrylock, args: args(ptr), result: true})
	def(&builtin{name: "down_write_trylock", kind: machine.OpDownWriteTrylock, args: args(ptr), result: true})
	def(&builtin{name: "downgrade_write", kind: machine.OpDowngrade, args: args(ptr)})

	// Interrupts (include/linux/irqflags.h) and the IPI round of
	// mm/mmu_gather.c: tlb_remove_table_sync_one() waits for every
	// IRQ-disabled section in progress (GUP-fast), not for RCU readers.
	def(&builtin{name: "local_irq_disable", kind: machine.OpIRQOff, addr: -1})
	def(&builtin{name: "local_irq_enable", kind: machine.OpIRQOn, addr: -1})
	def(&builtin{name: "tlb_remove_table_sync_one", kind: machine.OpIPIStart, second: machine.OpIPIEnd, addr: -1})

	// Freeing (mm/slab_common.c kfree(), include/linux/rcupdate.h
	// kvfree_rcu()): kfree frees at once; kvfree_rcu frees after a grace
	// period, from the RCU callback pseudo-thread, at any point after the
	// readers active at the call have left.
	def(&builtin{name: "kfree", kind: machine.OpFree, args: args(ptr)})
	def(&builtin{name: "kvfree_rcu", kind: machine.OpFreeRCU, args: args(ptr)})

	// Page-table entries (kernel.md §2.2-2.4). Reads and writes of one
	// entry are single visible steps; mm, vma and addr arguments that only
	// matter to TLB and accounting work are evaluated and dropped.
	ign := argIgnore
	def(&builtin{name: "pmdp_get_lockless", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(ptr), result: true})
	def(&builtin{name: "ptep_get", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(ptr), result: true})
	def(&builtin{name: "ptep_get_lockless", kind: machine.OpLoad, mark: machine.MarkOnce, args: args(ptr), result: true})
	def(&builtin{name: "set_pte_at", kind: machine.OpStore, mark: machine.MarkOnce, args: args(ign, ign, ptr, val), addr: 2})
	def(&builtin{name: "pte_clear", kind: machine.OpStore, mark: machine.MarkOnce, args: args(ign, ign, ptr), addr: 2, zero: true})
	def(&builtin{name: "ptep_get_and_clear", kind: machine.OpRMW, rmw: machine.RMWXchg, ret: machine.RetOld, mark: machine.MarkAtomic, args: args(ign, ign, ptr), addr: 2, zero: true, result: true})
	def(&builtin{name: "pmd_populate", kind: machine.OpStore, mark: machine.MarkOnce, args: args(ign, ptr, val), addr: 1})
	def(&builtin{name: "pmd_clear", kind: machine.OpStore, mark: machine.MarkOnce, args: args(ptr), zero: true})
	def(&builtin{name: "pmdp_collapse_flush", kind: machine.OpRMW, rmw: machine.RMWXchg, ret: machine.RetOld, mark: machine.MarkAtomic, args: args(ign, ign, ptr), addr: 2, zero: true, result: true})
	def(&builtin{name: "pmdp_huge_get_and_clear", kind: machine.OpRMW, rmw: machine.RMWXchg, ret: machine.RetOld, mark: machine.MarkAtomic, args: args(ign, ign, ptr), addr: 2, zero: true, result: true})
	def(&builtin{name: "pte_free", kind: machine.OpFree, args: args(ign, ptr), addr: 1})
	def(&builtin{name: "pte_alloc_one", kind: machine.OpAllocPTE, args: args(ign), addr: -1, result: true})
	def(&builtin{name: "pte_table_empty", kind: machine.OpTableEmpty, mark: machine.MarkOnce, args: args(ptr), result: true})
	def(&builtin{name: "pte_free_defer", kind: machine.OpFreeRCU, args: args(ign, ptr), addr: 1})
	// Pure helpers: predicates, indexes and lock pointers (§1.3, §2.2).
	for _, p := range []struct {
		name string
		n    int
	}{{"pmd_none", 1}, {"pmd_present", 1}, {"pmd_trans_huge", 1}, {"pmd_leaf", 1}, {"pmd_bad", 1},
		{"pmd_same", 2}, {"pte_none", 1}, {"pte_present", 1}, {"pte_same", 2}, {"pte_index", 1},
		{"pmd_index", 1}, {"pte_offset_kernel", 2}, {"pmd_pgtable", 1}, {"pmdval_lockptr", 2},
		{"ptep_lockptr", 2}, {"pmd_lockptr", 2}} {
		a := make([]argKind, p.n)
		for i := range a {
			a[i] = val
		}
		def(&builtin{name: p.name, args: a, addr: -1, pure: p.name, result: true})
	}

	// Assertions (include/asm-generic/bug.h, include/linux/mmdebug.h).
	for k, name := range CheckNames {
		def(&builtin{name: name, args: args(val), addr: -1, check: k + 1, result: k != CheckBUG_ON && k != CheckVM_BUG_ON})
	}
}

type rmwOp struct {
	name  string
	rmw   machine.RMWOp
	unary bool // inc/dec take only the pointer
	arith bool // has an _return form
}

var rmwOps = []rmwOp{
	{"add", machine.RMWAdd, false, true},
	{"sub", machine.RMWSub, false, true},
	{"inc", machine.RMWAdd, true, true},
	{"dec", machine.RMWSub, true, true},
	{"and", machine.RMWAnd, false, false},
	{"or", machine.RMWOr, false, false},
	{"xor", machine.RMWXor, false, false},
	{"andnot", machine.RMWAndNot, false, false},
}

func (o rmwOp) args() []argKind {
	if o.unary {
		return args(argPtr)
	}
	return args(argVal, argPtr)
}

func (o rmwOp) addr() int {
	if o.unary {
		return 0
	}
	return 1
}

// BuiltinNames returns the names of all primitives, sorted, for
// did-you-mean hints and documentation.
func BuiltinNames() []string {
	names := append([]string(nil), builtinOrder...)
	sort.Strings(names)
	return names
}
