//go:build !js

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/lessons"
)

// openLesson navigates to index.html#lesson=N and waits until the lesson
// pane shows it.
func openLesson(t *testing.T, ctx ctxT, base string, n int) {
	t.Helper()
	navigate(t, ctx, fmt.Sprintf("%s/index.html#lesson=%d", base, n))
	waitLesson(t, ctx, n)
}

func waitLesson(t *testing.T, ctx ctxT, n int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`document.body.dataset.lesson === "%d" && document.getElementById("lesson-body").dataset.state === "shown"`, n), runWait, fmt.Sprintf("lesson %d to be shown", n))
}

// rect is an element's box in the viewport.
type rect struct{ Left, Top, Right, Bottom float64 }

func box(t *testing.T, ctx ctxT, css string) rect {
	t.Helper()
	return eval[rect](t, ctx, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return {Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom}; })()`, css))
}

// TestLessonRunBesideText opens lesson 3 by its link, presses Run on its
// first block and checks the result and the interleaving appear in the
// results pane while the block stays in view in the lesson pane.
func TestLessonRunBesideText(t *testing.T) {
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	base := serveSite(t)
	openLesson(t, ctx, base, 3)
	if h := text(t, ctx, "lesson-body"); !strings.Contains(h, l.Title) || !strings.Contains(h, "Lesson 3 of") {
		t.Errorf("the lesson pane does not show lesson 3's title %q", l.Title)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#lesson-body .litmus-block").length`); n != len(l.Blocks) {
		t.Errorf("%d runnable blocks shown, want %d", n, len(l.Blocks))
	}
	if title := eval[string](t, ctx, `document.title`); !strings.Contains(title, "Lesson 3") {
		t.Errorf("document title %q", title)
	}
	// Kernel links open in a new tab; lesson links are fragments.
	if n := eval[int](t, ctx, `[...document.querySelectorAll("#lesson-body a[href^='https://']")].filter(a => a.target !== "_blank" || a.rel !== "noopener").length`); n != 0 {
		t.Errorf("%d kernel links would replace the playground", n)
	}

	b := l.Blocks[0] // "no-recheck": a lost-pte finding
	sel := fmt.Sprintf("#lesson-3-block-%d", b.Index)
	eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"}), true`, sel))
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; return true })()`)
	click(t, ctx, sel+` button[data-action="run"]`)
	waitFor(t, ctx, `document.body.dataset.result === "done"`, runWait, "the block's result")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the block's interleaving")
	if got := value(t, ctx, "editor"); got != b.Code {
		t.Errorf("the editor does not hold the block's code")
	}
	title := text(t, ctx, "trace-title")
	t.Logf("interleaving: %s", title)
	if !strings.Contains(title, "Lesson 3, block 1") || !strings.Contains(title, "LOST-PTE") {
		t.Errorf("interleaving title %q: want lesson 3, block 1's lost-pte", title)
	}
	if rows := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`); rows < 2 {
		t.Errorf("the interleaving has %d rows", rows)
	}
	if sum := text(t, ctx, "summary"); !strings.Contains(sum, "As the lesson says") || !strings.Contains(sum, "Lesson 3, block 1") {
		t.Errorf("summary %q: want the lesson's expectation, met", sum)
	}
	if r := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, sel+" .litmus-result")); !strings.HasPrefix(r, "✓") {
		t.Errorf("the block says %q after its run", r)
	}
	// Beside the text: the lesson pane is still shown, the block is in
	// its visible part, and the swimlanes are to its right, on screen.
	if !eval[bool](t, ctx, `!document.getElementById("lesson").hidden`) {
		t.Fatal("the lesson pane was hidden by the run")
	}
	pane, blk, lanes := box(t, ctx, "#lesson"), box(t, ctx, sel), box(t, ctx, "#lanes")
	vw := eval[float64](t, ctx, `window.innerWidth`)
	vh := eval[float64](t, ctx, `window.innerHeight`)
	t.Logf("lesson pane %+v, block %+v, lanes %+v, viewport %.0fx%.0f", pane, blk, lanes, vw, vh)
	if blk.Bottom <= pane.Top || blk.Top >= pane.Bottom || blk.Top >= vh {
		t.Errorf("the block (%+v) is out of the lesson pane's view (%+v)", blk, pane)
	}
	if lanes.Left < pane.Right || lanes.Right > vw+1 || lanes.Top >= vh || lanes.Bottom <= lanes.Top {
		t.Errorf("the swimlanes (%+v) are not beside the lesson (%+v) on screen", lanes, pane)
	}
	screenshot(t, ctx, "lesson-run.png")

	// Load puts a block in the editor without running it; the unchanged
	// lesson code it replaces needs no "restore" offer.
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; document.getElementById("message").hidden = true; return true })()`)
	click(t, ctx, `#lesson-3-block-2 button[data-action="load"]`)
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("editor").value === %s`, jsQuote(l.Blocks[1].Code)), runWait, "block 2's code in the editor")
	if eval[bool](t, ctx, `!document.getElementById("message").hidden`) {
		t.Errorf("loading over unchanged lesson code offered to restore it: %q", text(t, ctx, "message-text"))
	}
	if !eval[bool](t, ctx, `document.getElementById("lesson-3-block-2").classList.contains("loaded")`) {
		t.Errorf("block 2 is not marked as loaded")
	}
}

// schedule returns the thread schedule of the execution token names, as
// manual mode's thread buttons would play it.
func schedule(t *testing.T, src, token string) []int {
	t.Helper()
	prog, _, err := sim.Compile("exercise.litmus", src)
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

// TestLessonExercise solves lesson 3's exercise ("lose the PTE") in
// manual mode by clicking the thread buttons along a schedule found
// natively (the witness of an exhaustive run), and checks that the page
// acknowledges it, remembers it over a reload, and lands on the same
// lesson.
func TestLessonExercise(t *testing.T) {
	l, err := lessons.Get(3)
	if err != nil {
		t.Fatal(err)
	}
	ex := l.Blocks[len(l.Blocks)-1]
	if ex.Kind != "exercise" || ex.Goal.Finding == "" {
		t.Fatalf("lesson 3 ends with %+v, not a finding exercise", ex)
	}
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
		t.Fatalf("an exhaustive run of the exercise finds no %s", ex.Goal.Finding)
	}
	sched := schedule(t, ex.Code, witness)
	t.Logf("schedule reaching %s: %v", ex.Goal, sched)

	ctx := newBrowser(t)
	base := serveSite(t)
	openLesson(t, ctx, base, 3)
	sel := fmt.Sprintf("#lesson-3-block-%d", ex.Index)
	eval[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"}), true`, sel))
	click(t, ctx, sel+` button[data-action="manual"]`)
	waitFor(t, ctx, `!document.getElementById("manual-pane").hidden && document.getElementById("manual-pane").dataset.steps === "0"`, runWait, "manual mode on the exercise")
	waitFor(t, ctx, `document.body.dataset.exercise === "running"`, runWait, "the exercise's goal")
	if g := text(t, ctx, "manual-goal"); !strings.Contains(g, "lost-pte") {
		t.Errorf("goal line %q", g)
	}
	if got := value(t, ctx, "editor"); got != ex.Code {
		t.Errorf("the editor does not hold the exercise's code")
	}
	for i, th := range sched {
		btn := fmt.Sprintf(`#manual-threads button[data-thread="%d"]`, th)
		waitFor(t, ctx, fmt.Sprintf(`(b => b && !b.disabled)(document.querySelector(%q))`, btn), runWait, fmt.Sprintf("thread %d's button (step %d)", th, i+1))
		click(t, ctx, btn)
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById("manual-pane").dataset.steps === "%d"`, i+1), runWait, fmt.Sprintf("step %d", i+1))
		if i == len(sched)/2 {
			if s := eval[string](t, ctx, `document.body.dataset.exercise`); s != "running" {
				t.Errorf("half-way, the exercise is %q", s)
			}
		}
	}
	waitFor(t, ctx, `document.body.dataset.exercise === "solved"`, runWait, "the exercise to be acknowledged")
	goal := text(t, ctx, "manual-goal")
	t.Logf("goal line: %s", goal)
	if !strings.Contains(goal, "Exercise solved") {
		t.Errorf("goal line %q", goal)
	}
	if !eval[bool](t, ctx, `document.querySelector("`+sel+`").classList.contains("solved") && document.querySelector("`+sel+` .solved-badge") !== null`) {
		t.Errorf("the exercise block is not marked as solved")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`); n == 0 {
		t.Errorf("manual mode shows no interleaving")
	}
	screenshot(t, ctx, "lesson-exercise.png")

	// Undo: the execution is running again, so the goal is pending.
	click(t, ctx, "#manual-undo")
	waitFor(t, ctx, `document.body.dataset.exercise === "running"`, runWait, "the goal to be pending after Undo")

	// The solved exercise is remembered, and a reload lands on lesson 3.
	waitFor(t, ctx, `document.body.dataset.lessonSaved === "3" && document.body.dataset.solvedSaved === "1"`, runWait, "the position and the solved exercise to be saved")
	reload(t, ctx)
	waitLesson(t, ctx, 3)
	waitFor(t, ctx, `document.querySelector("`+sel+`").classList.contains("solved")`, runWait, "the exercise to be still marked as solved")
}

