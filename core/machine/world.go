package machine

import (
	"fmt"

	"github.com/ptlab/ptlab/core/scratch"
	"github.com/ptlab/ptlab/core/source"
)

// ObjKind says what an object stands for.
type ObjKind uint8

// The kinds of objects.
const (
	KindVar      ObjKind = iota // a shared variable, lock or SRCU domain of a litmus test
	KindMM                      // struct mm_struct: mm->page_table_lock, mm->mmap_lock
	KindPMDTable                // a PMD table: cell 0 is its split lock, then the entries
	KindPTETable                // a PTE table: cell 0 is its split lock, then PTRS_PER_PTE entries
	KindVMA                     // struct vm_area_struct: anon_vma, vm_flags, the per-VMA lock
	KindMapping                 // struct address_space: i_mmap_rwsem
	KindFolio                   // struct folio: its lock (PG_locked in flags), _refcount
)

// StructDef is a kernel structure a script can declare in its init
// section, with its fields in cell order. Field names are unique across
// structures, so p->field resolves without the pointer's type.
type StructDef struct {
	Type   string
	Kind   ObjKind
	Fields []string
}

// Structs are the declarable kernel structures (kernel.md §0, §2.5, §3).
var Structs = []StructDef{
	// mm->page_table_lock and mm->mmap_lock, and the state of one
	// secondary MMU attached through an MMU notifier (an IOMMU sharing
	// the page tables, KVM): the PMD value its paging-structure cache
	// holds, the kernel's mmu_invalidate_in_progress count, and the lock
	// that makes an invalidation wait for the walks in flight.
	{"struct mm_struct", KindMM, []string{"page_table_lock", "mmap_lock", "secondary_tlb", "mmu_invalidate_in_progress", "notifier_lock"}},
	{"struct vm_area_struct", KindVMA, []string{"anon_vma", "vm_flags", "vm_lock"}},
	{"struct address_space", KindMapping, []string{"i_mmap_rwsem"}},
	// folio->flags holds PG_locked: cell 0 is the folio lock.
	{"struct folio", KindFolio, []string{"flags", "_refcount"}},
}

// StructOf returns the structure definition of kind k, or nil.
func StructOf(k ObjKind) *StructDef {
	return structWhere(func(sd *StructDef) bool { return sd.Kind == k })
}

// StructByType returns the structure named typ ("struct folio"), or nil.
func StructByType(typ string) *StructDef {
	return structWhere(func(sd *StructDef) bool { return sd.Type == typ })
}

func structWhere(match func(*StructDef) bool) *StructDef {
	for i := range Structs {
		if match(&Structs[i]) {
			return &Structs[i]
		}
	}
	return nil
}

// Object is a named piece of shared memory: a shared variable of a litmus
// test (one cell), a lock, an SRCU domain, or a page-table object.
type Object struct {
	Name string
	Kind ObjKind
	Pool bool  // starts unallocated: pte_alloc_one() hands it out
	Base int32 // first location
	Size int32 // number of cells
}

// Layout is the static shape of a world: its objects, threads and
// kernel configuration. It is shared, read-only, by every execution.
type Layout struct {
	Objects  []Object
	NThreads int
	NMem     int32 // memory cells: locations [0, NMem)
	Names    []CellName
	Config   Config
}

// CellName names a cell that is not the start of its object (a PMD
// entry declared by name), for printing pointers to it.
type CellName struct {
	Addr Value
	Name string
}

// Config is the kernel configuration that decides which lock is "the"
// lock (kernel.md §1). The zero value is not a valid configuration;
// DefaultConfig is x86-64 SMP.
type Config struct {
	SplitPTE bool // CONFIG_SPLIT_PTE_PTLOCKS
	SplitPMD bool // CONFIG_SPLIT_PMD_PTLOCKS (requires SplitPTE)
}

// DefaultConfig is x86-64 SMP with NR_CPUS >= 4: split PTE and PMD locks.
var DefaultConfig = Config{SplitPTE: true, SplitPMD: true}

// AddObject appends an object of size cells and returns its index.
func (l *Layout) AddObject(name string, size int32) int {
	return l.AddKind(name, KindVar, size)
}

