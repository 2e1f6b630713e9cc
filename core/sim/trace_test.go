package sim

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

const traceScript = `C trace
{
	struct mm_struct mm;
	pte_table_t pt0;
	pmd_t pmd = pt0;
}

P0(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *ptl;
	pte_t *pte;

	pte = pte_offset_map_lock(mm, pmd, 0x1000, &ptl);
	if (pte) {
		set_pte_at(mm, 0x1000, pte, 7);
		pte_unmap_unlock(pte, ptl);
	}
}

P1(struct mm_struct *mm, pmd_t *pmd)
{
	spinlock_t *pml;
	spinlock_t *ptl;
	pmd_t old;

	pml = pmd_lock(mm, pmd);
	ptl = pte_lockptr(mm, pmd);
	if (ptl != pml)
		spin_lock_nested(ptl, SINGLE_DEPTH_NESTING);
	old = pmdp_collapse_flush(mm, 0, pmd);
	if (ptl != pml)
		spin_unlock(ptl);
	spin_unlock(pml);
	pte_free_defer(mm, pmd_pgtable(old));
}

exists (pmd=0)
`

// TestTrace replays a finding's token and checks the trace against the
// world it describes: every step is there with its call stack, lock
// spans pair up, and the world view follows the table's life cycle.
func TestTrace(t *testing.T) {
	prog, _, err := Compile("trace.litmus", traceScript)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Explore(context.Background(), prog, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	for _, f := range res.Findings {
		if f.Kind == "lost-pte" {
			tok = f.Token
		}
	}
	if tok == "" {
		t.Fatalf("no lost-pte finding; findings: %+v", res.Findings)
	}
	tr, err := Trace(context.Background(), prog, tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.Threads, ","); got != "P0,P1,RCU" {
		t.Errorf("threads = %s, want P0,P1,RCU", got)
	}
	if tr.End != "complete" {
		t.Errorf("end = %q, want complete", tr.End)
	}
	found := false
	for _, f := range tr.Findings {
		found = found || f.Kind == "lost-pte"
	}
	if !found {
		t.Errorf("the trace's findings lack lost-pte: %+v", tr.Findings)
	}
	if len(tr.Initial.Tables) != 1 || tr.Initial.Tables[0].State != "attached" || len(tr.Initial.PMDs) != 1 || tr.Initial.PMDs[0].Table != "pt0" {
		t.Errorf("initial world = %+v", tr.Initial)
	}
	open := map[string]int{} // lock -> holder
	inPrelude, states := 0, map[string]bool{}
	for i, s := range tr.Steps {
		if len(s.Stack) == 0 && s.Thread < 2 {
			t.Errorf("step %d (%s) has no stack", i, s.Text)
		}
		if len(s.Stack) > 1 && s.Stack[1].Prelude {
			inPrelude++
		}
		switch s.Span {
		case "acquire":
			if h, ok := open[s.Lock]; ok {
				t.Errorf("step %d: %s acquired by P%d while P%d holds it", i, s.Lock, s.Thread, h)
			}
			open[s.Lock] = s.Thread
		case "release":
			if open[s.Lock] != s.Thread {
				t.Errorf("step %d: %s released by P%d, not its holder", i, s.Lock, s.Thread)
			}
			delete(open, s.Lock)
		}
		if len(s.World.Locks) != len(open) {
			t.Errorf("step %d: world shows %d locks held, spans say %d", i, len(s.World.Locks), len(open))
		}
		for _, tb := range s.World.Tables {
			states[tb.State] = true
		}
	}
	if len(open) != 0 {
		t.Errorf("locks still held at the end: %v", open)
	}
	if inPrelude == 0 {
		t.Error("no step is inside a prelude call")
	}
	// Calls are numbered: P0's pte_offset_map_lock() and its later
	// pte_unmap_unlock() are different calls, each step of one call has
	// the same number.
	calls := map[string]map[int]bool{}
	for _, s := range tr.Steps {
		if s.Thread == 0 && len(s.Stack) > 1 {
			if calls[s.Stack[1].Func] == nil {
				calls[s.Stack[1].Func] = map[int]bool{}
			}
			calls[s.Stack[1].Func][s.Stack[1].Call] = true
		}
	}
	if a, b := calls["pte_offset_map_lock"], calls["pte_unmap_unlock"]; len(a) != 1 || len(b) != 1 {
		t.Errorf("call numbers: %v", calls)
	} else {
		for k := range a {
			if b[k] {
				t.Errorf("two calls share number %d", k)
			}
		}
	}
	for _, want := range []string{"attached", "detached", "free-pending", "freed"} {
		if !states[want] {
			t.Errorf("the table is never %s along the trace (states %v)", want, states)
		}
	}
	last := tr.Steps[len(tr.Steps)-1].World
	if len(last.PMDs) != 1 || last.PMDs[0].State != "none" {
		t.Errorf("final PMDs = %+v, want one none entry", last.PMDs)
	}
	// Same token, same bytes.
	a, _ := json.Marshal(tr)
	tr2, err := Trace(context.Background(), prog, tok)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tr2)
	if string(a) != string(b) {
		t.Error("two traces of one token differ")
	}
	if _, err := Trace(context.Background(), prog, "ptl1.garbage"); err == nil {
		t.Error("a corrupt token was accepted")
	}
}

// A manual-mode prefix traces too: its steps so far, End "running".
func TestTracePrefix(t *testing.T) {
	prog, _, err := Compile("trace.litmus", traceScript)
	if err != nil {
		t.Fatal(err)
	}
	s := explore.NewSession(prog)
	for i := 0; i < 3; i++ {
		if err := s.Step(1); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := Trace(context.Background(), prog, s.Token())
	if err != nil {
		t.Fatal(err)
	}
	if tr.End != "running" || len(tr.Steps) != 3 || tr.Steps[2].Thread != 1 {
		t.Errorf("end %q, %d steps", tr.End, len(tr.Steps))
	}
}