// TestLessonResume moves through the lessons with the navigation and a
// link in a lesson's text, follows a scenario link, then opens the
// playground without a fragment: it lands on the lesson where the reader
// stopped (IndexedDB).
func TestLessonResume(t *testing.T) {
	ctx := newBrowser(t)
	base := serveSite(t)
	openPlayground(t, ctx, base)
	waitLesson(t, ctx, 1) // a first visit starts at lesson 1
	click(t, ctx, "#lesson-next")
	waitLesson(t, ctx, 2)
	if h := eval[string](t, ctx, `location.hash`); h != "#lesson=2" {
		t.Errorf("after Next the address has %q, want #lesson=2", h)
	}
	// A link in the text: lesson 2 points to lesson 3.
	click(t, ctx, `#lesson-body .lesson-text a[href="#lesson=3"]`)
	waitLesson(t, ctx, 3)
	// A scenario link loads the scenario into the editor and leaves the
	// lesson in view.
	click(t, ctx, `#lesson-body .lesson-text a[href="#scenario=R6-free-without-grace-period.fixed"]`)
	waitFor(t, ctx, `document.body.dataset.scenario === "R6-free-without-grace-period.fixed"`, runWait, "the scenario to load")
	if got := value(t, ctx, "editor"); !strings.HasPrefix(got, "C R6-free-without-grace-period") {
		t.Errorf("editor after the scenario link: %.60q", got)
	}
	if got := eval[string](t, ctx, `document.body.dataset.lesson`); got != "3" {
		t.Errorf("the scenario link changed the lesson to %s", got)
	}
	// The browser's Back returns to lesson 2.
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatal(err)
	}
	waitLesson(t, ctx, 2)
	click(t, ctx, "#lesson-next")
	waitLesson(t, ctx, 3)
	eval[bool](t, ctx, `document.getElementById("lesson").scrollTop = 400, true`)
	waitFor(t, ctx, `document.body.dataset.lessonSaved === "3"`, runWait, "the position to be saved")
	screenshot(t, ctx, "lesson-nav.png")

	// A fresh navigation without a fragment lands on lesson 3.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html")
	waitLesson(t, ctx, 3)
	if h := eval[string](t, ctx, `location.hash`); h != "" {
		t.Errorf("the address gained %q", h)
	}
	// A broken lesson link says so and keeps the page working.
	eval[bool](t, ctx, `location.hash = "lesson=zero", true`)
	waitFor(t, ctx, `document.getElementById("message-text").textContent.includes("This link is broken")`, runWait, "the broken link's message")
	if m := text(t, ctx, "message-text"); !strings.Contains(m, `asks for lesson "zero"`) {
		t.Errorf("message %q", m)
	}
	eval[bool](t, ctx, `location.hash = "lesson=99", true`)
	waitFor(t, ctx, `document.getElementById("lesson-body").dataset.state === "error"`, runWait, "lesson 99's error")
	if m := text(t, ctx, "lesson-body"); !strings.Contains(m, "no lesson 99") {
		t.Errorf("lesson 99: %q", m)
	}

	// A saved position that does not decode is reported, and the
	// reader starts at lesson 1.
	putRecords(t, ctx, "progress", map[string]string{"reader": `{schema: 9, lesson: 4}`})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, base+"/index.html")
	waitLesson(t, ctx, 1)
	if m := text(t, ctx, "message-text"); !strings.Contains(m, "Could not restore where you stopped in the lessons: the saved reading position has schema 9") {
		t.Errorf("message %q", m)
	}
}

