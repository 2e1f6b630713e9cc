package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/source"
)

// Each bad input must give a positioned message. want is a substring of
// the first diagnostic, which must start with file:line:col.
var badInputs = []struct {
	name, src, want string
}{
	{"syntax", `C t
{}
P0(int *x) { WRITE_ONCE(*x, 1) }
exists (x=1)`, "t.litmus:3:32: expected \";\", found \"}\""},
	{"unknown-primitive", `C t
{}
P0(int *x) { WRITE_ONC(*x, 1); }
exists (x=1)`, "t.litmus:3:14: undefined function WRITE_ONC (did you mean WRITE_ONCE?)"},
	{"unknown-name", `C t
{}
P0(int *x) { int r0; r0 = READ_ONCE(*y); }
exists (x=1)`, "t.litmus:3:38: undefined name y"},
	{"typo-register", `C t
{}
P0(int *x) { int r0; int r1; r1 = rr0 + 1; }
exists (x=1)`, "t.litmus:3:35: undefined name rr0 (did you mean r0?)"},
	{"arity", `C t
{}
P0(int *x) { WRITE_ONCE(*x); }
exists (x=1)`, "t.litmus:3:14: WRITE_ONCE takes 2 arguments, called with 1"},
	{"helper-arity", `C t
{}
int add(int a, int b) { return a + b; }
P0(int *x) { WRITE_ONCE(*x, add(1)); }
exists (x=1)`, "t.litmus:4:29: add takes 2 arguments, called with 1"},
	{"condition-var", `C t
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
exists (z=1)`, "t.litmus:4:9: undefined shared variable z"},
	{"thread-order", `C t
{}
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (x=1)`, "t.litmus:3:1: thread P1 out of order: expected P0"},
	{"break-outside-loop", `C t
{}
P0(int *x) { break; }
exists (x=1)`, "t.litmus:3:14: break is not inside a loop"},
	{"goto-undefined", `C t
{}
P0(int *x) { goto again; }
exists (x=1)`, "t.litmus:3:14: goto again: label again is not defined in P0"},
	{"missing-init", `C t
P0(int *x) { }`, "t.litmus:2:15: missing init section"},
	{"bad-header", `{}
P0(int *x) { }`, "t.litmus:1:1: expected a litmus header"},
	{"assign-shared", `C t
{}
P0(int *x) { x = 1; }
exists (x=1)`, "t.litmus:3:14: cannot assign to x"},
	{"unterminated-comment", `C t
(* never closed
{}`, "t.litmus:2:1: comment not terminated"},
	{"pte-index-range", `C t
{ pte_table_t pt0; pt0[600] = 1; }
P0(int *x) { }
exists (true)`, "t.litmus:2:24: entry index 600 out of range [0, 512)"},
	{"not-a-table", `C t
{ int x; x[1] = 2; }
P0(int *x) { }
exists (true)`, "t.litmus:2:10: x is not a PTE table"},
	{"pmd-unknown-table", `C t
{ pte_table_t pt0; pmd_t pmd = pt1; }
P0(pmd_t *pmd) { }
exists (true)`, "t.litmus:2:32: undefined shared variable pt1 (did you mean pt0?)"},
	{"bad-config", `C t
{ CONFIG_SPLIT_PTE_PTLOCKS = 2; }
P0(int *x) { }
exists (true)`, "t.litmus:2:3: CONFIG_SPLIT_PTE_PTLOCKS must be set to 0 or 1"},
	{"non-pointer-param", `C t
{}
P0(int x) { }
exists (x=1)`, "t.litmus:3:8: parameter x of P0 must be a pointer"},
}

func TestBadInputs(t *testing.T) {
	for _, c := range badInputs {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(context.Background(), "t.litmus", c.src, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			list, ok := err.(source.List)
			if !ok {
				t.Fatalf("error %T %v is not a positioned list", err, err)
			}
			if first := list[0].Error(); !strings.Contains(first, c.want) {
				t.Errorf("first error\n %s\nwant it to contain\n %s\n(all: %v)", first, c.want, err)
			}
			for _, e := range list {
				if !e.Pos.IsValid() {
					t.Errorf("error without a position: %v", e)
				}
			}
		})
	}
}

// herd accepts these files, so ptlab does too, with a positioned warning.
func TestWarnings(t *testing.T) {
	src := `C t
{}
P0(int *x) { int r0; r0 = READ_ONCE(*x); }
P1(int *y) { int r1; r1 = READ_ONCE(*x); }
exists (0:r0=0 /\ 1:r2=0)`
	res, err := Run(context.Background(), "t.litmus", src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"t.litmus:4:38: warning: x is a shared variable but not a parameter of P1",
		"t.litmus:5:19: warning: P1 never uses register r2 (did you mean r1?)",
	}
	if len(res.Warnings) != len(want) {
		t.Fatalf("warnings %q, want %d", res.Warnings, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(res.Warnings[i], w) {
			t.Errorf("warning %d: %q, want prefix %q", i, res.Warnings[i], w)
		}
	}
	// Following herd, x in P1 is a thread-local register: a NULL deref.
	if len(res.Findings) == 0 || res.Findings[0].Kind != "runtime-error" || !strings.Contains(res.Findings[0].Message, "NULL pointer") {
		t.Errorf("findings %+v: want the NULL dereference herd's reading implies", res.Findings)
	}
}

func TestMalformedReplayToken(t *testing.T) {
	src := `C t
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
exists (x=1)`
	for _, tok := range []string{"xyz", "ptl1.@@@", "ptl1."} {
		_, err := Run(context.Background(), "t.litmus", src, Options{Replay: tok})
		if err == nil || !strings.Contains(err.Error(), "replay token") {
			t.Errorf("token %q: error %v", tok, err)
		}
	}
}

func TestWorldErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"C t\n{ struct vm_area_struct vma; vma.vm_flag = 1; }\nP0(int *x) { }\nexists (true)", "t.litmus:2:30: unknown field vm_flag (did you mean vm_flags?)"},
		{"C t\n{}\nP0(struct vm_area_struct *vma) { int r; r = vma->anon_vmaa; }\nexists (true)", "t.litmus:3:50: unknown field anon_vmaa (did you mean anon_vma?)"},
		// A prelude function called with the wrong arguments.
		{"C t\n{ struct mm_struct mm; pte_table_t pt0; pmd_t pmd = pt0; }\nP0(struct mm_struct *mm, pmd_t *pmd) { pte_t *pte; pte = pte_offset_map_lock(mm, pmd); }\nexists (true)", "t.litmus:3:58: pte_offset_map_lock takes 4 arguments, called with 2"},
		// A freed (never allocated) table used in the init section.
		{"C t\n{ pte_table_t spare = UNALLOCATED; pmd_t pmd = spare; }\nP0(pmd_t *pmd) { }\nexists (true)", "t.litmus:2:48: spare is UNALLOCATED"},
		{"C t\n{ pte_table_t spare = UNALLOCATED; spare[2] = 5; }\nP0(int *x) { }\nexists (true)", "t.litmus:2:36: spare is UNALLOCATED"},
		// An impossible configuration.
		{"C t\n{ CONFIG_SPLIT_PTE_PTLOCKS = 0; CONFIG_SPLIT_PMD_PTLOCKS = 1; }\nP0(int *x) { }\nexists (true)", "t.litmus:2:33: impossible configuration"},
	}
	for _, c := range cases {
		_, err := Run(context.Background(), "t.litmus", c.src, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}
