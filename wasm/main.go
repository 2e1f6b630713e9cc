//go:build js && wasm

// Command wasm is the page program of the ptlab playground, built to
// dist/ptlab.wasm by ./build.sh. It draws the page (lessons, editor,
// results, interleavings, experiments, share links) and sends the work
// to the engine, which runs in a Web Worker (wasm/worker,
// dist/worker.wasm), so the page never freezes. The same program drives
// embed.html (body[data-mode=embed]): editor, Run and results only, for a
// share link or one lesson block.
//
// This package and wasm/worker are the only code in ptlab that touches
// syscall/js, the DOM and IndexedDB (github.com/hack-pad/go-indexeddb,
// store.go). The page's top-level wiring (window, location, window
// events, the document) goes through honnef.co/go/js/dom/v2 (window.go);
// building and updating elements goes through the small layer in dom.go,
// which keeps dom/v2's element wrappers out of the program (see
// window.go for the measurements). The logic the page and the worker
// share lives in pure packages under wasm/internal, tested natively. The
// Markdown renderer (goldmark), the lessons and the examples live in the
// worker, to keep this program under its 1.5 MB gzip budget.
//
// Startup, on the critical path to an interactive editor: boot.js, the
// first thing in the page's <head>, starts downloading and compiling
// this program and, on the playground, opening IndexedDB and reading the
// draft and the reading position; loader.js instantiates and runs the
// program; main draws and wires the page, restores the draft (or opens
// what the URL names) if boot.js has read it, and marks the editor
// interactive (markReady). Only then does it start what the editor does
// not need (page.afterReady): the engine's worker and the requests held
// for it (the lesson and example lists, the lesson shown), the restoring
// of the saved state if boot.js had not read it yet (creating the
// database on a first visit takes 100-500 ms: see startPlayground), the
// store's go-indexeddb connection and the service worker. The browser
// compiles wasm functions lazily, on first call, on the page's main
// thread, and the IndexedDB events wait for that thread to be free, so
// every function main runs before markReady costs time: keep work out
// of that path. (The measurements are in the README, "Measurements".)
//
// JavaScript callbacks must never block: a handler that waits for a
// promise deadlocks, because the promise cannot settle while the event
// loop is paused in the handler. Handlers start a goroutine instead.
package main

import (
	"math"
	"strconv"
	"syscall/js"
)

func main() {
	setData(body(), "mainMs", strconv.Itoa(int(perfNow())))
	p := newPage()
	p.start()
	markReady()
	p.afterReady()
	select {} // keep the instance alive for callbacks
}

// yieldToBrowser lets the browser run what waits for the main thread
// (input events, a frame, IndexedDB events) before main goes on: main
// blocks until a zero-delay timer fires, so the Go scheduler returns to
// the event loop. Go code that does not block never lets the page
// respond.
func yieldToBrowser() {
	done := make(chan struct{})
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", f, 0)
	<-done
}

// markReady tells the page and the browser tests that the editor is
// interactive: drawn and highlighted, holding the restored draft (or what
// the URL opened, or the page's default script while the saved state is
// still being read), its handlers wired, so typing, Ctrl+Enter and Run work
// (a Run sent before the engine's worker is up waits for it). It sets
// body[data-ready="1"] and, for startup measurements,
// body[data-ready-ms], the milliseconds since navigation
// (performance.now(); e2e TestBrowserPerformance reports it).
//
// On the playground the saved state may arrive after that (see
// startPlayground); markStarted says when the page has it.
func markReady() {
	ds := document.Get("body").Get("dataset")
	ds.Set("readyMs", math.Round(perfNow()))
	ds.Set("ready", "1")
}

// markStarted marks the page started (body[data-startup="done"]): the
// saved state restored (or found missing, or unreadable: the message bar
// says so) and what the URL names opened. It follows markReady when the
// editor was made interactive before the saved state was read.
func markStarted() {
	setData(body(), "startup", "done")
}
