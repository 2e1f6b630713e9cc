package kernel

import (
	"regexp"
	"strings"
	"testing"
)

// TestPreludeParses checks that the prelude parses, holds every
// primitive and kernel path issue 3 lists, and that each function's
// comment cites where it comes from in the kernel (a source file) or
// says it is ptlab's own model.
func TestPreludeParses(t *testing.T) {
	fs, err := Funcs()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fs {
		if have[f.Name] {
			t.Errorf("%s defined twice", f.Name)
		}
		have[f.Name] = true
	}
	for _, name := range []string{
		// kernel.md §2
		"__pte_offset_map", "pte_offset_map", "pte_unmap", "pte_lockptr", "pte_offset_map_lock",
		"pte_unmap_unlock", "pte_offset_map_ro_nolock", "pte_offset_map_rw_nolock", "pte_offset_map_nolock",
		"pmd_lock", "pmd_trans_huge_lock", "pmd_install", "__pte_alloc", "pte_alloc", "pte_alloc_map_lock",
		"pte_free_tlb", "tlb_remove_table_one", "free_pgtables",
		"mmap_read_lock", "mmap_write_trylock", "i_mmap_lock_write", "folio_lock", "vma_start_read",
		"lock_vma_under_rcu", "mmu_notifier_invalidate_range_start", "mmu_notifier_invalidate_range_end",
		// kernel.md §3
		"retract_page_tables_v6_0", "retract_page_tables_v6_4", "retract_page_tables_rcu_v1",
		"retract_page_tables_v6_6", "retract_page_tables", "collapse_pte_mapped_thp",
		"collapse_pte_mapped_thp_v6_6_rc", "mfill_atomic_install_pte", "mfill_atomic_copy",
		"move_pages_pte_v6_13", "move_pages_pte", "do_anonymous_page", "handle_pte_fault",
		"zap_pte_range", "try_to_free_pte", "try_get_and_clear_pmd", "gup_fast",
		"filemap_fault_recheck_pte_none_v6_9_rc1", "filemap_fault_recheck_pte_none",
		"smaps_pte_range_v6_4", "smaps_pte_range", "pte_offset_map_lock_v6_4",
	} {
		if !have[name] {
			t.Errorf("the prelude lacks %s", name)
		}
	}
	cite := regexp.MustCompile(`\b(mm|include|fs|arch)/[a-z0-9_/-]+\.[ch]\b|\bptlab\b`)
	for _, f := range fs {
		src, _ := FuncSource(f.Name) // with the comment block just above it, if any
		if !strings.HasPrefix(src, "/*") {
			t.Errorf("%s (line %d) has no comment", f.Name, f.Pos.Line)
			continue
		}
		text := src[:strings.Index(src, "*/")+2]
		if !cite.MatchString(text) && !strings.Contains(text, "friends") {
			t.Errorf("%s: its comment cites no kernel source file:\n%s", f.Name, text)
		}
	}
}

// FuncSource gives a function with its comment, which compiles on its own
// as a replacement in a script.
func TestFuncSource(t *testing.T) {
	src, ok := FuncSource("pte_offset_map_lock")
	if !ok {
		t.Fatal("pte_offset_map_lock not found")
	}
	if !strings.HasPrefix(src, "/*") || !strings.Contains(src, "mm/pgtable-generic.c") || !strings.HasSuffix(src, "}\n") {
		t.Errorf("source:\n%s", src)
	}
	if strings.Count(src, "pte_t *pte_offset_map_lock(") != 1 || strings.Contains(src, "pte_unmap_unlock(pte_t") {
		t.Errorf("source holds more than the function:\n%s", src)
	}
	if _, ok := FuncSource("no_such_function"); ok {
		t.Error("found a function that does not exist")
	}
	if n := len(Names()); n < 70 {
		t.Errorf("%d names", n)
	}
}