// AddKind appends an object of the given kind and size.
func (l *Layout) AddKind(name string, kind ObjKind, size int32) int {
	l.Objects = append(l.Objects, Object{Name: name, Kind: kind, Base: l.NMem, Size: size})
	l.NMem += size
	return len(l.Objects) - 1
}

// NumLocations is the size of the location space footprints use: memory
// cells, then one RCU location per thread, then one location per (SRCU
// domain object, thread), then one "life" location per object (every
// access reads it, freeing writes it), then the RCU callback queue, then
// one IRQ location per thread.
func (l *Layout) NumLocations() int {
	return int(l.cbLoc()) + 1 + l.NThreads + 1
}

func (l *Layout) lifeLoc(obj int) int32 {
	return l.NMem + int32(l.NThreads*(1+len(l.Objects))+obj)
}

func (l *Layout) cbLoc() int32 { return l.lifeLoc(0) + int32(len(l.Objects)) }

func (l *Layout) irqLoc(t int) int32 { return l.cbLoc() + 1 + int32(t) }

// allocLoc is the page-table allocator's location: allocations are
// ordered among themselves.
func (l *Layout) allocLoc() int32 { return l.irqLoc(l.NThreads) }

func (l *Layout) rcuLoc(t int) int32 { return l.NMem + int32(t) }

func (l *Layout) srcuLoc(obj, t int) int32 {
	return l.NMem + int32(l.NThreads) + int32(obj*l.NThreads+t)
}

// LocName describes location loc for messages.
func (l *Layout) LocName(loc int32) string {
	switch {
	case loc < l.NMem:
		for i, o := range l.Objects {
			if loc >= o.Base && loc < o.Base+o.Size {
				return l.LockName(Ptr(i, int64(loc-o.Base)))
			}
		}
	case loc < l.NMem+int32(l.NThreads):
		return fmt.Sprintf("rcu(P%d)", loc-l.NMem)
	case loc < l.lifeLoc(0):
		k := int(loc - l.NMem - int32(l.NThreads))
		return fmt.Sprintf("srcu(%s,P%d)", l.Objects[k/l.NThreads].Name, k%l.NThreads)
	case loc < l.cbLoc():
		return fmt.Sprintf("life(%s)", l.Objects[loc-l.lifeLoc(0)].Name)
	case loc == l.cbLoc():
		return "rcu-callbacks"
	default:
		return fmt.Sprintf("irq(P%d)", loc-l.cbLoc()-1)
	}
	return fmt.Sprintf("loc%d", loc)
}

// Cell returns the memory location a pointer denotes, if it is valid.
func (l *Layout) Cell(addr Value) (int32, bool) {
	if !addr.IsPtr() || addr.Object() >= len(l.Objects) {
		return 0, false
	}
	o := l.Objects[addr.Object()]
	if addr.Int < 0 || addr.Int >= int64(o.Size) {
		return 0, false
	}
	return o.Base + int32(addr.Int), true
}

// PtrName prints a pointer value as herd does: the name of the variable
// it points to (with +off for an interior pointer).
func (l *Layout) PtrName(v Value) string {
	if !v.IsPtr() || v.Object() >= len(l.Objects) {
		return v.String()
	}
	for _, n := range l.Names {
		if n.Addr == v {
			return n.Name
		}
	}
	o := l.Objects[v.Object()]
	switch {
	case StructOf(o.Kind) != nil && v.Int >= 0 && v.Int < int64(len(StructOf(o.Kind).Fields)):
		if o.Kind == KindFolio && v.Int == 0 {
			return o.Name // the folio lock is named after its folio
		}
		return o.Name + "->" + StructOf(o.Kind).Fields[v.Int]
	case o.Kind == KindPTETable || o.Kind == KindPMDTable:
		if v.Int == 0 {
			return o.Name
		}
		return fmt.Sprintf("%s[%d]", o.Name, v.Int-1)
	case v.Int != 0:
		return fmt.Sprintf("%s+%d", o.Name, v.Int)
	}
	return o.Name
}

