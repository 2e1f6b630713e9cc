//go:build !js

// Package e2e drives the built playground in headless Chromium through
// chromedp. The tests build the wasm and the static site themselves, so
// `go test ./e2e/` needs nothing but Go and Debian's chromium package.
package e2e

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeouts of the browser tests. They are generous because CI machines are
// slow and a cold start compiles the wasm; no test asserts a timing.
const (
	testTimeout  = 2 * time.Minute
	readyTimeout = 30 * time.Second
	runWait      = 30 * time.Second
)

// site is the static site the tests serve, built once per test binary.
var site struct {
	once       sync.Once
	dir        string
	err        error
	raw, gz9   int // page wasm (ptlab.wasm) sizes in bytes: raw and gzip -9
	wraw, wgz9 int // worker wasm (worker.wasm) sizes
	built      time.Duration
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ptlab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	site.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// chromium returns the browser to drive. Without one the test is skipped,
// unless CI=true, where browser tests must run.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const msg = "chromium not found: install it with apt-get install -y chromium to run browser tests"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// siteDir returns the directory holding the built site, building it on
// first use the way ./build.sh build does.
func siteDir(t *testing.T) string {
	t.Helper()
	site.once.Do(func() {
		start := time.Now()
		site.err = buildSite(site.dir)
		site.built = time.Since(start)
		if site.err == nil {
			measure("built the site in %v; ptlab.wasm (page) %d bytes raw, %d gzip (level 9); worker.wasm (engine) %d raw, %d gzip (level 9)\n",
				site.built.Round(time.Millisecond), site.raw, site.gz9, site.wraw, site.wgz9)
		}
	})
	if site.err != nil {
		t.Fatalf("building the site: %v", site.err)
	}
	return site.dir
}

// buildSite writes ptlab.wasm, worker.wasm, wasm_exec.js and web/ into
// dir, as ./build.sh build does.
func buildSite(dir string) error {
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	if err := statSources(root); err != nil {
		return err
	}
	wasm := filepath.Join(dir, "ptlab.wasm")
	worker := filepath.Join(dir, "worker.wasm")
	for _, b := range []struct{ out, pkg string }{{wasm, "./wasm"}, {worker, "./wasm/worker"}} {
		build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", b.out, b.pkg)
		build.Dir = root
		build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("GOOS=js GOARCH=wasm go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %v", err)
	}
	execJS := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	if err := copyFile(filepath.Join(dir, "wasm_exec.js"), execJS); err != nil {
		return err
	}
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "web"))); err != nil {
		return err
	}
	if site.raw, site.gz9, err = sizes(wasm); err != nil {
		return err
	}
	site.wraw, site.wgz9, err = sizes(worker)
	return err
}

// statSources stats every file of the module. go test caches a passing
// result keyed on the files a test touched; the wasm is built by a child
// process, whose reads do not count, so without this an edit to wasm/ or
// core/ would not rerun the browser tests.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case d.IsDir() && (rel == ".git" || rel == "dist" || rel == filepath.Join("e2e", "testdata")):
			return filepath.SkipDir
		case d.Type().IsRegular():
			_, err = os.Stat(path)
		}
		return err
	})
}

func copyFile(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// sizes returns the size of a file raw and compressed with gzip -9.
func sizes(path string) (raw, gz9 int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, err
	}
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.BestCompression)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return 0, 0, err
	}
	return len(b), int(n), nil
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }

// serveSite serves the built site on a local port for one test.
func serveSite(t *testing.T) string {
	t.Helper()
	ts := httptest.NewServer(http.FileServer(http.Dir(siteDir(t))))
	t.Cleanup(ts.Close)
	return ts.URL
}

