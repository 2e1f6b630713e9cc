package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

// World declarations in the init section (DESIGN §2, kernel.md §0-§1):
//
//	CONFIG_SPLIT_PTE_PTLOCKS = 0;   kernel configuration (default: 1, as
//	CONFIG_SPLIT_PMD_PTLOCKS = 0;   on x86-64 SMP; PMD needs PTE)
//	struct mm_struct mm;            the address space: mm->page_table_lock
//	pte_table_t pt0;                a PTE table with its split lock
//	pmd_t pmd = pt0;                a PMD entry pointing to pt0; entries
//	pmd_t pmd2;                     live in one PMD table, with its lock
//	pt0[3] = 7;                     entry 3 of pt0 maps page 7
//	pte_table_t spare = UNALLOCATED; pte_alloc_one() hands it out
//	struct vm_area_struct vma;      a VMA: vma->anon_vma, vma->vm_flags
//	vma.vm_flags = VM_UFFD_MISSING; a field's initial value
//	struct address_space mapping;   mapping->i_mmap_rwsem
//	struct folio folio;             a folio: its lock, folio->_refcount
//
// PMD values may also be PMD_HUGE, PMD_NONPRESENT or PMD_BAD.

// fieldOffset returns the cell offset of a field of a declarable kernel
// structure (machine.Structs; names are unique across structures, so the
// offset does not depend on the pointer's type).
func fieldOffset(name string) (int64, bool) {
	for _, sd := range machine.Structs {
		for i, f := range sd.Fields {
			if f == name {
				return int64(i), true
			}
		}
	}
	return 0, false
}

func fieldNames() []string {
	var out []string
	for _, sd := range machine.Structs {
		out = append(out, sd.Fields...)
	}
	return out
}

// hint returns " (did you mean X?)" or "".
func hint(name string, cands []string) string {
	if s := Nearest(name, cands); s != "" {
		return " (did you mean " + s + "?)"
	}
	return ""
}

// worldConstants are the constants usable in page-table scripts.
var worldConstants = map[string]int64{
	"PMD_HUGE":       machine.PMDHuge,
	"PMD_NONPRESENT": machine.PMDNonPresent,
	"PMD_BAD":        machine.PMDBad,
	"PTRS_PER_PTE":   machine.PTRSPerPTE,
	"PAGE_SIZE":      1 << machine.PageShift,
	"PMD_SIZE":       1 << machine.PMDShift,
	// vm_flags bits (include/linux/mm.h)
	"VM_LOCKED":       0x2000,
	"VM_SHARED":       0x8,
	"VM_UFFD_MISSING": 0x200,
	"VM_UFFD_WP":      0x1000,
}

// worldDecl handles an init item that declares part of the page-table
// world, and reports whether it did.
func (c *compiler) worldDecl(it *syntax.InitItem) bool {
	if it.Index != nil || it.Field != "" {
		return true // an entry or field initialiser: see initEntry, initField
	}
	switch it.Name {
	case "CONFIG_SPLIT_PTE_PTLOCKS", "CONFIG_SPLIT_PMD_PTLOCKS":
		c.configItem(it)
		return true
	}
	if it.Type == nil || it.Type.Ptr != 0 {
		return false
	}
	if c.object(it.Name) >= 0 {
		c.errorf(it.Pos, "%s declared twice", it.Name)
		return true
	}
	l := c.prog.Layout
	switch it.Type.Name {
	case "pte_table_t":
		o := l.AddKind(it.Name, machine.KindPTETable, 1+machine.PTRSPerPTE)
		c.addSharedAt(it.Name, machine.Ptr(o, 0), "pte_table_t")
		if id, ok := syntax.Unparen(it.Value).(*syntax.Ident); ok && id.Name == "UNALLOCATED" {
			l.Objects[o].Pool = true // pte_table_t spare = UNALLOCATED;
		} else if it.Value != nil {
			c.errorf(it.Value.Start(), "a pte_table_t is declared alone, or \"= UNALLOCATED\" for pte_alloc_one()'s pool")
		}
	case "pmd_t":
		if c.pmdTable < 0 {
			c.pmdTable = l.AddKind("pmd_table", machine.KindPMDTable, 1+machine.PTRSPerPMD)
		}
		c.pmdEntries++
		if c.pmdEntries > machine.PTRSPerPMD {
			c.errorf(it.Pos, "more than %d PMD entries", machine.PTRSPerPMD)
		}
		c.addSharedAt(it.Name, machine.Ptr(c.pmdTable, int64(c.pmdEntries)), "pmd_t")
		if id, ok := syntax.Unparen(it.Value).(*syntax.Ident); ok {
			if o := c.object(id.Name); o >= 0 && c.poolTable(o) {
				c.errorf(it.Value.Start(), "%s is UNALLOCATED (free until pte_alloc_one() hands it out): a PMD entry cannot point to it in the init section", id.Name)
			}
		}
	default:
		sd := machine.StructByType(it.Type.Name)
		if sd == nil {
			return false
		}
		o := l.AddKind(it.Name, sd.Kind, int32(len(sd.Fields)))
		c.addSharedAt(it.Name, machine.Ptr(o, 0), sd.Type)
	}
	return true
}

