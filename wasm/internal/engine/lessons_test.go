package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/lessons"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

func TestLessonsList(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.ListLessons})
	if resp.Type != protocol.Lessons || len(resp.Lessons) != len(all) {
		t.Fatalf("list: %+v", resp)
	}
	for i, l := range resp.Lessons {
		if l.N != i+1 || l.Title != all[i].Title || l.Slug == "" {
			t.Errorf("entry %d: %+v", i, l)
		}
	}
}

func TestGetLesson(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.GetLesson, Lesson: 3})
	if resp.Type != protocol.Lesson || resp.Lesson == nil {
		t.Fatalf("lesson 3: %+v", resp)
	}
	l := resp.Lesson
	want, _ := lessons.Get(3)
	if l.N != 3 || l.Title != want.Title || l.HTML != want.HTML || l.Count < 12 || len(l.Blocks) != len(want.Blocks) {
		t.Errorf("lesson 3: n %d, title %q, count %d, %d blocks", l.N, l.Title, l.Count, len(l.Blocks))
	}
	if !strings.Contains(l.HTML, `id="lesson-3-block-1"`) || !strings.Contains(l.HTML, `data-action="run"`) {
		t.Errorf("lesson 3's HTML lacks its blocks' containers and buttons")
	}
	for i, b := range l.Blocks {
		wb := want.Blocks[i]
		if b.Index != i+1 || b.Kind != wb.Kind || b.Code != wb.Code || b.Describe != wb.Describe() {
			t.Errorf("block %d: %+v", i+1, b)
		}
		if (b.Kind == "exercise") != (b.Goal != "") || (b.Kind == "run") != (b.Expect != "") {
			t.Errorf("block %d: kind %s, goal %q, expect %q", i+1, b.Kind, b.Goal, b.Expect)
		}
	}
	if last := l.Blocks[len(l.Blocks)-1]; last.Kind != "exercise" || last.Goal != "finding:lost-pte" {
		t.Errorf("lesson 3 ends with %+v, want its lost-pte exercise", last)
	}
	for _, n := range []int{0, 99} {
		if bad := ask(t, e, r, protocol.Request{ID: 2 + n, Type: protocol.GetLesson, Lesson: n}); bad.Type != protocol.Error || !strings.Contains(bad.Message, "no lesson") {
			t.Errorf("lesson %d: %+v", n, bad)
		}
	}
}

// TestLessonRunExpect runs lesson blocks as the page's Run button does:
// the result says whether the block's expectation is met, but only when
// the script is the block's own.
func TestLessonRunExpect(t *testing.T) {
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	e, r := newEngine()
	for _, b := range l.Blocks {
		if b.Kind != "run" {
			continue
		}
		resp := ask(t, e, r, protocol.Request{ID: b.Index, Type: protocol.Run, Script: b.Code, Options: protocol.DefaultOptions(), Lesson: 3, Block: b.Index})
		if resp.Type != protocol.Result || resp.Result.Expect == nil || !resp.Result.Expect.Met || resp.Result.Expect.Describe != b.Describe() {
			t.Errorf("block %d: %+v", b.Index, resp.Result.Expect)
		}
	}
	b := l.Blocks[0]
	resp := ask(t, e, r, protocol.Request{ID: 50, Type: protocol.Run, Script: b.Code + "\n// edited\n", Options: protocol.DefaultOptions(), Lesson: 3, Block: 1})
	if resp.Type != protocol.Result || resp.Result.Expect != nil {
		t.Errorf("an edited block was checked against the lesson: %+v", resp.Result.Expect)
	}
	// A bounded run is not exhaustive, so it cannot meet an expectation.
	o := protocol.DefaultOptions()
	o.Executions = 1
	resp = ask(t, e, r, protocol.Request{ID: 51, Type: protocol.Run, Script: b.Code, Options: o, Lesson: 3, Block: 1})
	if x := resp.Result.Expect; x == nil || x.Met || !strings.Contains(x.Problem, "not exhaustive") {
		t.Errorf("a one-execution run: %+v", x)
	}
}