// TestLessonEmbed opens one block on the embed page, runs it and checks
// the lesson's expectation and the link back to the playground.
func TestLessonEmbed(t *testing.T) {
	l, err := lessons.Get(2)
	if err != nil {
		t.Fatal(err)
	}
	b := l.Blocks[1]
	ctx := newBrowser(t)
	base := serveSite(t)
	navigate(t, ctx, fmt.Sprintf("%s/embed.html#lesson=2&block=%d", base, b.Index))
	waitFor(t, ctx, `document.body.dataset.block === "2"`, runWait, "the block")
	if got := value(t, ctx, "editor"); got != b.Code {
		t.Errorf("the embed's editor holds %.60q, want block 2's code", got)
	}
	if c := text(t, ctx, "embed-caption"); !strings.Contains(c, "Lesson 2") || !strings.Contains(c, b.Describe()) {
		t.Errorf("caption %q", c)
	}
	if h := attr(t, ctx, "#open-playground", "href"); h != "index.html#lesson=2&block=2" {
		t.Errorf("open in playground: %q", h)
	}
	run(t, ctx)
	if sum := text(t, ctx, "summary"); !strings.Contains(sum, "As the lesson says") {
		t.Errorf("summary %q", sum)
	}
	screenshot(t, ctx, "lesson-embed.png")
	// The playground opens that block from the link.
	navigate(t, ctx, base+"/index.html#lesson=2&block=2")
	waitLesson(t, ctx, 2)
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("editor").value === %s`, jsQuote(b.Code)), runWait, "the block in the playground's editor")
	if h := eval[string](t, ctx, `location.hash`); h != "#lesson=2" {
		t.Errorf("the address keeps %q, want #lesson=2", h)
	}
}

// TestStorageUpgradeFromV2 opens the playground over a database made by
// the version before the lessons (version 2: drafts and experiments):
// the upgrade adds the reading position's store and keeps the draft.
func TestStorageUpgradeFromV2(t *testing.T) {
	ctx := newBrowser(t)
	base := serveSite(t)
	navigate := func(url string) {
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			t.Fatalf("navigate to %s: %v", url, err)
		}
	}
	navigate(base + "/app.css") // a page of the origin that does not open the database
	makeV2Database(t, ctx, "C from-version-2\n{}\n", false)
	navigate(base + "/index.html")
	waitReady(t, ctx, "opening over a version 2 database")
	if got := value(t, ctx, "editor"); got != "C from-version-2\n{}\n" {
		t.Errorf("the draft from version 2 came back as %q", got)
	}
	if s := attr(t, ctx, "body", "data-storage"); s != "on" {
		t.Errorf("storage %q after the upgrade", s)
	}
	waitLesson(t, ctx, 1)
	click(t, ctx, "#lesson-next")
	waitLesson(t, ctx, 2)
	waitFor(t, ctx, `document.body.dataset.lessonSaved === "2"`, runWait, "the position to be saved in the new store")
	if v := evalAsync[float64](t, ctx, `new Promise((ok, fail) => { const r = indexedDB.open("ptlab"); r.onsuccess = () => { ok(r.result.version); r.result.close(); }; r.onerror = () => fail(r.error); })`); v != 3 {
		t.Errorf("database version %v after the upgrade, want 3", v)
	}
}
