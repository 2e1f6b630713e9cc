//go:build !js

package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// TestDraftSurvivesReload types into the editor, waits for the autosave and
// checks that a reload restores the draft from IndexedDB.
func TestDraftSurvivesReload(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	const draft = "C draft\n\n{}\n"
	typeInEditor(t, ctx, draft)
	waitFor(t, ctx, `document.body.dataset.draft === "saved" && document.getElementById("status").textContent === "Draft saved."`, runWait, "the draft to be saved")
	reload(t, ctx)
	if got := value(t, ctx, "editor"); got != draft {
		t.Errorf("after reload the editor holds %q, want the draft %q", got, draft)
	}
	if status := text(t, ctx, "status"); !strings.Contains(status, "Restored") {
		t.Errorf("status after reload is %q, want it to say the draft was restored", status)
	}
}

// Text typed before the store opens (here: put in the editor before the
// page program runs) wins over the saved draft and is saved; the draft
// is kept, and the message bar brings it back.
func TestEditsBeforeStartupKeepDraft(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	const draft, typed = "C draft\n\n{}\n", "C typed early\n\n{}\n"
	typeInEditor(t, ctx, draft)
	waitFor(t, ctx, `document.body.dataset.draft === "saved"`, runWait, "the draft to be saved")
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: fmt.Sprintf(`document.addEventListener("DOMContentLoaded", () => { document.getElementById("editor").value = %q; });`, typed)}); err != nil {
		t.Fatal(err)
	}
	reload(t, ctx)
	if got := value(t, ctx, "editor"); got != typed {
		t.Fatalf("after reload the editor holds %q, want the early edits %q", got, typed)
	}
	waitFor(t, ctx, `document.body.dataset.draft === "saved"`, runWait, "the early edits to be saved")
	if msg := text(t, ctx, "message-text"); !strings.Contains(msg, "the draft is kept too") {
		t.Errorf("message %q, want it to say the saved draft is kept", msg)
	}
	click(t, ctx, "#message-action")
	if got := value(t, ctx, "editor"); got != draft {
		t.Errorf("after Restore saved draft the editor holds %q, want %q", got, draft)
	}
}