// newBrowser starts a headless Chromium with a fresh profile and returns a
// context for its first tab. Uncaught page exceptions fail the test; the
// console is logged when the test fails or runs with -v.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	// The defaults include --headless; the rest are the flags measured to
	// work with Debian's chromium in containers.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, testTimeout)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting %s: %v", chromium(t), err)
	}

	var mu sync.Mutex
	var console, exceptions []string
	exc := chromedp.Events(ctx, runtime.ExceptionThrown)
	logs := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev, err := range exc {
			if err != nil {
				return
			}
			mu.Lock()
			exceptions = append(exceptions, exceptionText(ev.ExceptionDetails))
			mu.Unlock()
		}
	})
	wg.Go(func() {
		for ev, err := range logs {
			if err != nil {
				return
			}
			var args []string
			for _, a := range ev.Args {
				if a.Value != nil {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			mu.Lock()
			console = append(console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		wg.Wait()
		for _, l := range console {
			t.Log(l)
		}
		for _, e := range exceptions {
			t.Errorf("uncaught exception in the page: %s", e)
		}
	})
	return ctx
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d:%d)", s, d.URL, d.LineNumber+1, d.ColumnNumber+1)
}

// openPlayground navigates to the playground and waits until Go marks the
// page ready. It logs the time from navigation to ready as the page's own
// clock measured it (body[data-ready-ms]) and as seen from the test.
func openPlayground(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/index.html")); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	waitReady(t, ctx, "navigation")
	t.Logf("navigation to ready: %s ms by the page clock, %v seen by the test",
		attr(t, ctx, "body", "data-ready-ms"), time.Since(start).Round(time.Millisecond))
}

// reload reloads the page and waits until it is ready again.
func reload(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	waitReady(t, ctx, "reload")
	t.Logf("reload to ready: %s ms by the page clock", attr(t, ctx, "body", "data-ready-ms"))
}

func waitReady(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	waitFor(t, ctx, `document.body && document.body.dataset.ready === "1" && document.body.dataset.startup === "done"`, readyTimeout,
		"ptlab to be ready after "+what)
}

// waitFor polls the JavaScript expression until it is truthy, failing the
// test after timeout with the page's status line to help diagnose it.
func waitFor(t *testing.T, ctx context.Context, expr string, timeout time.Duration, what string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](
			`(document.getElementById("status") || {}).textContent || ""`))
		t.Fatalf("waiting for %s (%s): %v; status line: %q", what, expr, err, status)
	}
}

// text returns the textContent of the element with the given id.
func text(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`document.getElementById(%q).textContent`, id)))
	if err != nil {
		t.Fatalf("reading #%s: %v", id, err)
	}
	return s
}

// value returns the value property of the form element with the given id.
func value(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`document.getElementById(%q).value`, id)))
	if err != nil {
		t.Fatalf("reading #%s.value: %v", id, err)
	}
	return s
}

func attr(t *testing.T, ctx context.Context, css, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(css), name))
	if err != nil {
		t.Fatalf("reading %s[%s]: %v", css, name, err)
	}
	return v.Value
}

// screenshot saves a full-page PNG as name in $PTLAB_SCREENSHOTS, or in
// e2e/testdata/screenshots (which git ignores).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("PTLAB_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}

// eval evaluates a JavaScript expression in the page and returns its
// value as T, failing the test on error.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// click clicks the first element matching css.
func click(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
}

// setScript replaces the editor's text as an edit would (the page sees
// an input event).
func setScript(t *testing.T, ctx context.Context, src string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.getElementById("editor"); e.value = %s; e.dispatchEvent(new Event("input")); return true })()`, jsQuote(src)))
}

// typeInEditor selects all of the editor's text and types text over it
// with key events, as a user would (setScript sets the value instead).
func typeInEditor(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Focus(chromedp.ID("editor")),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(text),
	); err != nil {
		t.Fatalf("typing: %v", err)
	}
}

// jsQuote returns s as a JavaScript string literal.
func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// run clicks Run and waits for the result (or error) of this run.
func run(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; return true })()`)
	click(t, ctx, "#run")
	waitFor(t, ctx, `document.body.dataset.result !== undefined`, runWait, "the run's result")
}

// ctxT is the context the helpers take.
type ctxT = context.Context

// evalAsync evaluates a JavaScript expression that returns a promise and
// returns what it resolves to.
func evalAsync[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// measure prints one of the browser measurements ("e2e: ..." on
// stdout, which go test shows only with -v or on failure) and appends
// it to the file $PTLAB_MEASUREMENTS names, if any: ./build.sh test
// prints that file after the tests, so every run shows the numbers.
func measure(format string, args ...any) {
	line := fmt.Sprintf("e2e: "+format, args...)
	fmt.Print(line)
	if name := os.Getenv("PTLAB_MEASUREMENTS"); name != "" {
		if f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.WriteString(line)
			f.Close()
		}
	}
}
