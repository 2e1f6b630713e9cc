package machine

import "fmt"

// Page-table values (kernel.md §0, §2.2). A PMD entry holds one of:
//
//	none            the zero value
//	table(t)        a pointer to PTE table t (Ptr(t, 0)): pmd_same() tells
//	                tables apart, so a replaced table is detected
//	huge(n)         PMDHuge|n, a PMD-mapped THP
//	non-present(n)  PMDNonPresent|n, a migration or swap entry
//	bad             any other value
//
// A PTE holds 0 (none) or a page number n > 0 (a present mapping of
// page n). A PTE table object has its split lock in cell 0 and its
// PTRSPerPTE entries in cells 1..PTRSPerPTE; a PMD table likewise; the
// mm object has mm->page_table_lock in cell 0.
const (
	PTRSPerPTE = 512
	PTRSPerPMD = 512

	PMDHuge       = int64(1) << 40
	PMDNonPresent = int64(1) << 41
	PMDBad        = int64(1) << 42

	PageShift = 12
	PMDShift  = 21
)

// PMDTable returns the PTE table a PMD value points to, or -1.
func (l *Layout) PMDTable(v Value) int {
	if v.IsPtr() && v.Int == 0 && v.Object() < len(l.Objects) && l.Objects[v.Object()].Kind == KindPTETable {
		return v.Object()
	}
	return -1
}

// PMDState classifies a PMD value: "none", "table", "huge",
// "nonpresent" or "bad".
func (l *Layout) PMDState(v Value) string {
	switch {
	case v == (Value{}):
		return "none"
	case l.PMDTable(v) >= 0:
		return "table"
	case v.IsPtr():
		return "bad"
	case v.Int&PMDHuge != 0:
		return "huge"
	case v.Int&PMDNonPresent != 0:
		return "nonpresent"
	}
	return "bad"
}

// PTEFunc evaluates a pure page-table helper (no shared state touched):
// the predicates, index computations and lock-pointer helpers of
// include/linux/pgtable.h and include/linux/mm.h. The second result is a
// runtime error.
func (l *Layout) PTEFunc(name string, args []Value) (Value, string) {
	switch name {
	case "pmd_none":
		return Bool(l.PMDState(args[0]) == "none"), ""
	case "pmd_present":
		// A bad entry has its present bit set: pmd_bad() catches it later
		// (__pte_offset_map()).
		st := l.PMDState(args[0])
		return Bool(st == "table" || st == "huge" || st == "bad"), ""
	case "pmd_trans_huge", "pmd_leaf":
		return Bool(l.PMDState(args[0]) == "huge"), ""
	case "pmd_bad":
		return Bool(l.PMDState(args[0]) == "bad"), ""
	case "pmd_same", "pte_same":
		return Bool(args[0] == args[1]), ""
	case "pte_none":
		return Bool(args[0] == (Value{})), ""
	case "pte_present":
		return Bool(!args[0].IsPtr() && args[0].Int > 0), ""
	case "pte_index":
		return Int((args[0].Int >> PageShift) & (PTRSPerPTE - 1)), ""
	case "pmd_index":
		return Int((args[0].Int >> PMDShift) & (PTRSPerPMD - 1)), ""
	case "pte_offset_kernel":
		// pte_offset_kernel(&pmdval, addr): the entry of the table the
		// (snapshot) PMD value points to.
		t := l.PMDTable(args[0])
		if t < 0 {
			return Value{}, fmt.Sprintf("pte_offset_kernel() on a PMD that is %s, not a table", l.PMDState(args[0]))
		}
		return Ptr(t, 1+(args[1].Int>>PageShift)&(PTRSPerPTE-1)), ""
	case "pmd_pgtable":
		t := l.PMDTable(args[0])
		if t < 0 {
			return Value{}, fmt.Sprintf("pmd_pgtable() on a PMD that is %s, not a table", l.PMDState(args[0]))
		}
		return Ptr(t, 0), ""
	case "pmdval_lockptr":
		// pte_lockptr(mm, &pmdval) (kernel.md §1.3): the split lock of
		// the table the value points to, or mm->page_table_lock.
		if !l.Config.SplitPTE {
			return l.mmLock(args[0])
		}
		t := l.PMDTable(args[1])
		if t < 0 {
			return Value{}, fmt.Sprintf("pte_lockptr() of a PMD that is %s, not a table: the lock pointer is garbage", l.PMDState(args[1]))
		}
		return Ptr(t, 0), ""
	case "ptep_lockptr":
		if !l.Config.SplitPTE {
			return l.mmLock(args[0])
		}
		return l.containerLock(args[1], KindPTETable, "ptep_lockptr")
	case "pmd_lockptr":
		if !l.Config.SplitPMD {
			return l.mmLock(args[0])
		}
		return l.containerLock(args[1], KindPMDTable, "pmd_lockptr")
	}
	return Value{}, "unknown page-table helper " + name
}

// mmLock returns &mm->page_table_lock.
func (l *Layout) mmLock(mm Value) (Value, string) {
	if !mm.IsPtr() || mm.Object() >= len(l.Objects) || l.Objects[mm.Object()].Kind != KindMM {
		return Value{}, "expected a struct mm_struct pointer"
	}
	return Ptr(mm.Object(), 0), ""
}

// containerLock returns the split lock of the table containing p.
func (l *Layout) containerLock(p Value, kind ObjKind, what string) (Value, string) {
	if !p.IsPtr() || p.Object() >= len(l.Objects) || l.Objects[p.Object()].Kind != kind {
		return Value{}, what + "() of a pointer that is not into a page table"
	}
	return Ptr(p.Object(), 0), ""
}

// attached reports whether a PMD entry points to PTE table t.
func (w *World) attached(t int) bool {
	want := Ptr(t, 0)
	for _, o := range w.L.Objects {
		if o.Kind != KindPMDTable {
			continue
		}
		for _, v := range w.Mem[o.Base+1 : o.Base+o.Size] {
			if v == want {
				return true
			}
		}
	}
	return false
}

// TableState describes PTE table t's life cycle: "attached", "detached",
// "free-pending" (queued for freeing after a grace period) or "freed"
// (for the world view of a step).
func (w *World) TableState(t int) string {
	switch {
	case w.freed[t]:
		return "freed"
	case w.attached(t):
		return "attached"
	case w.queued(t):
		return "free-pending"
	}
	return "detached"
}

// OrphanedTables describes the PTE tables that were reachable from a PMD
// entry at some point but, at the end of an execution, are no longer and
// were not freed, while they still map pages: those mappings are lost and the table leaked (kernel.md §4 R11,
// buggy variant 1).
func (w *World) OrphanedTables() []string {
	var out []string
	for i, o := range w.L.Objects {
		if o.Kind != KindPTETable || !w.linked[i] || w.freed[i] || w.attached(i) || w.queued(i) {
			continue
		}
		n := 0
		for _, v := range w.Mem[o.Base+1 : o.Base+o.Size] {
			if v != (Value{}) {
				n++
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("BUG: page table %s ends detached and not freed with %d present PTE(s): the mappings are lost and the table leaked", o.Name, n))
		}
	}
	return out
}

func (w *World) queued(o int) bool {
	for _, cb := range w.cbs {
		if int(cb.obj) == o {
			return true
		}
	}
	return false
}
