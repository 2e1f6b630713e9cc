package sim

import (
	"context"
	"strings"
	"testing"
)

// world is a one-thread page-table test: P0 runs body with mm and pmd.
func world(init, body, cond string) string {
	return "C w\n{\n\tstruct mm_struct mm;\n\tpte_table_t pt0;\n\tpte_table_t pt1;\n" + init + "}\n" +
		"P0(struct mm_struct *mm, pmd_t *pmd, pte_table_t *pt0, pte_table_t *pt1)\n{\n\tspinlock_t *ptl;\n\tpte_t *pte;\n\tpmd_t pmdval;\n\tint r0;\n\tint r1;\n" + body + "}\n" + cond + "\n"
}

func runOne(t *testing.T, src string) (string, []string) {
	t.Helper()
	res, err := Run(context.Background(), "w.litmus", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var states, findings []string
	for _, s := range res.States {
		states = append(states, res.StateLine(s))
	}
	for _, f := range res.Findings {
		findings = append(findings, f.Kind+": "+f.Message)
	}
	return strings.Join(states, " | "), findings
}

// The accessors of mm/pgtable-generic.c on each kind of PMD entry
// (kernel.md §2.1): a table maps, none/huge/non-present fail, a bad
// entry fails and is cleared by pmd_clear_bad().
func TestPteOffsetMap(t *testing.T) {
	body := "\tpte = pte_offset_map(pmd, 0x3000);\n\tif (pte) { r0 = 1; r1 = ptep_get(pte); pte_unmap(pte); }\n"
	cases := []struct{ pmd, want string }{
		{"pt0", "0:r0=1; 0:r1=5; [pmd]=pt0;"},
		{"0", "0:r0=0; 0:r1=0; [pmd]=0;"},
		{"PMD_HUGE", "0:r0=0; 0:r1=0; [pmd]=1099511627776;"},
		{"PMD_NONPRESENT", "0:r0=0; 0:r1=0; [pmd]=2199023255552;"},
		{"PMD_BAD", "0:r0=0; 0:r1=0; [pmd]=0;"},
	}
	for _, c := range cases {
		src := world("\tpmd_t pmd = "+c.pmd+";\n\tpt0[3] = 5;\n", body, "locations [0:r1; pmd]\nexists (0:r0=1)")
		got, findings := runOne(t, src)
		if got != c.want || len(findings) != 0 {
			t.Errorf("pmd = %s: %s %v, want %s", c.pmd, got, findings, c.want)
		}
	}
}

// pte_offset_map_lock() returns with the lock of the table the PMD
// points to, and RCU held; pte_unmap_unlock() releases both.
func TestPteOffsetMapLock(t *testing.T) {
	body := "\tpte = pte_offset_map_lock(mm, pmd, 0x3000, &ptl);\n\tr0 = spin_is_locked(ptl);\n\tr1 = ptl == pt0;\n\tset_pte_at(mm, 0x3000, pte, 9);\n\tpte_unmap_unlock(pte, ptl);\n"
	got, findings := runOne(t, world("\tpmd_t pmd = pt0;\n", body, "locations [pt0]\nexists (0:r0=1 /\\ 0:r1=1)"))
	if got != "0:r0=1; 0:r1=1; [pt0]=0;" || len(findings) != 0 {
		t.Errorf("got %s %v", got, findings)
	}
	// With split PTE locks off the lock is mm->page_table_lock.
	got, _ = runOne(t, world("\tCONFIG_SPLIT_PTE_PTLOCKS = 0;\n\tpmd_t pmd = pt0;\n", "\tpte = pte_offset_map_lock(mm, pmd, 0, &ptl);\n\tr0 = ptl == mm;\n\tpte_unmap_unlock(pte, ptl);\n", "exists (0:r0=1)"))
	if got != "0:r0=1; " && got != "0:r0=1;" {
		t.Errorf("split off: %q", got)
	}
}

// The recheck: a PMD that changes between the snapshot and the lock
// makes pte_offset_map_lock() retry and lock the new table.
func TestPteOffsetMapLockRetries(t *testing.T) {
	src := `C retry
{
	struct mm_struct mm;
	pte_table_t pt0;
	pte_table_t pt1;
	pmd_t pmd = pt0;
}
P0(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *ptl;
	pte_t *pte;
	int r0;
	pte = pte_offset_map_lock(mm, pmd, 0, &ptl);
	if (pte) {
		r0 = ptl == pmdval_lockptr(mm, pmdp_get_lockless(pmd));
		pte_unmap_unlock(pte, ptl);
	}
}
P1(struct mm_struct *mm, pmd_t *pmd, pte_table_t *pt1)
{
	spinlock_t *pml;
	spinlock_t *ptl;
	pml = pmd_lock(mm, pmd);
	ptl = pte_lockptr(mm, pmd);
	spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);
	WRITE_ONCE(*pmd, pt1);
	spin_unlock(ptl);
	spin_unlock(pml);
}
exists (0:r0=0)`
	res, err := Run(context.Background(), "retry.litmus", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Whatever the interleaving, the lock held is the lock of the table
	// the PMD points to when the function returns, because a replacer
	// holds the old table's lock too (kernel.md I2).
	if res.Verdict != "Never" || len(res.Findings) != 0 {
		t.Errorf("verdict %s findings %+v", res.Verdict, res.Findings)
	}
}

func TestRwNolockNeedsPmdval(t *testing.T) {
	_, findings := runOne(t, world("\tpmd_t pmd = pt0;\n", "\tpte = pte_offset_map_rw_nolock(mm, pmd, 0, NULL, &ptl);\n", "exists (true)"))
	// VM_WARN_ON_ONCE(!pmdvalp), reported at the script's call, then the
	// NULL out-parameter is dereferenced.
	joined := strings.Join(findings, "\n")
	if !strings.Contains(joined, "VM_WARN_ON_ONCE: WARNING: VM_WARN_ON_ONCE at 15:8") || !strings.Contains(joined, "NULL pointer") {
		t.Errorf("findings %v", findings)
	}
}

func TestLocalPointers(t *testing.T) {
	_, findings := runOne(t, world("\tpmd_t pmd = pt0;\n", "\tWRITE_ONCE(*pmd, &r0);\n", "exists (true)"))
	if len(findings) != 1 || !strings.Contains(findings[0], "stores the address of a local variable into shared memory") {
		t.Errorf("findings %v", findings)
	}
	_, findings = runOne(t, world("\tpmd_t pmd = pt0;\n", "\tspin_lock(&r0);\n", "exists (true)"))
	if len(findings) != 1 || !strings.Contains(findings[0], "spin_lock on a pointer to a local variable") {
		t.Errorf("findings %v", findings)
	}
}

// A script may replace a prelude function with its own version.
func TestPreludeOverride(t *testing.T) {
	src := world("\tpmd_t pmd = pt0;\n", "\tr0 = pte_offset_map(pmd, 0) == NULL;\n", "exists (0:r0=1)")
	src = strings.Replace(src, "P0(", "pte_t *pte_offset_map(pmd_t *pmd, unsigned long addr) { return NULL; }\nP0(", 1)
	got, _ := runOne(t, src)
	if got != "0:r0=1;" {
		t.Errorf("override not used: %s", got)
	}
}