// LockName names the lock at addr: a table's split lock is ptlock(t).
func (l *Layout) LockName(addr Value) string {
	if addr.IsPtr() && addr.Int == 0 && addr.Object() < len(l.Objects) {
		if k := l.Objects[addr.Object()].Kind; k == KindPTETable || k == KindPMDTable {
			return "ptlock(" + l.Objects[addr.Object()].Name + ")"
		}
	}
	return l.PtrName(addr)
}

// section is one thread's nesting of a kind of critical section (RCU
// read-side, IRQ-disabled): its depth and the number of outermost
// sections it has completed (SUMMARY.md §4.2).
type section struct {
	depth int32 // nesting of rcu_read_lock() / local_irq_disable()
	done  int32 // completed outermost sections
}

// exit leaves one level of the section and reports false if it was not
// entered.
func (s *section) exit() bool {
	if s.depth == 0 {
		return false
	}
	s.depth--
	if s.depth == 0 {
		s.done++
	}
	return true
}

// gpWait is one reader a grace period waits for: thread t had done
// completed sections when the grace period started. irq marks an
// IRQ-disabled section rather than an RCU read-side one.
type gpWait struct {
	t    int32
	done int32
	irq  bool
}

// srcuSection is one SRCU read-side section, identified by its token.
type srcuSection struct {
	dom     int32 // SRCU domain object
	token   int64
	creator int32 // thread whose footprint location the section uses
	active  bool
}

// Site says where something happened to an object, for KASAN reports.
type Site struct {
	Thread int // -1: the RCU callback thread
	Pos    source.Pos
	How    string // "kfree"; for a callback, what queued it ("kvfree_rcu")
	Queuer int    // for a callback (Thread -1): the thread that queued it
}

// how describes the free, in a report: the freeing call, or for an RCU
// callback the call that queued it, where and by whom. (Formatted only
// when a report needs it: callbacks run in most executions of the
// scripts that queue them.)
func (s Site) how() string {
	if s.Thread == -1 {
		return fmt.Sprintf("RCU callback of %s() at %s in P%d", s.How, s.Pos, s.Queuer)
	}
	return s.How
}

// callback is a kvfree_rcu() waiting for its grace period: the readers
// active when it was queued (the same two-step rule as synchronize_rcu).
type callback struct {
	obj    int32
	wait   []gpWait
	queued Site
}

// World is the mutable state of one execution.
type World struct {
	L    *Layout
	Mem  []Value
	undo []undoRec // memory writes, for UndoTo

	freed    []bool // per object: freed (touching it is a use-after-free)
	linked   []bool // per PTE table: a PMD entry has pointed to it
	freeSite []Site // per object: where it was freed
	cbs      []callback

	rcu      []section
	irq      []section
	gp       [][]gpWait // per thread: readers its current synchronize_rcu() waits for
	srcu     []srcuSection
	srcuWait [][]int // per thread: indexes into srcu its synchronize_srcu() waits for
	srcuSeq  []int64 // per thread: next SRCU token number

	// uaf caches the messages checkFreed formats: the same access to the
	// same freed object recurs in execution after execution, and search
	// after search of the same program. Copies of the state
	// (CopyStateFrom) do not take it.
	uaf map[uafKey]uafText
}

// uafKey is what a use-after-free message depends on. (The key holds the
// layout, so a layout in it is never freed and its address never
// reused for another.)
type uafKey struct {
	l     *Layout
	t     int
	name  string
	lock  bool
	addr  Value
	write bool
	site  Site
}

type uafText struct{ detail, report string }

// NewWorld returns a world with mem as its initial memory (copied).
func NewWorld(l *Layout, mem []Value) *World {
	w := &World{}
	w.Reset(l, mem)
	return w
}

