package lanes

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/scenarios"
)

func fr(fn string, line, col int, prelude bool) report.Frame {
	return report.Frame{Func: fn, Line: line, Col: col, Prelude: prelude}
}

func step(t int, op, text, span, lock string, stack ...report.Frame) report.Step {
	s := report.Step{Thread: t, Op: op, Text: text, Span: span, Lock: lock, Stack: stack}
	if len(stack) > 0 {
		s.Line, s.Col = stack[0].Line, stack[0].Col
	}
	return s
}

// sample is shaped like sim.Trace's output for scenario R4: P0 inside a
// two-deep prelude call, split by P1's steps, and P1 taking locks.
func sample() *report.Trace {
	outer := fr("pte_offset_map_ro_nolock", 122, 8, true)
	return &report.Trace{
		Threads: []string{"P0", "P1", "RCU"},
		Steps: []report.Step{
			step(0, "rcu_read_lock", "rcu_read_lock()", "rcu-enter", "rcu", fr("P0", 26, 8, false), outer, fr("__pte_offset_map", 23, 2, true)),
			step(0, "pmdp_get_lockless", "pmdp_get_lockless(pmd) = pt0", "", "", fr("P0", 26, 8, false), outer, fr("__pte_offset_map", 24, 11, true)),
			step(1, "spin_lock", "spin_lock(A)", "acquire", "A", fr("P1", 41, 8, false), fr("pmd_lock", 161, 2, true)),
			step(0, "READ_ONCE", "READ_ONCE(x) = 0", "", "", fr("P0", 26, 8, false), outer), // the same call, resumed
			step(1, "spin_lock", "spin_lock(B)", "acquire", "B", fr("P1", 44, 3, false)),
			step(1, "spin_unlock", "spin_unlock(B)", "release", "B", fr("P1", 45, 3, false)),
			step(0, "rcu_read_unlock", "rcu_read_unlock()", "rcu-exit", "rcu", fr("P0", 30, 2, false)),
			step(1, "spin_unlock", "spin_unlock(A)", "release", "A", fr("P1", 46, 2, false)),
			step(2, "rcu_callback", "RCU callback", "", ""), // the RCU thread has no stack
			step(1, "helper_op", "WRITE_ONCE(y, 1)", "", "", fr("P1", 47, 2, false), fr("helper", 12, 2, false)),
			step(1, "helper_op", "WRITE_ONCE(y, 2)", "", "", fr("P1", 47, 2, false), fr("helper", 13, 2, false)),
			step(1, "down_read", "down_read(mmap_lock)", "acquire", "mmap_lock", fr("P1", 48, 2, false)),
		},
	}
}

func show(l *Layout, rows []Row) string {
	var b strings.Builder
	for _, r := range rows {
		mark := " "
		if r.Group >= 0 {
			mark = "+"
			if r.Expanded {
				mark = "-"
			}
		}
		fmt.Fprintf(&b, "%s%s%s %s [%d-%d]\n", strings.Repeat("  ", r.Indent), mark, l.Trace.Threads[r.Thread], l.Label(r), r.First, r.Last)
	}
	return b.String()
}

func TestGroupsAndRows(t *testing.T) {
	l := New(sample())
	var gs []string
	for _, g := range l.Groups {
		gs = append(gs, fmt.Sprintf("%d:%s/%s d%d [%d-%d] part%d parent%d @%d:%d", g.ID, l.Trace.Threads[g.Thread], g.Func, g.Depth, g.First, g.Last, g.Part, g.Parent, g.Line, g.Col))
	}
	want := []string{
		"0:P0/pte_offset_map_ro_nolock d1 [0-1] part1 parent-1 @26:8",
		"1:P0/__pte_offset_map d2 [0-1] part0 parent0 @26:8",
		"2:P1/pmd_lock d1 [2-2] part0 parent-1 @41:8",
		"3:P0/pte_offset_map_ro_nolock d1 [3-3] part2 parent-1 @26:8",
		"4:P1/helper d1 [9-10] part0 parent-1 @47:2",
	}
	if got := strings.Join(gs, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("groups:\n%s\nwant\n%s", got, strings.Join(want, "\n"))
	}

	collapsed := show(l, l.Rows(l.DefaultExpanded))
	wantRows := `+P0 pte_offset_map_ro_nolock(…) part 1: 2 steps [0-1]
+P1 pmd_lock(…): 1 step [2-2]
+P0 pte_offset_map_ro_nolock(…) part 2: 1 step [3-3]
 P1 spin_lock(B) [4-4]
 P1 spin_unlock(B) [5-5]
 P0 rcu_read_unlock() [6-6]
 P1 spin_unlock(A) [7-7]
 RCU RCU callback [8-8]
-P1 helper(…): 2 steps [9-10]
   P1 WRITE_ONCE(y, 1) [9-9]
   P1 WRITE_ONCE(y, 2) [10-10]
 P1 down_read(mmap_lock) [11-11]
`
	if collapsed != wantRows {
		t.Errorf("default rows:\n%s\nwant\n%s", collapsed, wantRows)
	}
	all := show(l, l.Rows(func(int) bool { return true }))
	wantAll := `-P0 pte_offset_map_ro_nolock(…) part 1: 2 steps [0-1]
  -P0 __pte_offset_map(…): 2 steps [0-1]
     P0 rcu_read_lock() [0-0]
     P0 pmdp_get_lockless(pmd) = pt0 [1-1]
-P1 pmd_lock(…): 1 step [2-2]
   P1 spin_lock(A) [2-2]
-P0 pte_offset_map_ro_nolock(…) part 2: 1 step [3-3]
   P0 READ_ONCE(x) = 0 [3-3]
`
	if !strings.HasPrefix(all, wantAll) {
		t.Errorf("expanded rows:\n%s\nwant a prefix\n%s", all, wantAll)
	}
	// Every step appears exactly once among the step rows when all is expanded.
	seen := map[int]int{}
	for _, r := range l.Rows(func(int) bool { return true }) {
		if r.Step >= 0 {
			seen[r.Step]++
		}
		if r.Selectable() != (r.Step >= 0) {
			t.Errorf("row %+v: selectable %v", r, r.Selectable())
		}
	}
	if len(seen) != len(l.Trace.Steps) {
		t.Errorf("expanded rows show %d distinct steps, want %d", len(seen), len(l.Trace.Steps))
	}
}

