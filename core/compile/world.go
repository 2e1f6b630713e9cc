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
//
// PMD values may also be PMD_HUGE, PMD_NONPRESENT or PMD_BAD.

// worldConstants are the constants usable in page-table scripts.
var worldConstants = map[string]int64{
	"PMD_HUGE":       machine.PMDHuge,
	"PMD_NONPRESENT": machine.PMDNonPresent,
	"PMD_BAD":        machine.PMDBad,
	"PTRS_PER_PTE":   machine.PTRSPerPTE,
	"PAGE_SIZE":      1 << machine.PageShift,
	"PMD_SIZE":       1 << machine.PMDShift,
}

// worldDecl handles an init item that declares part of the page-table
// world, and reports whether it did.
func (c *compiler) worldDecl(it *syntax.InitItem) bool {
	if it.Index != nil {
		return true // an entry initialiser: see initEntry
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
	case "pmd_t":
		if c.pmdTable < 0 {
			c.pmdTable = l.AddKind("pmd_table", machine.KindPMDTable, 1+machine.PTRSPerPMD)
		}
		c.pmdEntries++
		if c.pmdEntries > machine.PTRSPerPMD {
			c.errorf(it.Pos, "more than %d PMD entries", machine.PTRSPerPMD)
		}
		c.addSharedAt(it.Name, machine.Ptr(c.pmdTable, int64(c.pmdEntries)), "pmd_t")
	case "struct mm_struct":
		o := l.AddKind(it.Name, machine.KindMM, 1)
		c.addSharedAt(it.Name, machine.Ptr(o, 0), "struct mm_struct")
	default:
		return false
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
	idx := c.constValue(it.Index)
	if idx.IsPtr() || idx.Int < 0 || idx.Int >= machine.PTRSPerPTE {
		c.errorf(it.Index.Start(), "entry index %v out of range [0, %d)", idx, machine.PTRSPerPTE)
		return
	}
	loc, _ := c.prog.Layout.Cell(machine.Ptr(addr.Object(), 1+idx.Int))
	c.prog.InitMem[loc] = v
}
