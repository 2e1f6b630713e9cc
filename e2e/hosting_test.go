//go:build !js

package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestWrongWasmMIMEType serves the site the way some static hosts do,
// with .wasm files as application/octet-stream, which streaming
// compilation refuses. The page must still start and run a script, and
// fetch each program at most twice: the refused stream, then the bytes
// (loader.js does not stream a second time). The service worker is left
// out (sw.js answers 404, as on a host without it), so that its caching
// of the app shell does not add requests.
func TestWrongWasmMIMEType(t *testing.T) {
	dir := siteDir(t)
	files := http.FileServer(http.Dir(dir))
	var mu sync.Mutex
	fetched := map[string]int{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/sw.js":
			http.NotFound(w, r)
			return
		case strings.HasSuffix(r.URL.Path, ".wasm"):
			mu.Lock()
			fetched[r.URL.Path]++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Cache-Control", "no-store") // every fetch is counted
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	ctx := newBrowser(t)
	openPlayground(t, ctx, ts.URL)
	setScript(t, ctx, abba)
	run(t, ctx)
	if r := attr(t, ctx, "body", "data-result"); r != "done" {
		t.Errorf("the run ended with body[data-result]=%q, want done (status: %q)", r, text(t, ctx, "status"))
	}
	mu.Lock()
	defer mu.Unlock()
	for _, name := range []string{"/ptlab.wasm", "/worker.wasm"} {
		if n := fetched[name]; n < 1 || n > 2 {
			t.Errorf("%s was fetched %d times, want 1 or 2", name, n)
		}
	}
	if fetched["/ptlab.wasm"] != 2 {
		t.Errorf("ptlab.wasm was fetched %d times, want 2 (boot.js's refused stream, then loader.js's bytes)", fetched["/ptlab.wasm"])
	}
}
