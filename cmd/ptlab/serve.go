package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"time"
)

// serveMain implements "ptlab serve": it serves a static directory (the
// dist/ that ./build.sh build writes) until interrupted.
func serveMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ptlab serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	dir := fs.String("dir", "dist", "static `directory` to serve (built by ./build.sh build)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ptlab serve [--addr 127.0.0.1:8080] [--dir dist]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "ptlab serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "ptlab serve: %s is not a directory; build the site first with ./build.sh build\n", *dir)
		return 2
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "ptlab serve: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: siteHandler(*dir), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Fprintf(stdout, "serving %s at http://%s/ (Ctrl+C stops)\n", *dir, ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "ptlab serve: %v\n", err)
		return 1
	}
	return 0
}

// contentTypes fixes the MIME types the playground depends on, whatever the
// host's mime.types says: instantiateStreaming rejects a .wasm file served
// as anything but application/wasm.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
}

// siteHandler serves the files under dir. Every response carries
// Cache-Control: no-cache, so a browser revalidates (cheaply, through
// Last-Modified) and never runs a stale wasm after a rebuild.
func siteHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct, ok := contentTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
