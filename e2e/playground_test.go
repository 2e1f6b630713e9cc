//go:build !js

package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const abba = `C abba

{}

P0(spinlock_t *a, spinlock_t *b, int *x)
{
	spin_lock(a);
	spin_lock(b);
	WRITE_ONCE(*x, 1);
	spin_unlock(b);
	spin_unlock(a);
}

P1(spinlock_t *a, spinlock_t *b, int *x)
{
	spin_lock(b);
	spin_lock(a);
	WRITE_ONCE(*x, 2);
	spin_unlock(a);
	spin_unlock(b);
}

exists (x=2)
`

// TestTypeAndRun types a script into the editor key by key, runs it with
// Ctrl+Enter and checks the outcome histogram and the herd-style text.
func TestTypeAndRun(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))

	const script = "C typed\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n\nP1(int *x)\n{\n\tint r0;\n\tr0 = READ_ONCE(*x);\n}\n\nexists (1:r0=0)\n"
	typeInEditor(t, ctx, script)
	if got := value(t, ctx, "editor"); got != script {
		t.Fatalf("the editor holds %q after typing, want %q", got, script)
	}
	// The highlighted copy shows the same text, coloured.
	if hl := eval[string](t, ctx, `document.getElementById("highlight").textContent.replace(/\u200b/g, "")`); hl != strings.ReplaceAll(script, "\n", "") {
		t.Errorf("the highlight overlay shows %q", hl)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#highlight .fn").length`); n != 2 {
		t.Errorf("%d function-call tokens coloured, want 2 (WRITE_ONCE, READ_ONCE)", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#gutter div").length`); n != strings.Count(script, "\n")+1 {
		t.Errorf("%d line numbers for %d lines", n, strings.Count(script, "\n")+1)
	}
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; return true })()`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.result === "done"`, runWait, "the result of Ctrl+Enter")
	states := eval[[]string](t, ctx, `[...document.querySelectorAll("#outcomes .outcome .state")].map(e => e.textContent)`)
	if strings.Join(states, "|") != "1:r0=0;|1:r0=1;" {
		t.Errorf("outcomes %q, want 1:r0=0; and 1:r0=1;", states)
	}
	if sat := eval[int](t, ctx, `document.querySelectorAll("#outcomes .outcome.satisfies").length`); sat != 1 {
		t.Errorf("%d outcomes marked as satisfying the condition, want 1", sat)
	}
	sum := text(t, ctx, "summary")
	for _, want := range []string{"Sometimes", "Observation typed Sometimes 1 1", "exhaustive"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary %q lacks %q", sum, want)
		}
	}
	click(t, ctx, "#tab-text")
	if out := text(t, ctx, "output"); !strings.Contains(out, "Test typed Allowed") || !strings.Contains(out, "States 2") {
		t.Errorf("text output: %q", out)
	}
	click(t, ctx, "#tab-outcomes")
	screenshot(t, ctx, "outcomes.png")
}

