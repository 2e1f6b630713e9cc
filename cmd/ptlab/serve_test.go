package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wasmMagic is the header of every WebAssembly binary.
const wasmMagic = "\x00asm\x01\x00\x00\x00"

func newTestSite(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html": "<!doctype html><title>ptlab</title>",
		"ptlab.wasm": wasmMagic,
		"loader.js":  "console.log(1)",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(siteHandler(dir))
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestServeIndex(t *testing.T) {
	ts := newTestSite(t)
	for _, p := range []string{"/", "/index.html"} {
		resp, body := get(t, ts.URL+p)
		if p == "/index.html" && resp.StatusCode == http.StatusMovedPermanently {
			continue // FileServer redirects /index.html to /.
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", p, resp.StatusCode)
		}
		if !strings.Contains(body, "<title>ptlab</title>") {
			t.Errorf("GET %s: body %q does not look like index.html", p, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", p, ct)
		}
	}
}

func TestServeWasm(t *testing.T) {
	ts := newTestSite(t)
	resp, body := get(t, ts.URL+"/ptlab.wasm")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("Content-Type %q, want application/wasm", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	if body != wasmMagic {
		t.Errorf("body %q, want the wasm file", body)
	}
}

func TestServeJS(t *testing.T) {
	ts := newTestSite(t)
	resp, _ := get(t, ts.URL+"/loader.js")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q, want text/javascript", ct)
	}
}

func TestServeMissing(t *testing.T) {
	ts := newTestSite(t)
	resp, _ := get(t, ts.URL+"/nope.wasm")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

func TestServeBadUsage(t *testing.T) {
	var out, errb strings.Builder
	if code := serveMain([]string{"--dir", filepath.Join(t.TempDir(), "missing")}, &out, &errb); code != 2 {
		t.Errorf("missing dir: exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "./build.sh build") {
		t.Errorf("missing dir: stderr %q should say how to build the site", errb.String())
	}
	if code := serveMain([]string{"--bogus"}, &out, &errb); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if code := serveMain([]string{"extra"}, &out, &errb); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}