func (c *compiler) configItem(it *syntax.InitItem) {
	v, ok := syntax.Unparen(it.Value).(*syntax.IntLit)
	if it.Value == nil || !ok || v.Val != 0 && v.Val != 1 {
		c.errorf(it.Pos, "%s must be set to 0 or 1", it.Name)
		return
	}
	on := v.Val == 1
	if it.Name == "CONFIG_SPLIT_PTE_PTLOCKS" {
		c.prog.Layout.Config.SplitPTE = on
		if !c.pmdSet {
			c.prog.Layout.Config.SplitPMD = on // follows unless set
		}
	} else {
		c.prog.Layout.Config.SplitPMD = on
		c.pmdSet = true
	}
	cfg := c.prog.Layout.Config
	if cfg.SplitPMD && !cfg.SplitPTE {
		c.errorf(it.Pos, "impossible configuration: CONFIG_SPLIT_PMD_PTLOCKS=1 needs CONFIG_SPLIT_PTE_PTLOCKS=1 (mm/Kconfig: SPLIT_PMD_PTLOCKS depends on SPLIT_PTE_PTLOCKS)")
	}
}

// initEntry initialises entry Index of a page table: pt0[3] = 7.
func (c *compiler) initEntry(it *syntax.InitItem, v machine.Value) {
	o := c.object(it.Name)
	if o < 0 {
		c.undefined(it.Pos, it.Name, "page table", c.shared)
		return
	}
	addr := c.prog.Addrs[o]
	if c.prog.Layout.Objects[addr.Object()].Kind != machine.KindPTETable || addr.Int != 0 {
		c.errorf(it.Pos, "%s is not a PTE table: only pte_table_t entries can be initialised with %s[i] = v", it.Name, it.Name)
		return
	}
	if c.poolTable(o) {
		c.errorf(it.Pos, "%s is UNALLOCATED (free until pte_alloc_one() hands it out, which zeroes it): its entries cannot be set in the init section", it.Name)
		return
	}
	idx := c.constValue(it.Index)
	if idx.IsPtr() || idx.Int < 0 || idx.Int >= machine.PTRSPerPTE {
		c.errorf(it.Index.Start(), "entry index %v out of range [0, %d)", idx, machine.PTRSPerPTE)
		return
	}
	loc, _ := c.prog.Layout.Cell(machine.Ptr(addr.Object(), 1+idx.Int))
	c.prog.InitMem[loc] = v
}

// initField initialises a field of a world object: vma.vm_flags = v.
func (c *compiler) initField(it *syntax.InitItem, v machine.Value) {
	o := c.object(it.Name)
	if o < 0 {
		c.undefined(it.Pos, it.Name, "shared variable", c.shared)
		return
	}
	off, ok := fieldOffset(it.Field)
	if !ok {
		c.errorf(it.Pos, "unknown field %s%s", it.Field, hint(it.Field, fieldNames()))
		return
	}
	loc, ok := c.prog.Layout.Cell(machine.Ptr(c.prog.Addrs[o].Object(), c.prog.Addrs[o].Int+off))
	if !ok {
		c.errorf(it.Pos, "%s has no field %s", it.Name, it.Field)
		return
	}
	c.prog.InitMem[loc] = v
}

// poolTable reports whether shared name o is a PTE table declared
// UNALLOCATED.
func (c *compiler) poolTable(o int) bool {
	addr := c.prog.Addrs[o]
	return addr.IsPtr() && addr.Int == 0 && c.prog.Layout.Objects[addr.Object()].Pool
}