// schedule returns the thread schedule of the execution token names.
func schedule(t *testing.T, src, token string) []int {
	t.Helper()
	prog, _, err := sim.Compile(File, src)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sim.Trace(context.Background(), prog, token)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, s := range tr.Steps {
		out = append(out, s.Thread)
	}
	return out
}

// TestCheckExercise plays lesson 3's exercise in manual mode, as a
// reader would: a schedule that loses the PTE (the witness of an
// exhaustive run) meets the goal; one running the threads one after the
// other does not; an unfinished execution cannot be checked yet.
func TestCheckExercise(t *testing.T) {
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	ex := l.Blocks[len(l.Blocks)-1]
	res, err := ex.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	witness := ""
	for _, f := range res.Findings {
		if f.Kind == ex.Goal.Finding {
			witness = f.Token
		}
	}
	if witness == "" {
		t.Fatalf("no %s finding in lesson 3's exercise", ex.Goal.Finding)
	}
	e, r := newEngine()
	id := 0
	play := func(sched []int) *protocol.SessionState {
		id++
		st := ask(t, e, r, protocol.Request{ID: id, Type: protocol.SessionStart, Script: ex.Code})
		for _, th := range sched {
			id++
			st = ask(t, e, r, protocol.Request{ID: id, Type: protocol.SessionStep, Thread: th})
			if st.Type != protocol.Session {
				t.Fatalf("step %d: %+v", th, st)
			}
		}
		return st.Session
	}
	check := func(tok string) protocol.Response {
		id++
		return ask(t, e, r, protocol.Request{ID: id, Type: protocol.CheckExercise, Lesson: 3, Block: ex.Index, Token: tok})
	}

	sched := schedule(t, ex.Code, witness)
	st := play(sched)
	if st.End == "running" {
		t.Fatalf("the witness schedule %v leaves the execution running", sched)
	}
	if c := check(st.Token); c.Type != protocol.Exercise || !c.Exercise.Met || c.Exercise.Goal != "finding:lost-pte" {
		t.Errorf("the witness schedule %v: %+v", sched, c.Exercise)
	}

	// Serially, P0 then P1 then the rest, the PTE is not lost.
	st = play(nil)
	for st.End == "running" {
		next := -1
		for _, th := range st.Threads {
			if th.Enabled {
				next = th.Index
				break
			}
		}
		id++
		st = ask(t, e, r, protocol.Request{ID: id, Type: protocol.SessionStep, Thread: next}).Session
	}
	if c := check(st.Token); c.Type != protocol.Exercise || c.Exercise.Met {
		t.Errorf("the serial schedule: %+v", c)
	}

	st = play(sched[:2])
	if c := check(st.Token); c.Type != protocol.Error || !strings.Contains(c.Message, "unfinished") {
		t.Errorf("an unfinished execution: %+v", c)
	}
	if c := ask(t, e, r, protocol.Request{ID: 900, Type: protocol.CheckExercise, Lesson: 3, Block: 1, Token: st.Token}); c.Type != protocol.Error || !strings.Contains(c.Message, "not an exercise") {
		t.Errorf("a run block: %+v", c)
	}
}

func TestGetScenario(t *testing.T) {
	e, r := newEngine()
	for i, name := range []string{"R1-retract-vs-uffdio-copy", "R4-ro-nolock-write.fixed", "R4-ro-nolock-write.fixed.litmus"} {
		resp := ask(t, e, r, protocol.Request{ID: i + 1, Type: protocol.GetScenario, Script: name})
		if resp.Type != protocol.Examples || len(resp.Examples) != 1 || resp.Examples[0].Name != strings.TrimSuffix(name, ".litmus") || !strings.HasPrefix(resp.Examples[0].Source, "C ") {
			t.Errorf("%s: %+v", name, resp)
		}
	}
	bad := ask(t, e, r, protocol.Request{ID: 9, Type: protocol.GetScenario, Script: "R99-nothing"})
	if bad.Type != protocol.Error || !strings.Contains(bad.Message, `no scenario "R99-nothing"`) {
		t.Errorf("unknown scenario: %+v", bad)
	}
}