func TestSpans(t *testing.T) {
	l := New(sample())
	var got []string
	for _, s := range l.Spans {
		got = append(got, fmt.Sprintf("%s %s/%s [%d,%d] track%d color%d", l.Trace.Threads[s.Thread], s.Kind, s.Name, s.Start, s.End, s.Track, s.Color))
	}
	want := []string{
		"P0 rcu/rcu [0,6] track0 color-1",
		"P1 lock/A [2,7] track0 color0",
		"P1 lock/B [4,5] track1 color1",
		"P1 read/mmap_lock [11,-1] track0 color2", // track 0 is free again; still held at the end
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("spans:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fmt.Sprint(l.Tracks) != "[1 2 0]" {
		t.Errorf("tracks = %v, want [1 2 0]", l.Tracks)
	}
	rows := l.Rows(l.DefaultExpanded)
	// Row 3 is P1's spin_lock(B) at step 4: A's bar crosses it, B's starts.
	bars := l.Bars(rows[3])
	if fmt.Sprint(bars) != "[[{0 false false}] [{1 false false} {2 true false}] []]" {
		t.Errorf("bars on %q: %v", l.Label(rows[3]), bars)
	}
	// The first collapsed row [0-1] opens P0's RCU section.
	if b := l.Bars(rows[0]); fmt.Sprint(b) != "[[{0 true false}] [] []]" {
		t.Errorf("bars on the first row: %v", b)
	}
}

func TestDowngradeAndRecursion(t *testing.T) {
	tr := &report.Trace{Threads: []string{"P0"}, Steps: []report.Step{
		step(0, "down_write", "", "acquire", "s", fr("P0", 1, 1, false)),
		step(0, "downgrade_write", "", "downgrade", "s", fr("P0", 2, 1, false)), // the read bar continues the write bar on its track
		step(0, "up_read", "", "release", "s", fr("P0", 3, 1, false)),
		step(0, "spin_lock", "", "acquire", "l", fr("P0", 4, 1, false)),
		step(0, "spin_lock", "", "acquire", "l", fr("P0", 5, 1, false)),
		step(0, "spin_unlock", "", "release", "l", fr("P0", 6, 1, false)),
		step(0, "spin_unlock", "", "release", "l", fr("P0", 7, 1, false)),
		step(0, "spin_unlock", "", "release", "never-taken", fr("P0", 8, 1, false)),
	}}
	l := New(tr)
	var got []string
	for _, s := range l.Spans {
		got = append(got, fmt.Sprintf("%s/%s [%d,%d] t%d", s.Kind, s.Name, s.Start, s.End, s.Track))
	}
	want := "lock/s [0,1] t0|read/s [1,2] t0|lock/l [3,6] t0|lock/l [4,5] t1"
	if strings.Join(got, "|") != want {
		t.Errorf("spans %s\nwant  %s", strings.Join(got, "|"), want)
	}
}

func TestWorld(t *testing.T) {
	tr := sample()
	tr.Initial.Callbacks = 7
	tr.Steps[1].World.Callbacks = 1
	l := New(tr)
	rows := l.Rows(l.DefaultExpanded)
	if w := l.World(rows[0]); w.Callbacks != 1 {
		t.Errorf("world after the first collapsed row (steps 0-1) has %d callbacks, want 1", w.Callbacks)
	}
	if w := l.World(Row{First: -1, Last: -1}); w.Callbacks != 7 {
		t.Errorf("world before any step: %+v", w)
	}
}

func TestCallText(t *testing.T) {
	script := "P0()\n{\n\tpte = pte_offset_map_lock(mm, pmd,\n\t\taddr, &ptl);\n\tspin_lock(f(a, b));\n}\n"
	for _, tc := range []struct {
		line, col int
		fn, want  string
	}{
		{3, 2, "pte_offset_map_lock", "pte_offset_map_lock(mm, pmd, addr, &ptl)"},
		{3, 8, "pte_offset_map_lock", "pte_offset_map_lock(mm, pmd, addr, &ptl)"},
		{5, 2, "spin_lock", "spin_lock(f(a, b))"},
		{5, 2, "other", ""},
		{99, 1, "x", ""},
		{3, 500, "x", ""},
	} {
		if got := CallText(script, tc.line, tc.col, tc.fn); got != tc.want {
			t.Errorf("CallText(%d:%d %s) = %q, want %q", tc.line, tc.col, tc.fn, got, tc.want)
		}
	}
}

// TestEngineTraces lays out real traces of every scenario's findings and
// first outcome: groups nest properly, every step is shown once when all
// is expanded, and every bar closes at or after it opens.
func TestEngineTraces(t *testing.T) {
	all, err := scenarios.All()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, sc := range all {
		prog, _, err := sim.Compile(sc.File, sc.Source)
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.Explore(context.Background(), prog, sim.Options{Executions: 200})
		if err != nil {
			t.Fatal(err)
		}
		var toks []string
		for _, f := range res.Findings {
			toks = append(toks, f.Token)
		}
		if len(res.States) > 0 {
			toks = append(toks, res.States[0].Token)
		}
		for _, tok := range toks {
			tr, err := sim.Trace(context.Background(), prog, tok)
			if err != nil {
				t.Fatalf("%s: %v", sc.File, err)
			}
			l := New(tr)
			n := 0
			for _, r := range l.Rows(func(int) bool { return true }) {
				if r.Step >= 0 {
					if r.Step != n {
						t.Fatalf("%s: expanded rows show step %d where step %d belongs", sc.File, r.Step, n)
					}
					n++
				}
			}
			if n != len(tr.Steps) {
				t.Fatalf("%s: %d of %d steps shown", sc.File, n, len(tr.Steps))
			}
			for _, g := range l.Groups {
				if g.Parent >= 0 {
					p := l.Groups[g.Parent]
					if g.First < p.First || g.Last > p.Last || g.Thread != p.Thread {
						t.Errorf("%s: group %+v escapes its parent %+v", sc.File, g, p)
					}
				}
			}
			for _, s := range l.Spans {
				if s.End >= 0 && s.End < s.Start {
					t.Errorf("%s: span %+v ends before it starts", sc.File, s)
				}
			}
			checked++
		}
	}
	if checked < len(all) {
		t.Errorf("checked only %d traces over %d scenarios", checked, len(all))
	}
}

// TestCallsFromOneSite lays out a real trace in which P0 calls a helper
// twice from the same line (a loop): the two calls are two groups, told
// apart by their call numbers (report.Frame.Call), not one group of six
// steps.
func TestCallsFromOneSite(t *testing.T) {
	const src = `C loop

{}

void put(spinlock_t *l, int *x, int v)
{
	spin_lock(l);
	WRITE_ONCE(*x, v);
	spin_unlock(l);
}

P0(spinlock_t *l, int *x)
{
	int i;
	for (i = 1; i <= 2; i++) {
		put(l, x, i);
	}
}

P1(int *x)
{
	int r0;
	r0 = READ_ONCE(*x);
}

exists (1:r0=2)
`
	prog, _, err := sim.Compile("loop.litmus", src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Explore(context.Background(), prog, sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok := ""
	for _, s := range res.States {
		if s.Satisfies {
			tok = s.Token // P1 reads after both calls: P0's six steps run together
		}
	}
	if tok == "" {
		t.Fatal("no execution satisfies the condition")
	}
	tr, err := sim.Trace(context.Background(), prog, tok)
	if err != nil {
		t.Fatal(err)
	}
	l := New(tr)
	var got []string
	for _, g := range l.Groups {
		got = append(got, fmt.Sprintf("%s/%s [%d-%d] part%d @%d", l.Trace.Threads[g.Thread], g.Func, g.First, g.Last, g.Part, g.Line))
	}
	want := "P0/put [0-2] part0 @16|P0/put [3-5] part0 @16"
	if strings.Join(got, "|") != want {
		t.Errorf("groups %s\nwant   %s", strings.Join(got, "|"), want)
	}
}