// TestFindingInterleaving runs a script with a deadlock, checks the
// finding's report, opens its interleaving and steps through it,
// checking the swimlanes' lock bars and the world view at each step.
func TestFindingInterleaving(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	setScript(t, ctx, abba)
	run(t, ctx)

	kinds := eval[[]string](t, ctx, `[...document.querySelectorAll("#findings .finding .kind")].map(e => e.textContent)`)
	if strings.Join(kinds, ",") != "DEADLOCK,LOCK-ORDER" && strings.Join(kinds, ",") != "LOCK-ORDER,DEADLOCK" {
		t.Errorf("findings %v, want a DEADLOCK and a LOCK-ORDER", kinds)
	}
	if !eval[bool](t, ctx, `!document.getElementById("findings").hidden`) {
		t.Errorf("the Findings tab is not shown after a run with findings")
	}
	report := eval[string](t, ctx, `[...document.querySelectorAll("#findings .finding")].find(f => f.querySelector(".kind").textContent === "DEADLOCK").querySelector("pre").textContent`)
	for _, want := range []string{"DEADLOCK: deadlock:", "INFO: task hung", "held by P1", "replay: ptl1."} {
		if !strings.Contains(report, want) {
			t.Errorf("deadlock report lacks %q:\n%s", want, report)
		}
	}
	screenshot(t, ctx, "findings.png")

	eval[bool](t, ctx, `(() => { [...document.querySelectorAll("#findings .finding")].find(f => f.querySelector(".kind").textContent === "DEADLOCK").querySelector(".show-trace").click(); return true })()`)
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the interleaving")
	if cols := eval[[]string](t, ctx, `[...document.querySelectorAll("#lanes th")].map(e => e.textContent)`); strings.Join(cols, ",") != "#,P0,P1" {
		t.Errorf("swimlane columns %v, want #,P0,P1 (no RCU column: the script cannot queue RCU callbacks)", cols)
	}
	rows := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`)
	if rows != 2 {
		t.Errorf("%d rows; the deadlock takes 2 steps", rows)
	}
	if title := text(t, ctx, "trace-title"); !strings.Contains(title, "ends: deadlock") {
		t.Errorf("trace title %q", title)
	}
	// Before the first step: no lock held.
	if w := text(t, ctx, "world"); !strings.Contains(w, "World before the first step") || !strings.Contains(w, "Locks held") {
		t.Errorf("initial world: %q", w)
	}
	if pos := text(t, ctx, "trace-pos"); pos != "0/2" {
		t.Errorf("position %q, want 0/2", pos)
	}
	held := func() string {
		return eval[string](t, ctx, `[...document.querySelectorAll("#world .world-table")].find(t => t.caption.textContent === "Locks held").tBodies[0].textContent`)
	}
	for step := 1; step <= 2; step++ {
		click(t, ctx, "#trace-forward")
		waitFor(t, ctx, `document.getElementById("lanes").dataset.step === "`+strconv.Itoa(step)+`"`, runWait, "step "+strconv.Itoa(step))
		if pos := text(t, ctx, "trace-pos"); pos != strconv.Itoa(step)+"/2" {
			t.Errorf("after %d forward: position %q", step, pos)
		}
		if detail := text(t, ctx, "step-detail"); !strings.Contains(detail, "spin_lock") {
			t.Errorf("step %d detail %q", step, detail)
		}
		// The editor marks the step's line.
		if cur := eval[int](t, ctx, `document.querySelectorAll("#highlight .line.cur").length`); cur != 1 {
			t.Errorf("step %d: %d current lines marked in the editor", step, cur)
		}
	}
	h := held()
	if !strings.Contains(h, "aP0") || !strings.Contains(h, "bP1") {
		t.Errorf("after both steps the locks held are %q, want a by P0 and b by P1", h)
	}
	// Each thread's lock bar is drawn, still open at the end.
	if bars := eval[int](t, ctx, `document.querySelectorAll("#lanes .lanebar").length`); bars < 3 {
		t.Errorf("%d lock bar pieces, want at least 3", bars)
	}
	if !eval[bool](t, ctx, `document.getElementById("trace-forward").disabled`) {
		t.Errorf("Forward is enabled at the last step")
	}
	screenshot(t, ctx, "interleaving.png")
	click(t, ctx, "#trace-back")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.step === "1"`, runWait, "a step back")
	if h := held(); !strings.Contains(h, "aP0") || strings.Contains(h, "bP1") {
		t.Errorf("after a step back the locks held are %q, want only a by P0", h)
	}
	// Keyboard: Down moves forward.
	eval[bool](t, ctx, `(() => { document.getElementById("lanes").focus(); return true })()`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.getElementById("lanes").dataset.step === "2"`, runWait, "ArrowDown to move forward")
}

// TestOutcomeWitness opens an outcome's witness from the histogram.
func TestOutcomeWitness(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	run(t, ctx) // the default script, SB+locks
	click(t, ctx, "#outcomes .outcome")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the witness")
	if title := text(t, ctx, "trace-title"); !strings.Contains(title, "Witness of 0:r0=0; 1:r0=1;") || !strings.Contains(title, "ends: complete") {
		t.Errorf("witness title %q", title)
	}
	if rows := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`); rows != 8 {
		t.Errorf("%d rows, want the 8 steps of SB+locks", rows)
	}
}

