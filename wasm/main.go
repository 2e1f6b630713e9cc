//go:build js && wasm

// Command wasm is the browser side of the ptlab playground, built to
// dist/ptlab.wasm by ./build.sh. It exposes ptlabRun to JavaScript, wires
// the page (editor, Run button, output, status line) and autosaves the
// editor's draft in IndexedDB.
//
// This package is the only code in ptlab that touches syscall/js, the DOM
// (honnef.co/go/js/dom/v2) and IndexedDB (github.com/hack-pad/go-indexeddb);
// the engine in core/ stays pure Go.
//
// JavaScript callbacks must never block: a handler that waits for a
// promise deadlocks, because the promise cannot settle while the event loop
// is paused in the handler. Every handler here starts a goroutine instead.
package main

import (
	"math"
	"syscall/js"
)

func main() {
	js.Global().Set("ptlabRun", js.FuncOf(jsRun))
	if page, err := findPage(); err != nil {
		// A page without the playground's elements (a test page, say)
		// still gets ptlabRun.
		js.Global().Get("console").Call("warn", "ptlab: "+err.Error())
	} else {
		page.start()
	}
	markReady()
	select {} // Keep the instance alive for callbacks.
}

// markReady tells the page and the browser tests that ptlab is ready: it
// sets the global ptlabReady, body[data-ready="1"] and, for startup
// measurements, body[data-ready-ms] to the milliseconds since navigation.
func markReady() {
	js.Global().Set("ptlabReady", true)
	body := js.Global().Get("document").Get("body")
	if body.Truthy() {
		ds := body.Get("dataset")
		ds.Set("readyMs", math.Round(js.Global().Get("performance").Call("now").Float()))
		ds.Set("ready", "1")
	}
}