// expCount waits until the experiments list shows n records.
func expCount(t *testing.T, ctx ctxT, n int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("exp-list").dataset.count === "%d"`, n), runWait, fmt.Sprintf("%d experiments in the list", n))
}

func expNames(t *testing.T, ctx ctxT) []string {
	return eval[[]string](t, ctx, `[...document.querySelectorAll("#exp-list .exp-name")].map(e => e.textContent)`)
}

// TestExperiments saves an experiment with a result and notes, finds it
// after a reload, renames, duplicates, exports, deletes, imports and
// opens it.
func TestExperiments(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	setScript(t, ctx, abba)
	run(t, ctx)
	click(t, ctx, "#tab-experiments")
	eval[bool](t, ctx, `(() => { document.getElementById("exp-name").value = "ABBA check"; const n = document.getElementById("exp-notes"); n.value = "Why: **lock order**"; n.dispatchEvent(new Event("input")); return true })()`)
	waitFor(t, ctx, `document.querySelector("#exp-notes-view strong") !== null`, runWait, "the notes preview")
	click(t, ctx, "#exp-save")
	waitFor(t, ctx, `document.body.dataset.saved && document.body.dataset.saved !== "error"`, runWait, "the save")
	expCount(t, ctx, 1)
	meta := eval[string](t, ctx, `document.querySelector("#exp-list .exp .muted").textContent`)
	if !strings.Contains(meta, "Observation abba") || !strings.Contains(meta, "2 findings") {
		t.Errorf("the list entry says %q; want the last result's summary", meta)
	}
	screenshot(t, ctx, "experiments.png")

	reload(t, ctx)
	click(t, ctx, "#tab-experiments")
	expCount(t, ctx, 1)
	if n := expNames(t, ctx); len(n) != 1 || n[0] != "ABBA check" {
		t.Errorf("after reload: %q", n)
	}

	// Rename.
	click(t, ctx, "#exp-list .exp-rename")
	waitFor(t, ctx, `document.querySelector("#exp-list input.rename") !== null`, runWait, "the rename box")
	eval[bool](t, ctx, `(() => { document.querySelector("#exp-list input.rename").value = "ABBA renamed"; return true })()`)
	click(t, ctx, "#exp-list .rename-ok")
	waitFor(t, ctx, `[...document.querySelectorAll("#exp-list .exp-name")].map(e => e.textContent).join() === "ABBA renamed"`, runWait, "the new name")
	// Duplicate.
	click(t, ctx, "#exp-list .exp-duplicate")
	expCount(t, ctx, 2)
	names := strings.Join(expNames(t, ctx), "|")
	if !strings.Contains(names, "ABBA renamed (copy)") {
		t.Errorf("after duplicating: %q", names)
	}

	// Export to a file.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	click(t, ctx, "#exp-export")
	path := filepath.Join(dir, "ptlab-experiments.json")
	var b []byte
	for deadline := time.Now().Add(runWait); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if b, err = os.ReadFile(path); err == nil && json.Valid(b) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no export file at %s", path)
		}
	}
	var file struct {
		Format      string           `json:"format"`
		Experiments []map[string]any `json:"experiments"`
	}
	if err := json.Unmarshal(b, &file); err != nil || file.Format != "ptlab-experiments" || len(file.Experiments) != 2 {
		t.Fatalf("export file: %v, format %q, %d experiments", err, file.Format, len(file.Experiments))
	}
	for _, e := range file.Experiments {
		if e["script"] != abba || e["notes"] != "Why: **lock order**" || e["schema"] != float64(1) {
			t.Errorf("exported record %v", e)
		}
	}

	// Delete both (each asks for a second click).
	for i := 2; i > 0; i-- {
		click(t, ctx, "#exp-list .exp-delete")
		waitFor(t, ctx, `document.querySelector("#exp-list .exp-delete").textContent === "Really delete?"`, runWait, "the delete confirmation")
		click(t, ctx, "#exp-list .exp-delete")
		expCount(t, ctx, i-1)
	}

	// Import the file.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("exp-import"), []string{path})); err != nil {
		t.Fatalf("choosing the file: %v", err)
	}
	waitFor(t, ctx, `document.body.dataset.imported === "2"`, runWait, "the import")
	expCount(t, ctx, 2)
	// Importing it again adds nothing.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("exp-import"), []string{path})); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `document.body.dataset.imported === "0"`, runWait, "the second import")
	if s := text(t, ctx, "status"); !strings.Contains(s, "2 already here") {
		t.Errorf("status after the second import: %q", s)
	}

	// Open one: script, notes and last result come back; its tokens
	// open interleavings.
	setScript(t, ctx, "C other\n{}\n")
	click(t, ctx, "#exp-list .exp-open")
	waitFor(t, ctx, `document.getElementById("editor").value.startsWith("C abba")`, runWait, "the experiment to open")
	if n := value(t, ctx, "exp-notes"); n != "Why: **lock order**" {
		t.Errorf("notes %q", n)
	}
	if s := text(t, ctx, "summary"); !strings.Contains(s, "Observation abba Sometimes 1 1") {
		t.Errorf("summary of the opened experiment: %q", s)
	}
	if m := text(t, ctx, "message-text"); !strings.Contains(m, "previous text was kept") {
		t.Errorf("message %q: want the replaced text offered back", m)
	}
	click(t, ctx, "#summary .tokens button")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "a saved token's interleaving")
	// The replaced text can be restored.
	click(t, ctx, "#message-action")
	waitFor(t, ctx, `document.getElementById("editor").value === "C other\n{}\n"`, runWait, "the previous text to come back")
}

// TestStorageBadRecords plants records that do not decode and checks
// they are reported (as text, never as HTML) and can be deleted.
func TestStorageBadRecords(t *testing.T) {
	ctx := newBrowser(t)
	url := serveSite(t)
	openPlayground(t, ctx, url)
	waitFor(t, ctx, `document.body.dataset.storage === "on"`, runWait, "storage")
	eval[bool](t, ctx, `window.pwned = 0, true`)
	putRecords(t, ctx, "experiments", map[string]string{
		"bad":    `{schema: 1, id: "bad", name: "<img src=x onerror=\"window.pwned=1\">", script: 5}`,
		"future": `{schema: 9, id: "future", name: "from the future", script: "C x"}`,
		"junk":   `"just a string"`,
	})
	reload(t, ctx)
	waitFor(t, ctx, `document.querySelectorAll("#exp-problems .problem").length === 3`, runWait, "the 3 problems to be listed")
	problems := eval[[]string](t, ctx, `[...document.querySelectorAll("#exp-problems .problem span")].map(e => e.textContent)`)
	t.Logf("problems: %q", problems)
	all := strings.Join(problems, "\n")
	for _, want := range []string{`"<img src=x onerror=\"window.pwned=1\">" cannot be opened: it does not decode`, `"from the future" cannot be opened: it has schema 9, newer than this ptlab's 1`, `with key "junk" cannot be opened`} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q", want)
		}
	}
	if m := text(t, ctx, "message-text"); !strings.Contains(m, "3 saved experiments could not be read") {
		t.Errorf("message %q", m)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("img").length + (window.pwned || 0)`); n != 0 {
		t.Errorf("the planted name created an element or ran its handler")
	}
	click(t, ctx, "#tab-experiments")
	screenshot(t, ctx, "storage-problems.png")
	click(t, ctx, "#exp-problems .problem button")
	waitFor(t, ctx, `document.querySelectorAll("#exp-problems .problem").length === 2`, runWait, "the deletion of a bad record")

}

// TestStorageQuota makes the storage quota too small (through the
// DevTools protocol) and checks a failed autosave and a failed save are
// reported and the editor keeps its text.
func TestStorageQuota(t *testing.T) {
	ctx := newBrowser(t)
	url := serveSite(t)
	openPlayground(t, ctx, url)
	waitFor(t, ctx, `document.body.dataset.storage === "on"`, runWait, "storage")
	quota := 5000.0 // bytes: the big script below does not fit
	if _, err := chromedp.Call(ctx, storage.OverrideQuotaForOrigin, storage.OverrideQuotaForOriginParams{Origin: url, QuotaSize: &quota}); err != nil {
		t.Fatalf("overriding the quota: %v", err)
	}
	big := abba + "\n// " + strings.Repeat("x", 200000) + "\n"
	setScript(t, ctx, big)
	waitFor(t, ctx, `document.body.dataset.draft === "error"`, runWait, "the autosave to fail")
	msg := text(t, ctx, "message-text")
	t.Logf("autosave failure: %q", msg)
	if !strings.Contains(msg, "Your draft could not be saved") || !strings.Contains(strings.ToLower(msg), "quota") {
		t.Errorf("message %q", msg)
	}
	click(t, ctx, "#tab-experiments")
	eval[bool](t, ctx, `document.getElementById("exp-name").value = "too big", true`)
	click(t, ctx, "#exp-save")
	waitFor(t, ctx, `document.body.dataset.saved === "error"`, runWait, "the save to fail")
	if m := text(t, ctx, "message-text"); !strings.Contains(m, "The experiment was not saved") || !strings.Contains(m, "still in the editor") {
		t.Errorf("message %q", m)
	}
	if got := value(t, ctx, "editor"); got != big {
		t.Errorf("the editor lost its text after failed saves (%d bytes, want %d)", len(got), len(big))
	}
	screenshot(t, ctx, "storage-quota.png")
}

// TestInteractiveBeforeStorage holds back the saved state: a second tab
// keeps the database open at version 2, which blocks the page's upgrade
// to version 3 until that tab lets go. The editor must be interactive
// meanwhile (body[data-ready], with the page's default script or the
// share link's), and once the saved state arrives the page restores it
// without losing what the user typed in between.
func TestInteractiveBeforeStorage(t *testing.T) {
	base := serveSite(t)
	const draft = "C saved draft\n\n{}\n"
	for _, tc := range []struct {
		name      string
		fragment  string // a share link's, or none
		typed     string // typed while the state is held back, or none
		want      string // the editor's text once restored
		message   string // in the message bar then
		restoring string // the editor's text after the message's action
	}{
		{name: "draft", want: draft},
		{name: "typed", typed: "C typed\n\n{}\n", want: "C typed\n\n{}\n", message: "the draft is kept too", restoring: draft},
		{name: "share", fragment: fragment("C shared\n\n{}\n", ""), want: "C shared\n\n{}\n", message: "previous text was kept", restoring: draft},
		{name: "share-typed", fragment: fragment("C shared\n\n{}\n", ""), typed: "C shared, edited\n\n{}\n", want: "C shared, edited\n\n{}\n", message: "kept your edits", restoring: draft},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blocker := newBrowser(t)
			if err := chromedp.Do(blocker, chromedp.Navigate(base+"/no-such-page")); err != nil {
				t.Fatal(err)
			}
			makeV2Database(t, blocker, draft, true)

			ctx, cancel := chromedp.NewContext(blocker) // a second tab
			defer cancel()
			url := base + "/index.html"
			if tc.fragment != "" {
				url += "#" + tc.fragment
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, `document.body.dataset.ready === "1"`, readyTimeout, "the editor to be interactive")
			if s := attr(t, ctx, "body", "data-startup"); s != "" {
				t.Fatalf("body[data-startup] is %q while the database is blocked", s)
			}
			shown := eval[string](t, ctx, `document.getElementById("editor").defaultValue`)
			if tc.fragment != "" {
				shown = "C shared\n\n{}\n"
			}
			if got := value(t, ctx, "editor"); got != shown {
				t.Fatalf("while the saved state is held back the editor holds %q, want %q", got, shown)
			}
			if n := eval[int](t, ctx, `document.querySelectorAll("#highlight .line").length`); n != strings.Count(shown, "\n")+1 {
				t.Errorf("the editor shows %d highlighted lines, want %d", n, strings.Count(shown, "\n")+1)
			}
			if tc.typed != "" {
				setScript(t, ctx, tc.typed)
			}

			eval[bool](t, blocker, `(held.close(), true)`)
			waitReady(t, ctx, "the database was let go")
			if got := value(t, ctx, "editor"); got != tc.want {
				t.Errorf("once restored the editor holds %q, want %q", got, tc.want)
			}
			if s := attr(t, ctx, "body", "data-storage"); s != "on" {
				t.Errorf("body[data-storage] is %q, want on", s)
			}
			if tc.message == "" {
				return
			}
			if msg := text(t, ctx, "message-text"); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q, want it to contain %q", msg, tc.message)
			}
			click(t, ctx, "#message-action")
			if got := value(t, ctx, "editor"); got != tc.restoring {
				t.Errorf("after the message's action the editor holds %q, want %q", got, tc.restoring)
			}
		})
	}
}

// putRecords writes records (key: a JavaScript expression for the
// value) into an object store of the existing database, from ctx's page.
func putRecords(t *testing.T, ctx ctxT, store string, records map[string]string) {
	t.Helper()
	var puts strings.Builder
	for _, k := range slices.Sorted(maps.Keys(records)) {
		fmt.Fprintf(&puts, "s.put(%s, %s);\n", records[k], jsQuote(k))
	}
	evalAsync[bool](t, ctx, fmt.Sprintf(`new Promise((ok, fail) => {
		const r = indexedDB.open("ptlab");
		r.onerror = () => fail(String(r.error));
		r.onsuccess = () => {
			const tx = r.result.transaction(%[1]s, "readwrite");
			const s = tx.objectStore(%[1]s);
			%[2]s
			tx.oncomplete = () => { r.result.close(); ok(true); };
			tx.onerror = () => fail(String(tx.error));
		};
	})`, jsQuote(store), puts.String()))
}

// makeV2Database makes the database as ptlab's version 2 left it (the
// drafts and experiments stores, no progress store), with draft saved,
// from ctx's page (one of the origin's that does not open the database
// itself). With hold, the connection stays open as window.held, deaf to
// versionchange, which blocks the page's upgrade to version 3 until
// held.close() is called.
func makeV2Database(t *testing.T, ctx ctxT, draft string, hold bool) {
	t.Helper()
	evalAsync[bool](t, ctx, fmt.Sprintf(`new Promise((ok, fail) => {
		const r = indexedDB.open("ptlab", 2);
		r.onupgradeneeded = () => {
			r.result.createObjectStore("drafts");
			r.result.createObjectStore("experiments");
		};
		r.onerror = () => fail(String(r.error));
		r.onsuccess = () => {
			const tx = r.result.transaction("drafts", "readwrite");
			tx.objectStore("drafts").put({schema: 1, text: %s, savedAt: 1}, "editor");
			tx.oncomplete = () => {
				if (%t) {
					window.held = r.result;
				} else {
					r.result.close();
				}
				ok(true);
			};
			tx.onerror = () => fail(String(tx.error));
		};
	})`, jsQuote(draft), hold))
}
