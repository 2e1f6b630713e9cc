package kernel

import "testing"

func TestPreludeParses(t *testing.T) {
	fs, err := Funcs()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"__pte_offset_map", "pmd_clear_bad", "pte_offset_map", "pte_unmap", "pte_lockptr",
		"pte_offset_map_lock", "pte_unmap_unlock", "pte_offset_map_ro_nolock", "pte_offset_map_rw_nolock",
		"pte_offset_map_nolock", "pmd_lock", "mmap_read_lock", "mmap_read_unlock", "mmap_write_lock",
		"mmap_write_unlock", "mmap_write_trylock", "mmap_write_downgrade", "userfaultfd_wp", "userfaultfd_missing",
		"pmd_install", "__pte_alloc", "pte_alloc", "pte_alloc_map_lock"}
	if len(fs) != len(want) {
		t.Fatalf("%d functions, want %d", len(fs), len(want))
	}
	for i, f := range fs {
		if f.Name != want[i] {
			t.Errorf("function %d is %s, want %s", i, f.Name, want[i])
		}
	}
}
