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
type engine struct {
	mu       sync.Mutex
	w        js.Value
	onMsg    js.Func
	onErr    js.Func
	next     int
	handlers map[int]func(protocol.Response)
	ready    bool
	onReady  func()       // called once the worker is up
	onFatal  func(string) // called when the worker reports it cannot work
}

// startEngine adopts the worker loader.js started (draining the messages
// it buffered), or starts one.
func startEngine(onReady func(), onFatal func(string)) *engine {
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
	g := js.Global()
	if w := g.Get("ptlabWorker"); w.Truthy() {
		e.w = w
		w.Set("onmessage", e.onMsg)
		w.Set("onerror", e.onErr)
		buf := g.Get("ptlabWorkerBuffer")
		g.Set("ptlabWorkerBuffer", js.Null())
		if buf.Truthy() {
			for i := 0; i < buf.Length(); i++ {
				e.receive(buf.Index(i))
			}
		}
	} else {
		e.spawn()
	}
	return e
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
	w := e.w
	e.mu.Unlock()
	b, _ := json.Marshal(req)
	w.Call("postMessage", string(b))
	return req.ID
}

// cancel asks the worker to stop the exploration of request id.
func (e *engine) cancel(id int) {
	e.mu.Lock()
	w := e.w
	e.mu.Unlock()
	b, _ := json.Marshal(protocol.Request{ID: id, Type: protocol.Cancel})
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
	old.Call("terminate")
	e.spawn()
	for id, h := range hs {
		h(protocol.Response{ID: id, Type: protocol.Error, Message: msg})
	}
}