// TestPreludeCallsCollapse loads a scenario from the Examples menu,
// opens a finding's interleaving and expands a collapsed prelude call.
func TestPreludeCallsCollapse(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	waitFor(t, ctx, `document.querySelectorAll("#examples option").length > 20`, runWait, "the Examples menu")
	groups := eval[[]string](t, ctx, `[...document.querySelectorAll("#examples optgroup")].map(g => g.label + ":" + g.children.length)`)
	t.Logf("examples: %v", groups)
	if len(groups) != 2 {
		t.Fatalf("example groups %v", groups)
	}
	eval[bool](t, ctx, `(() => { const s = document.getElementById("examples"); s.value = [...s.options].find(o => o.textContent === "R4-ro-nolock-write").value; s.dispatchEvent(new Event("change")); return true })()`)
	waitFor(t, ctx, `document.body.dataset.example === "R4-ro-nolock-write"`, runWait, "the example to load")
	if src := value(t, ctx, "editor"); !strings.HasPrefix(src, "C R4") {
		t.Fatalf("editor after loading R4: %.60q", src)
	}
	run(t, ctx)
	click(t, ctx, "#findings .show-trace")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the interleaving")
	collapsed := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`)
	groups2 := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr.group").length`)
	if groups2 == 0 {
		t.Fatalf("no collapsed prelude call among %d rows", collapsed)
	}
	label := eval[string](t, ctx, `document.querySelector("#lanes tr.group .call").textContent`)
	if !strings.Contains(label, "steps") && !strings.Contains(label, "1 step") {
		t.Errorf("group label %q", label)
	}
	screenshot(t, ctx, "interleaving-collapsed.png")
	click(t, ctx, "#lanes tr.group .toggle")
	waitFor(t, ctx, `document.querySelectorAll("#lanes tbody tr").length > `+strconv.Itoa(collapsed), runWait, "the call to expand")
	// Expand calls: every step gets its own row (calls keep a header row).
	click(t, ctx, "#trace-expand")
	waitFor(t, ctx, `document.querySelectorAll("#lanes tbody tr:not(.header)").length === +document.getElementById("trace-pos").textContent.split("/")[1]`,
		runWait, "one row per step after Expand calls")
	screenshot(t, ctx, "interleaving-expanded.png")
	click(t, ctx, "#trace-collapse")
	waitFor(t, ctx, `document.querySelectorAll("#lanes tbody tr").length === `+strconv.Itoa(collapsed), runWait, "Collapse calls to restore the collapsed rows")
}

// TestSyntaxErrorMarker runs a script with a syntax error and checks the
// marker sits at the reported line and column.
func TestSyntaxErrorMarker(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	const broken = "C broken\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1\n}\n\nexists (x=1)\n"
	setScript(t, ctx, broken)
	run(t, ctx)
	if r := attr(t, ctx, "body", "data-result"); r != "error" {
		t.Errorf("result %q, want error", r)
	}
	diag := eval[string](t, ctx, `document.querySelector("#diagnostics li.error").textContent`)
	if !strings.HasPrefix(diag, `8:1: expected ")"`) {
		t.Errorf("diagnostic %q, want 8:1: expected \")\"…", diag)
	}
	// Line 8 is marked in the gutter and in the text, at column 1.
	if errs := eval[[]string](t, ctx, `[...document.querySelectorAll("#gutter .err")].map(e => e.textContent)`); strings.Join(errs, ",") != "8" {
		t.Errorf("gutter marks lines %v, want 8", errs)
	}
	line := eval[int](t, ctx, `[...document.querySelectorAll("#highlight .line")].findIndex(l => l.querySelector(".er")) + 1`)
	mark := eval[string](t, ctx, `document.querySelector("#highlight .er").textContent`)
	if line != 8 || mark != "}" {
		t.Errorf("the error mark is on line %d over %q, want line 8 over the \"}\" at column 1", line, mark)
	}
	if sum := text(t, ctx, "summary"); !strings.Contains(sum, "1 error") || !strings.Contains(sum, "playground.litmus:8:1:") {
		t.Errorf("summary %q", sum)
	}
	screenshot(t, ctx, "syntax-error.png")
	// Clicking the diagnostic puts the caret there.
	click(t, ctx, "#diagnostics li.error button")
	if pos := eval[int](t, ctx, `document.getElementById("editor").selectionStart`); pos != strings.Index(broken, "}\n\nexists") {
		t.Errorf("caret at %d after clicking the diagnostic, want %d", pos, strings.Index(broken, "}\n\nexists"))
	}
	// Fixing the script clears the markers (the background check).
	setScript(t, ctx, strings.Replace(broken, "1\n}", "1);\n}", 1))
	waitFor(t, ctx, `document.querySelectorAll("#gutter .err").length === 0 && document.querySelectorAll("#diagnostics li").length === 0`, runWait, "the markers to clear")
	// A typo is marked as the user types, without running.
	setScript(t, ctx, strings.Replace(broken, "WRITE_ONCE(*x, 1\n", "WRITE_ONC(*x, 1);\n", 1))
	waitFor(t, ctx, `document.querySelectorAll("#gutter .err").length === 1`, runWait, "the typo's marker")
	if d := eval[string](t, ctx, `document.querySelector("#diagnostics li").textContent`); !strings.Contains(d, "7:2:") || !strings.Contains(d, "did you mean WRITE_ONCE") {
		t.Errorf("typo diagnostic %q", d)
	}
}
