//go:build js && wasm

package main

import (
	"encoding/json"
	"sync"
	"syscall/js"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// engine talks to the Web Worker that runs the explorations (worker.js
// and worker.wasm, built from wasm/worker). Requests and responses are
// JSON strings (protocol.Request, protocol.Response). Each request has a
// handler that receives its progress messages and its final response; the
// handlers run in the worker's message callback and must not block.
//
// The worker starts once the editor is interactive (engine.start, from
// main): fetching and compiling its 7 MB of wasm while the page program
// starts delayed the editor on a 2-core machine, and did not make the
// worker ready sooner. Requests sent before then are held, and encoded
// and posted by start: encoding them (encoding/json, which the browser
// compiles on first use) is work the editor does not need either.
type engine struct {
	mu       sync.Mutex
	w        js.Value // the worker, once started
	onMsg    js.Func
	onErr    js.Func
	next     int
	handlers map[int]func(protocol.Response)
	ready    bool
	onReady  func()       // called once the worker is up
	onFatal  func(string) // called when the worker reports it cannot work

	started bool               // start has run
	held    []protocol.Request // requests sent before start, in order
}

// newEngine returns an engine whose worker is not started yet.
func newEngine(onReady func(), onFatal func(string)) *engine {
	e := &engine{handlers: map[int]func(protocol.Response){}, next: 1, onReady: onReady, onFatal: onFatal}
	e.onMsg = js.FuncOf(func(_ js.Value, args []js.Value) any {
		e.receive(args[0].Get("data"))
		return nil
	})
	e.onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "the engine's worker failed"
		if m := args[0].Get("message"); m.Type() == js.TypeString && m.String() != "" {
			msg += ": " + m.String()
		}
		e.fatal(msg)
		return nil
	})
	return e
}

// start starts the worker and posts the requests held until now.
func (e *engine) start() {
	e.mu.Lock()
	if e.started {
		e.mu.Unlock()
		return
	}
	e.started = true
	reqs := e.held
	e.held = nil
	e.mu.Unlock()
	e.spawn()
	for _, req := range reqs {
		e.post(req)
	}
}

// spawn starts a new worker.
func (e *engine) spawn() {
	defer func() {
		if p := recover(); p != nil {
			go e.fatal("could not start the engine's worker")
		}
	}()
	w := js.Global().Get("Worker").New("worker.js")
	w.Set("onmessage", e.onMsg)
	w.Set("onerror", e.onErr)
	e.mu.Lock()
	e.w = w
	e.mu.Unlock()
}

func (e *engine) fatal(msg string) {
	if e.onFatal != nil {
		e.onFatal(msg)
	}
}

// receive dispatches one message from the worker.
func (e *engine) receive(data js.Value) {
	if data.Type() != js.TypeString {
		return
	}
	var r protocol.Response
	if err := json.Unmarshal([]byte(data.String()), &r); err != nil {
		e.fatal("the engine sent a message the page cannot read: " + err.Error())
		return
	}
	if r.ID == 0 {
		switch r.Type {
		case protocol.Ready:
			e.mu.Lock()
			first := !e.ready
			e.ready = true
			e.mu.Unlock()
			if first && e.onReady != nil {
				e.onReady()
			}
		case protocol.Error:
			e.fatal(r.Message)
		}
		return
	}
	e.mu.Lock()
	h := e.handlers[r.ID]
	if r.Type != protocol.Progress {
		delete(e.handlers, r.ID)
	}
	e.mu.Unlock()
	if h != nil {
		h(r)
	}
}

// send posts req with a fresh ID and returns the ID. h receives the
// responses; it runs in the message callback and must not block.
func (e *engine) send(req protocol.Request, h func(protocol.Response)) int {
	e.mu.Lock()
	req.ID = e.next
	e.next++
	e.handlers[req.ID] = h
	e.mu.Unlock()
	e.post(req)
	return req.ID
}

// cancel asks the worker to stop the exploration of request id.
func (e *engine) cancel(id int) {
	e.post(protocol.Request{ID: id, Type: protocol.Cancel})
}

// post sends req to the worker, or holds it until start.
func (e *engine) post(req protocol.Request) {
	e.mu.Lock()
	if !e.started {
		e.held = append(e.held, req)
		e.mu.Unlock()
		return
	}
	w := e.w
	e.mu.Unlock()
	if !w.Truthy() {
		return // spawn failed and said so
	}
	b, _ := json.Marshal(req)
	w.Call("postMessage", string(b))
}

// restart terminates the worker and starts a new one. Every pending
// request is answered with an error carrying msg; manual-mode state in
// the worker is lost.
func (e *engine) restart(msg string) {
	e.mu.Lock()
	old := e.w
	hs := e.handlers
	e.handlers = map[int]func(protocol.Response){}
	e.ready = false
	e.mu.Unlock()
	if old.Truthy() {
		old.Call("terminate")
	}
	e.spawn()
	for id, h := range hs {
		h(protocol.Response{ID: id, Type: protocol.Error, Message: msg})
	}
}
