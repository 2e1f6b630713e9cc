//go:build !js

package e2e

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// fragment builds a share-link fragment by hand, following the format
// documented in wasm/internal/share (v1. + base64url of raw DEFLATE of
// {"s": script, "t": token}), so the test also pins the format.
func fragment(script, token string) string {
	m := map[string]string{"s": script}
	if token != "" {
		m["t"] = token
	}
	j, _ := json.Marshal(m)
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write(j)
	zw.Close()
	return "v1." + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// navigate loads url and waits until ptlab is ready.
func navigate(t *testing.T, ctx ctxT, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	waitReady(t, ctx, "navigating to "+url)
}

// TestShareRoundTrip shares a script with the interleaving on show and
// opens the link in a fresh browser: the script and the interleaving
// come back exactly. It also checks the embed code.
func TestShareRoundTrip(t *testing.T) {
	ctx := newBrowser(t)
	base := serveSite(t)
	openPlayground(t, ctx, base)
	setScript(t, ctx, abba)
	run(t, ctx)
	eval[bool](t, ctx, `(() => { [...document.querySelectorAll("#findings .finding")].find(f => f.querySelector(".kind").textContent === "DEADLOCK").querySelector(".show-trace").click(); return true })()`)
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the interleaving")
	token := attr(t, ctx, "#lanes", "data-token")
	click(t, ctx, "#share")
	waitFor(t, ctx, `document.getElementById("share-url").value !== ""`, runWait, "the share link")
	link := value(t, ctx, "share-url")
	t.Logf("share link (%d bytes): %s", len(link), link)
	if !strings.HasPrefix(link, base+"/index.html#v1.") {
		t.Fatalf("share link %q", link)
	}
	if want := base + "/index.html#" + fragment(abba, token); link != want {
		t.Errorf("the link differs from the documented format:\n got %s\nwant %s", link, want)
	}
	screenshot(t, ctx, "share.png")
	click(t, ctx, "#embed-code")
	waitFor(t, ctx, `document.getElementById("embed-snippet").value.startsWith("<iframe")`, runWait, "the embed code")
	snippet := value(t, ctx, "embed-snippet")
	if !strings.Contains(snippet, `src="`+base+`/embed.html#v1.`) || !strings.Contains(snippet, `title="ptlab: abba"`) {
		t.Errorf("embed code %q", snippet)
	}

	other := newBrowser(t) // a fresh profile: no draft to fall back on
	navigate(t, other, link)
	if got := value(t, other, "editor"); got != abba {
		t.Errorf("the shared script came back as %q", got)
	}
	waitFor(t, other, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the shared interleaving")
	if got := attr(t, other, "#lanes", "data-token"); got != token {
		t.Errorf("the shared interleaving is %s, want %s", got, token)
	}
	if rows := eval[int](t, other, `document.querySelectorAll("#lanes tbody tr").length`); rows != 2 {
		t.Errorf("the shared interleaving has %d rows, want 2", rows)
	}
	if h := eval[string](t, other, `location.hash`); h != "" {
		t.Errorf("the fragment %q stayed in the address bar (a reload would drop later edits)", h)
	}
	screenshot(t, other, "share-opened.png")
}

// TestMalformedShareLink opens broken links: each gives a clear message
// and an empty editor, and the user's previous text can be restored.
func TestMalformedShareLink(t *testing.T) {
	ctx := newBrowser(t)
	base := serveSite(t)
	navigate(t, ctx, base+"/index.html#v1.this-is!not*base64")
	if got := value(t, ctx, "editor"); got != "" {
		t.Errorf("editor %q after a broken link, want it empty", got)
	}
	msg := text(t, ctx, "message-text")
	if !strings.Contains(msg, "this share link is broken: its data is not valid base64url") || !strings.Contains(msg, "editor was left empty") {
		t.Errorf("message %q", msg)
	}
	if attr(t, ctx, "body", "data-share") != "error" {
		t.Errorf("data-share is not error")
	}
	screenshot(t, ctx, "share-broken.png")

	// With a draft: a broken link (here a cut one, pasted into the
	// address bar of the open page) keeps it restorable.
	setScript(t, ctx, abba)
	waitFor(t, ctx, `document.body.dataset.draft === "saved"`, runWait, "the draft")
	good := fragment(abba, "")
	eval[bool](t, ctx, `location.hash = "`+good[:len(good)/2]+`", true`)
	waitFor(t, ctx, `document.getElementById("editor").value === ""`, runWait, "the editor to empty")
	if msg := text(t, ctx, "message-text"); !strings.Contains(msg, "compressed data is corrupt") {
		t.Errorf("message %q", msg)
	}
	click(t, ctx, "#message-action")
	waitFor(t, ctx, `document.getElementById("editor").value.startsWith("C abba")`, runWait, "the text to be restored")
	// A link from a newer version says so.
	eval[bool](t, ctx, `location.hash = "v7.AAAA", true`)
	waitFor(t, ctx, `document.getElementById("message-text").textContent.includes("format v7, but this ptlab reads only v1")`, runWait, "the version message")
}

// TestEmbedRunsScript opens the embed page from the playground's embed
// code, runs the script there, opens an interleaving, and follows its
// "open in playground" link.
func TestEmbedRunsScript(t *testing.T) {
	ctx := newBrowser(t)
	base := serveSite(t)
	navigate(t, ctx, base+"/embed.html#"+fragment(abba, ""))
	if got := value(t, ctx, "editor"); got != abba {
		t.Fatalf("the embed's editor holds %q", got)
	}
	for _, id := range []string{"exp-list", "share", "manual", "examples", "lesson"} {
		if eval[bool](t, ctx, `document.getElementById("`+id+`") !== null`) {
			t.Errorf("the embed page has #%s; it should show editor, Run and results only", id)
		}
	}
	run(t, ctx)
	if n := eval[int](t, ctx, `document.querySelectorAll("#findings .finding").length`); n != 2 {
		t.Errorf("%d findings in the embed", n)
	}
	click(t, ctx, "#findings .show-trace")
	waitFor(t, ctx, `document.getElementById("lanes").dataset.state === "shown"`, runWait, "the interleaving in the embed")
	screenshot(t, ctx, "embed.png")
	// Edits travel with "open in playground".
	setScript(t, ctx, strings.Replace(abba, "C abba", "C abba-edited", 1))
	waitFor(t, ctx, `document.getElementById("open-playground").href.includes("#v1.")`, runWait, "the playground link")
	waitFor(t, ctx, `document.getElementById("open-playground").href === "`+base+`/index.html#`+fragment(strings.Replace(abba, "C abba", "C abba-edited", 1), "")+`"`, runWait, "the playground link to follow the edit")
	href := attr(t, ctx, "#open-playground", "href")
	navigate(t, ctx, base+"/"+href)
	if got := value(t, ctx, "editor"); !strings.HasPrefix(got, "C abba-edited") {
		t.Errorf("the playground opened from the embed holds %.40q", got)
	}
}

// TestScriptInjection puts <img onerror> and <script> payloads in an
// experiment's name and notes and in a share link (script and token),
// and checks they all render as text: no element is created and no
// handler runs.
func TestScriptInjection(t *testing.T) {
	const payload = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`
	ctx := newBrowser(t)
	base := serveSite(t)
	openPlayground(t, ctx, base)
	eval[bool](t, ctx, `window.pwned = 0, true`)
	safe := func(where string) {
		t.Helper()
		n := eval[int](t, ctx, `document.querySelectorAll("img, iframe, script:not([src])").length`)
		if p := eval[int](t, ctx, `window.pwned || 0`); n != 0 || p != 0 {
			t.Errorf("%s: %d injected elements, window.pwned = %d", where, n, p)
		}
	}
	// Name and notes.
	click(t, ctx, "#tab-experiments")
	eval[bool](t, ctx, `(() => { document.getElementById("exp-name").value = `+jsQuote(payload)+`; const n = document.getElementById("exp-notes"); n.value = "# Notes\n\n`+strings.ReplaceAll(payload, `"`, `\"`)+`\n\n**bold** [x](javascript:window.pwned=3)"; n.dispatchEvent(new Event("input")); return true })()`)
	waitFor(t, ctx, `document.getElementById("exp-notes-view").dataset.rendered === "1"`, runWait, "the notes preview")
	click(t, ctx, "#exp-save")
	waitFor(t, ctx, `document.getElementById("exp-list").dataset.count === "1"`, runWait, "the save")
	if got := eval[string](t, ctx, `document.querySelector("#exp-list .exp-name").textContent`); got != payload {
		t.Errorf("the name shows as %q, want the payload as text", got)
	}
	if got := text(t, ctx, "exp-current"); !strings.Contains(got, payload) {
		t.Errorf("the current experiment shows as %q", got)
	}
	if !eval[bool](t, ctx, `document.querySelector("#exp-notes-view strong") !== null && document.querySelector("#exp-notes-view h1") !== null`) {
		t.Errorf("the notes' Markdown was not rendered")
	}
	if href := eval[string](t, ctx, `(document.querySelector("#exp-notes-view a") || {}).href || ""`); strings.HasPrefix(href, "javascript:") {
		t.Errorf("a javascript: link survived in the notes: %q", href)
	}
	reload(t, ctx)
	eval[bool](t, ctx, `window.pwned = 0, true`)
	click(t, ctx, "#tab-experiments")
	waitFor(t, ctx, `document.getElementById("exp-list").dataset.count === "1"`, runWait, "the list after reload")
	click(t, ctx, "#exp-list .exp-open")
	waitFor(t, ctx, `document.getElementById("exp-notes-view").dataset.rendered === "1"`, runWait, "the notes after opening")
	safe("name and notes")
	screenshot(t, ctx, "injection-experiment.png")

	// A share link whose script and token carry the payload.
	script := "C inj\n\n\"" + strings.ReplaceAll(payload, `"`, `'`) + "\"\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1); // " + payload + "\n}\n\nexists (x=1)\n"
	navigate(t, ctx, base+"/index.html#"+fragment(script, ""))
	eval[bool](t, ctx, `window.pwned = 0, true`)
	if got := value(t, ctx, "editor"); got != script {
		t.Errorf("the shared script came back as %q", got)
	}
	if hl := eval[string](t, ctx, `document.getElementById("highlight").textContent`); !strings.Contains(hl, payload) {
		t.Errorf("the highlighted copy lacks the payload as text")
	}
	run(t, ctx)
	safe("shared script")
	navigate(t, ctx, base+"/index.html#"+fragment(script, payload))
	eval[bool](t, ctx, `window.pwned = 0, true`)
	if msg := text(t, ctx, "message-text"); !strings.Contains(msg, "replay token") || !strings.Contains(msg, "<img src=x") {
		t.Errorf("message %q: want the bad token named, as text", msg)
	}
	navigate(t, ctx, base+"/index.html#"+payload)
	safe("share links")
	screenshot(t, ctx, "injection-share.png")
}

// TestOfflineAfterFirstLoad loads the playground once, lets the service
// worker cache the app shell, stops the server and reloads: the page and
// the engine still work.
func TestOfflineAfterFirstLoad(t *testing.T) {
	ctx := newBrowser(t)
	ts := httptest.NewServer(http.FileServer(http.Dir(siteDir(t))))
	defer ts.Close()
	openPlayground(t, ctx, ts.URL)
	cached := evalAsync[int](t, ctx, `navigator.serviceWorker.ready.then(async () => {
		for (let i = 0; i < 200; i++) {
			const keys = await (await caches.open("ptlab-shell-v1")).keys();
			if (keys.some(k => k.url.endsWith("/worker.wasm")) && keys.some(k => k.url.endsWith("/ptlab.wasm"))) return keys.length;
			await new Promise(r => setTimeout(r, 100));
		}
		return 0;
	})`)
	if cached == 0 {
		t.Fatal("the service worker did not cache the app shell")
	}
	ts.CloseClientConnections()
	ts.Close()
	reload(t, ctx)
	setScript(t, ctx, abba)
	run(t, ctx)
	if r := attr(t, ctx, "body", "data-result"); r != "done" {
		t.Errorf("offline run: %q", r)
	}
	screenshot(t, ctx, "offline.png")
}