// Reset makes w the initial world of layout l with memory mem (copied),
// reusing w's storage: an explorer starts many searches, and a world's
// memory holds every cell of every PTE table.
func (w *World) Reset(l *Layout, mem []Value) {
	n, objs := l.NThreads, len(l.Objects)
	w.L = l
	w.Mem = append(w.Mem[:0], mem...)
	w.undo = w.undo[:0]
	w.rcu = scratch.Zeroed(w.rcu, n)
	w.irq = scratch.Zeroed(w.irq, n)
	w.gp = resize(w.gp, n)
	w.srcuWait = resize(w.srcuWait, n)
	for i := 0; i < n; i++ {
		w.gp[i], w.srcuWait[i] = w.gp[i][:0], w.srcuWait[i][:0]
	}
	w.srcuSeq = scratch.Zeroed(w.srcuSeq, n)
	w.srcu = w.srcu[:0]
	w.cbs = w.cbs[:0]
	w.freed = scratch.Zeroed(w.freed, objs)
	w.freeSite = scratch.Zeroed(w.freeSite, objs)
	w.linked = scratch.Zeroed(w.linked, objs)
	for i := range l.Objects {
		w.linked[i] = w.attached(i)
	}
	for i, o := range l.Objects {
		if o.Pool {
			w.freed[i] = true // not allocated yet
			w.freeSite[i] = Site{Thread: -2, How: "never allocated"}
		}
	}
}

// RCUDepth returns thread t's rcu_read_lock() nesting depth.
func (w *World) RCUDepth(t int) int { return int(w.rcu[t].depth) }

// IRQsOff reports whether thread t runs with interrupts disabled.
func (w *World) IRQsOff(t int) bool { return w.irq[t].depth > 0 }

// LockOwner returns the thread holding the lock at loc, or -1.
func (w *World) LockOwner(loc int32) int {
	v := w.Mem[loc]
	if v.Obj != 0 || v.Int <= 0 {
		return -1
	}
	return int(v.Int) - 1
}

// undoRec is one memory write, to be undone: the cell and its old value.
type undoRec struct {
	loc int32
	old Value
}

// set writes memory, logging the old value so that UndoTo can take the
// write back: the explorer backtracks by undoing writes instead of
// copying the whole memory (a PTE table is 513 cells).
func (w *World) set(loc int32, v Value) {
	w.undo = append(w.undo, undoRec{loc, w.Mem[loc]})
	w.Mem[loc] = v
}

// UndoMark returns the current position of the write log.
func (w *World) UndoMark() int { return len(w.undo) }

// UndoTo takes back every memory write made since mark.
func (w *World) UndoTo(mark int) {
	for i := len(w.undo) - 1; i >= mark; i-- {
		w.Mem[w.undo[i].loc] = w.undo[i].old
	}
	w.undo = w.undo[:mark]
}

// CopyStateFrom copies everything of src but its memory (which a caller
// restores with UndoTo), reusing w's storage.
func (w *World) CopyStateFrom(src *World) {
	w.L = src.L
	w.rcu = append(w.rcu[:0], src.rcu...)
	w.irq = append(w.irq[:0], src.irq...)
	w.srcu = append(w.srcu[:0], src.srcu...)
	w.srcuSeq = append(w.srcuSeq[:0], src.srcuSeq...)
	w.gp = resize(w.gp, len(src.gp))
	for i := range src.gp {
		w.gp[i] = append(w.gp[i][:0], src.gp[i]...)
	}
	w.srcuWait = resize(w.srcuWait, len(src.srcuWait))
	for i := range src.srcuWait {
		w.srcuWait[i] = append(w.srcuWait[i][:0], src.srcuWait[i]...)
	}
	w.freed = append(w.freed[:0], src.freed...)
	w.linked = append(w.linked[:0], src.linked...)
	w.freeSite = append(w.freeSite[:0], src.freeSite...)
	w.cbs = resize(w.cbs, len(src.cbs))
	for i, cb := range src.cbs {
		wait := w.cbs[i].wait
		w.cbs[i] = cb
		w.cbs[i].wait = append(wait[:0], cb.wait...)
	}
}

// resize returns s with length n. Within its capacity it reslices,
// keeping what the elements held: CopyStateFrom overwrites every element
// but reuses their slices' storage (appending a zero value there instead
// would drop it, and the next copy would allocate again).
func resize[T any](s []T, n int) []T {
	if n <= cap(s) {
		return s[:n]
	}
	return append(s[:cap(s)], make([]T, n-cap(s))...)
}

// Named reports whether the script declared a name for the cell at addr
// (a PMD entry declared by name).
func (l *Layout) Named(addr Value) bool {
	for _, n := range l.Names {
		if n.Addr == addr {
			return true
		}
	}
	return false
}
