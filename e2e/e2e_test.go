//go:build !js

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlaygroundRuns loads the playground, checks the default script is in
// the editor, clicks Run and checks the herd-style result in #output.
func TestPlaygroundRuns(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))

	if title := text(t, ctx, "editor"); !strings.Contains(title, "C SB+locks") {
		t.Errorf("editor does not hold the default test; it starts %.40q", title)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("run"))); err != nil {
		t.Fatalf("click Run: %v", err)
	}
	waitFor(t, ctx, `document.getElementById("output").textContent.trim() !== ""`, runWait, "output after Run")
	out := text(t, ctx, "output")
	t.Logf("output: %q; status: %q", out, text(t, ctx, "status"))
	for _, want := range []string{"Test SB+locks Allowed", "States 2", "0:r0=0; 1:r0=1;", "Observation SB+locks Never 0 2", "exhaustive"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	screenshot(t, ctx, "playground-run.png")
}

// TestBrokenScriptShowsError replaces the script with a syntactically broken
// one, runs it with Ctrl+Enter and expects an error in #output.
func TestBrokenScriptShowsError(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))

	const broken = "C broken\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1\n}\n\nexists (x=1)\n"
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("editor"), broken),
		chromedp.Focus(chromedp.ID("editor")),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
	); err != nil {
		t.Fatalf("edit and press Ctrl+Enter: %v", err)
	}
	waitFor(t, ctx, `document.getElementById("output").textContent.trim() !== ""`, runWait, "output after Ctrl+Enter")
	out := text(t, ctx, "output")
	t.Logf("output: %q", out)
	if want := "8:1: expected \")\""; !strings.Contains(out, want) {
		t.Errorf("error output lacks the positioned message %q", want)
	}
	if cls := attr(t, ctx, "#output", "class"); !strings.Contains(cls, "error") {
		t.Errorf("#output class is %q, want it marked as an error", cls)
	}
	screenshot(t, ctx, "playground-error.png")
}

// TestDraftSurvivesReload types into the editor, waits for the autosave and
// checks that a reload restores the draft from IndexedDB.
func TestDraftSurvivesReload(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))

	// Select all and type over it, as a user would. (SetValue with "" fails
	// in chromedp v0.23.0: "could not set value on node".)
	const draft = "C draft\n\n{}\n"
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.ID("editor")),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(draft),
	); err != nil {
		t.Fatalf("typing: %v", err)
	}
	waitFor(t, ctx, `document.getElementById("status").textContent === "Draft saved."`, runWait, "the draft to be saved")

	reload(t, ctx)
	if got := value(t, ctx, "editor"); got != draft {
		t.Errorf("after reload the editor holds %q, want the draft %q", got, draft)
	}
	if status := text(t, ctx, "status"); !strings.Contains(status, "Restored") {
		t.Errorf("status after reload is %q, want it to say the draft was restored", status)
	}
}
