package sim

import (
	"strings"
	"testing"
)

// pathWorld is a one-thread test of a kernel path of the prelude: P0 runs
// body with the usual world objects, then r0..r2 hold what it checks.
func pathWorld(init, body string) string {
	return "C path\n{\n\tstruct mm_struct mm;\n\tstruct address_space mapping;\n\tstruct vm_area_struct vma;\n\tstruct folio folio;\n" +
		"\tpte_table_t pt0;\n\tpte_table_t src;\n\tpte_table_t spare = UNALLOCATED;\n" + init + "}\n" +
		"P0(struct mm_struct *mm, struct address_space *mapping, struct vm_area_struct *vma, struct folio *folio, pmd_t *pmd, pmd_t *src_pmd, pte_table_t *pt0, pte_table_t *src, pte_table_t *spare)\n{\n" +
		"\tspinlock_t *ptl;\n\tint r0;\n\tint r1;\n\tint r2;\n" + body + "}\n" +
		"locations [0:r0; 0:r1; 0:r2; pmd]\nexists (0:r0=0)\n"
}

// TestKernelPaths runs each kernel path of kernel.md §3 alone on a small
// world and checks what it leaves behind: the PMD, the entries, the
// return value, and that a path alone reports nothing.
func TestKernelPaths(t *testing.T) {
	// entry reads entry i of table tab as a PMD value would point to it.
	entry := func(tab string, i int) string {
		return "ptep_get(pte_offset_kernel(" + tab + ", " + string(rune('0'+i)) + " * PAGE_SIZE))"
	}
	cases := []struct {
		name, init, body, want string
	}{
		// retract_page_tables() in every version detaches an empty table
		// of a VMA without anon_vma and frees it.
		{"retract v6.0", "\tpmd_t pmd = pt0;\n", "\tretract_page_tables_v6_0(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		{"retract v6.4", "\tpmd_t pmd = pt0;\n", "\tretract_page_tables_v6_4(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		{"retract rcu v1", "\tpmd_t pmd = pt0;\n", "\tretract_page_tables_rcu_v1(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		{"retract v6.6", "\tpmd_t pmd = pt0;\n", "\tretract_page_tables_v6_6(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		{"retract", "\tpmd_t pmd = pt0;\n", "\tretract_page_tables(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		// ... but not from a VMA with an anon_vma, nor a uffd-wp one.
		{"retract anon", "\tpmd_t pmd = pt0;\n\tvma.anon_vma = 1;\n", "\tretract_page_tables(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"retract uffd-wp", "\tpmd_t pmd = pt0;\n\tvma.vm_flags = VM_UFFD_WP;\n", "\tretract_page_tables(mapping, mm, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		// collapse_pte_mapped_thp() maps the folio by PMD when every PTE
		// maps its page, and leaves the table when one does not.
		{"collapse", "\tpmd_t pmd = pt0;\n\tpt0[0] = 7;\n\tpt0[1] = 8;\n",
			"\tr0 = collapse_pte_mapped_thp(mm, vma, pmd, 0, folio, 7, 2);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=1099511627783;"},
		{"collapse v6.6-rc", "\tpmd_t pmd = pt0;\n\tpt0[0] = 7;\n",
			"\tr0 = collapse_pte_mapped_thp_v6_6_rc(mm, vma, pmd, 0, folio, 7, 2);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=1099511627783;"},
		{"collapse mismatch", "\tpmd_t pmd = pt0;\n\tpt0[0] = 7;\n\tpt0[1] = 9;\n",
			"\tr0 = collapse_pte_mapped_thp(mm, vma, pmd, 0, folio, 7, 2);\n\tr1 = " + entry("pt0", 1) + ";\n", "0:r0=1; 0:r1=9; 0:r2=0; [pmd]=pt0;"},
		// UFFDIO_COPY installs into a none entry, allocating the table.
		{"uffdio copy", "\tpmd_t pmd = pt0;\n",
			"\tr0 = mfill_atomic_copy(mm, vma, pmd, PAGE_SIZE, 5);\n\tr1 = " + entry("pt0", 1) + ";\n\tr2 = READ_ONCE(vma->anon_vma);\n", "0:r0=0; 0:r1=5; 0:r2=1; [pmd]=pt0;"},
		{"uffdio copy exists", "\tpmd_t pmd = pt0;\n\tpt0[1] = 3;\n",
			"\tr0 = mfill_atomic_copy(mm, vma, pmd, PAGE_SIZE, 5);\n\tr1 = " + entry("pt0", 1) + ";\n", "0:r0=-17; 0:r1=3; 0:r2=0; [pmd]=pt0;"},
		{"uffdio copy alloc", "\tpmd_t pmd;\n",
			"\tr0 = mfill_atomic_copy(mm, vma, pmd, 0, 5);\n\tr1 = " + entry("spare", 0) + ";\n", "0:r0=0; 0:r1=5; 0:r2=0; [pmd]=spare;"},
		// UFFDIO_MOVE moves the source entry to the destination.
		{"move", "\tpmd_t pmd = pt0;\n\tpmd_t src_pmd = src;\n\tsrc[0] = 7;\n",
			"\tr0 = move_pages_pte(mm, pmd, src_pmd, 0, 0);\n\tr1 = " + entry("pt0", 0) + ";\n\tr2 = " + entry("src", 0) + ";\n", "0:r0=0; 0:r1=7; 0:r2=0; [pmd]=pt0;"},
		{"move v6.13 empty source", "\tpmd_t pmd = pt0;\n\tpmd_t src_pmd = src;\n",
			"\tr0 = move_pages_pte_v6_13(mm, pmd, src_pmd, 0, 0);\n", "0:r0=-2; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		// The anonymous fault allocates a table and maps the page, or
		// hands a uffd-missing VMA to userspace.
		{"anon fault", "\tpmd_t pmd;\n", "\tr0 = handle_pte_fault(mm, vma, pmd, 0, 4);\n\tr1 = " + entry("spare", 0) + ";\n", "0:r0=0; 0:r1=4; 0:r2=0; [pmd]=spare;"},
		{"anon fault uffd", "\tpmd_t pmd = pt0;\n\tvma.vm_flags = VM_UFFD_MISSING;\n", "\tr0 = handle_pte_fault(mm, vma, pmd, 0, 4);\n\tr1 = " + entry("pt0", 0) + ";\n", "0:r0=1024; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"anon fault shared", "\tpmd_t pmd = pt0;\n\tvma.vm_flags = VM_SHARED;\n", "\tr0 = do_anonymous_page(mm, vma, pmd, 0, 4);\n", "0:r0=2; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"fault present", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n", "\tr0 = handle_pte_fault(mm, vma, pmd, 0, 4);\n\tr1 = " + entry("pt0", 0) + ";\n", "0:r0=0; 0:r1=6; 0:r2=0; [pmd]=pt0;"},
		// MADV_DONTNEED zaps the range; with reclaim it also detaches the
		// then-empty table, but not one that still maps a page.
		{"zap", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n\tpt0[1] = 7;\n", "\tzap_pte_range(mm, vma, pmd, 0, PAGE_SIZE, 0);\n\tr0 = " + entry("pt0", 0) + ";\n\tr1 = " + entry("pt0", 1) + ";\n", "0:r0=0; 0:r1=7; 0:r2=0; [pmd]=pt0;"},
		{"zap reclaim", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n", "\tzap_pte_range(mm, vma, pmd, 0, PAGE_SIZE, 1);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		{"zap reclaim non-empty", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n\tpt0[5] = 7;\n", "\tzap_pte_range(mm, vma, pmd, 0, PAGE_SIZE, 1);\n\tr0 = " + entry("pt0", 5) + ";\n", "0:r0=7; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"try_to_free_pte", "\tpmd_t pmd = pt0;\n", "\ttry_to_free_pte(mm, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		// GUP-fast finds the page, or nothing behind a none PMD.
		{"gup-fast", "\tpmd_t pmd = pt0;\n\tpt0[2] = 9;\n", "\tr0 = gup_fast(mm, pmd, 2 * PAGE_SIZE);\n", "0:r0=9; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"gup-fast none", "\tpmd_t pmd;\n", "\tr0 = gup_fast(mm, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		// filemap's recheck: VM_FAULT_NOPAGE when the PTE is there.
		{"filemap recheck", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n\tvma.vm_flags = VM_LOCKED;\n", "\tr0 = filemap_fault_recheck_pte_none(mm, vma, pmd, 0);\n\tr1 = filemap_fault_recheck_pte_none(mm, vma, pmd, PAGE_SIZE);\n", "0:r0=256; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		{"filemap recheck v6.9-rc1", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n\tvma.vm_flags = VM_LOCKED;\n", "\tptl = pte_lockptr(mm, pmd);\n\tr0 = filemap_fault_recheck_pte_none_v6_9_rc1(vma, pmd, 0, ptl);\n\tr1 = filemap_fault_recheck_pte_none_v6_9_rc1(vma, pmd, PAGE_SIZE, ptl);\n", "0:r0=256; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		// The smaps walk counts present PTEs, and a huge PMD as a whole.
		{"smaps", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n\tpt0[2] = 7;\n", "\tr0 = smaps_pte_range(mm, vma, pmd, 0, 3);\n\tr1 = smaps_pte_range_v6_4(mm, vma, pmd, 0, 3);\n", "0:r0=2; 0:r1=2; 0:r2=0; [pmd]=pt0;"},
		{"smaps huge", "\tpmd_t pmd = PMD_HUGE;\n", "\tr0 = smaps_pte_range(mm, vma, pmd, 0, 3);\n", "0:r0=3; 0:r1=0; 0:r2=0; [pmd]=1099511627776;"},
		// pmd_trans_huge_lock() returns the PMD lock held for a huge PMD
		// only.
		{"pmd_trans_huge_lock", "\tpmd_t pmd = PMD_HUGE;\n", "\tptl = pmd_trans_huge_lock(mm, pmd, vma);\n\tr0 = ptl != NULL;\n\tr1 = spin_is_locked(ptl);\n\tspin_unlock(ptl);\n", "0:r0=1; 0:r1=1; 0:r2=0; [pmd]=1099511627776;"},
		{"pmd_trans_huge_lock table", "\tpmd_t pmd = pt0;\n", "\tptl = pmd_trans_huge_lock(mm, pmd, vma);\n\tr0 = ptl != NULL;\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=pt0;"},
		// munmap: free_pgtables() clears the PMD and frees the table.
		{"free_pgtables", "\tpmd_t pmd = pt0;\n", "\tfree_pgtables(mm, mapping, vma, pmd, 0);\n", "0:r0=0; 0:r1=0; 0:r2=0; [pmd]=0;"},
		// A secondary MMU walk sees the PTE; after an invalidation that
		// clears its cache it walks the live PMD again.
		{"secondary mmu", "\tpmd_t pmd = pt0;\n\tpt0[0] = 6;\n", "\tr0 = secondary_mmu_walk(mm, pmd, 0);\n\tmmu_notifier_invalidate_range_start(mm);\n\tr1 = secondary_mmu_walk(mm, pmd, 0);\n\tmmu_notifier_invalidate_range_end(mm);\n\tr2 = secondary_mmu_walk(mm, pmd, 0);\n", "0:r0=6; 0:r1=0; 0:r2=6; [pmd]=pt0;"},
		// The folio lock and per-VMA locks.
		{"folio and vma locks", "\tpmd_t pmd = pt0;\n", "\tfolio_lock(folio);\n\tr0 = folio_trylock(folio);\n\tfolio_unlock(folio);\n\tr1 = lock_vma_under_rcu(mm, vma) == vma;\n\tvma_end_read(vma);\n\tvma_start_write(vma);\n\tr2 = lock_vma_under_rcu(mm, vma) == NULL;\n\tvma_end_write(vma);\n", "0:r0=0; 0:r1=1; 0:r2=1; [pmd]=pt0;"},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			got, findings := runOne(t, pathWorld(c.init, c.body))
			if got != c.want || len(findings) != 0 {
				t.Errorf("got %s %v\nwant %s", got, findings, c.want)
			}
		})
	}
}
