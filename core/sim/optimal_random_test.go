package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// Page-table blocks for random programs: kernel paths of the prelude.
var ptBlocks = []string{
	"pte = pte_offset_map_lock(mm, pmd, ADDR, &ptl); if (pte) { set_pte_at(mm, ADDR, pte, VAL); pte_unmap_unlock(pte, ptl); }",
	"try_to_free_pte(mm, pmd, 0);",
	"r = do_anonymous_page(mm, vma, pmd, ADDR, VAL);",
	"zap_pte_range(mm, vma, pmd, 0, PAGE_SIZE, 1);",
	"r = gup_fast(mm, pmd, ADDR);",
	"r = smaps_pte_range(mm, vma, pmd, 0, 1);",
	"retract_page_tables(mapping, mm, vma, pmd, 0);",
	"r = secondary_mmu_walk(mm, pmd, 0);",
	"pml = pmd_lock(mm, pmd); ptl = pte_lockptr(mm, pmd); if (ptl != pml) spin_lock_nested(ptl, SINGLE_DEPTH_NESTING); old = 0; if (pte_none(ptep_get(pte_offset_kernel(pmdp_get_lockless(pmd), 0x1000)))) old = pmdp_collapse_flush(mm, 0, pmd); if (ptl != pml) spin_unlock(ptl); spin_unlock(pml); if (old) pte_free_defer(mm, pmd_pgtable(old));",
	"pte_alloc(mm, pmd);",
	"mmap_read_lock(mm); r = gup_fast(mm, pmd, ADDR); mmap_read_unlock(mm);",
	"mmap_write_lock(mm); zap_pte_range(mm, vma, pmd, 0, PAGE_SIZE, 1); mmap_write_unlock(mm);",
	"rcu_read_lock(); r = pmdp_get_lockless(pmd); rcu_read_unlock();",
}

func genPTProgram(rng *rand.Rand, threads, blocks int) string {
	var b strings.Builder
	b.WriteString("C genpt\n{\n\tstruct mm_struct mm;\n\tstruct address_space mapping;\n\tstruct vm_area_struct vma;\n\tpte_table_t t0;\n\tpte_table_t ta = UNALLOCATED;\n\tpte_table_t tb = UNALLOCATED;\n")
	if rng.IntN(3) > 0 {
		b.WriteString("\tpmd_t pmd = t0;\n")
	} else {
		b.WriteString("\tpmd_t pmd;\n")
	}
	b.WriteString("}\n")
	nt := 2 + rng.IntN(threads)
	for t := 0; t < nt; t++ {
		fmt.Fprintf(&b, "P%d(struct address_space *mapping, struct mm_struct *mm, struct vm_area_struct *vma, pmd_t *pmd)\n{\n\tspinlock_t *ptl;\n\tspinlock_t *pml;\n\tpte_t *pte;\n\tpmd_t old;\n\tint r;\n", t)
		nb := 1 + rng.IntN(blocks)
		for k := 0; k < nb; k++ {
			blk := ptBlocks[rng.IntN(len(ptBlocks))]
			blk = strings.ReplaceAll(blk, "ADDR", fmt.Sprintf("%#x", 0x1000*(1+rng.IntN(2))))
			blk = strings.ReplaceAll(blk, "VAL", fmt.Sprint(t+5))
			b.WriteString("\t" + blk + "\n")
		}
		b.WriteString("}\n")
	}
	b.WriteString("exists (pmd=0)\n")
	return b.String()
}

// On random page-table programs built from the prelude's kernel paths,
// optimal DPOR explores one execution per trace, covers at least the
// traces DPOR covers (DPOR explores at least one execution of every
// trace), finds DPOR's states and findings, and, where naive search
// finishes, explores exactly the traces naive search counts.
func TestOptimalRandomPageTablePrograms(t *testing.T) {
	n, threads, blocks := 30, 2, 2
	if testing.Short() {
		n = 5
	}
	if v, _ := strconv.Atoi(os.Getenv("PTLAB_OPTIMAL_RANDOM")); v > 0 {
		n, threads, blocks = v, 2, 3
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var naiveCompared, dporTotal, optTotal int
	for i := 0; i < n; i++ {
		src := genPTProgram(rng, threads, blocks)
		prog, _, err := Compile("genpt.litmus", src)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		opt := explore.Options{Strategy: "dpor", MaxPreemptions: -1, CountTraces: true, MaxExecutions: 100000}
		dpor, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !dpor.Exhaustive {
			continue
		}
		opt.Strategy = "optimal"
		o, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		dporTotal += dpor.Executions
		optTotal += o.Executions
		bad := ""
		if !o.Exhaustive || o.Note != "" || o.SleepBlocked != 0 {
			bad += fmt.Sprintf(" exhaustive %v (%s), note %q, %d sleep-blocked;", o.Exhaustive, o.StopReason, o.Note, o.SleepBlocked)
		}
		if o.Executions != o.Traces || o.Traces < dpor.Traces {
			bad += fmt.Sprintf(" optimal %d executions, %d traces; dpor covered %d;", o.Executions, o.Traces, dpor.Traces)
		}
		if outcomeKey(prog, o) != outcomeKey(prog, dpor) || findingKey(o) != findingKey(dpor) {
			bad += " states or findings differ from dpor's;"
		}
		opt.Strategy, opt.MaxExecutions = "naive", 20000
		naive, err := explore.Explore(context.Background(), prog, opt)
		if err != nil {
			t.Fatal(err)
		}
		if naive.Exhaustive {
			naiveCompared++
			if o.Executions != naive.Traces || outcomeKey(prog, o) != outcomeKey(prog, naive) || findingKey(o) != findingKey(naive) {
				bad += fmt.Sprintf(" naive: %d traces (or states or findings differ);", naive.Traces)
			}
		}
		if bad != "" {
			t.Errorf("program %d:%s\n%s", i, bad, src)
		}
	}
	t.Logf("%d random page-table programs (%d compared with naive): dpor %d executions, optimal %d", n, naiveCompared, dporTotal, optTotal)
}
