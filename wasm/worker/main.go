//go:build js && wasm

// Command worker is the playground's Web Worker program, built to
// dist/worker.wasm and started by web/worker.js. It holds the engine
// (core/sim), the lessons (package lessons, rendered with goldmark) and
// the examples: the page sends it protocol.Requests as JSON strings with
// postMessage and it answers with protocol.Responses, so explorations
// never block the page.
//
// A Go program sees incoming messages only when it returns to the
// JavaScript event loop. Each request runs in its own goroutine, and a
// running exploration yields (yielder) every engine.YieldEvery, so a
// Cancel message gets through within about that time plus one batch of
// executions (the engine reports progress at least every 50 ms).
package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"syscall/js"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/engine"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// The worker's garbage collector: in wasm it runs on the one thread the
// engine has, stopping it, and the engine's heap is small (a few MB for
// the scenario suite, tens of MB for a million-execution search). A
// target of 400 % (GOGC=400) with a 1 GiB soft limit, measured on the
// scenario suite under Node (wasm/perf): 309k visible steps/s with the
// default 100 %, 354k-418k with 400 %. The collector marks only while
// the engine yields (Engine.Yield below, every engine.YieldEvery): a
// cycle then ends within about 70 ms, where without yields its write
// barriers stayed on for seconds.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

func main() {
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
	self := js.Global()
	post := func(r protocol.Response) {
		b, err := json.Marshal(r)
		if err != nil {
			b, _ = json.Marshal(protocol.Response{ID: r.ID, Type: protocol.Error, Message: "internal error: " + err.Error()})
		}
		self.Call("postMessage", string(b))
	}
	e := engine.New(post)
	e.Yield = yielder()
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		data := args[0].Get("data")
		var req protocol.Request
		if data.Type() != js.TypeString {
			post(protocol.Response{Type: protocol.Error, Message: "worker: want a JSON string message"})
			return nil
		}
		if err := json.Unmarshal([]byte(data.String()), &req); err != nil {
			post(protocol.Response{Type: protocol.Error, Message: fmt.Sprintf("worker: bad request: %v", err)})
			return nil
		}
		if req.Type == protocol.Cancel {
			e.Cancel(req.ID) // at once: never queue a cancel behind work
			return nil
		}
		go e.Handle(req) // never block in a JavaScript callback
		return nil
	}))
	post(protocol.Response{Type: protocol.Ready})
	select {}
}

// yielder returns a function that returns to the JavaScript event loop
// and comes back as soon as the tasks already queued (an incoming
// Cancel, say) have run: it posts a message to itself on a
// MessageChannel and waits for it. A timer would do too, but browsers
// clamp nested timers to at least 4 ms: a 1 ms sleep took 4.6 ms in
// Chromium, 8% of an exploration yielding every 50 ms.
func yielder() func() {
	ch := js.Global().Get("MessageChannel")
	if ch.Type() != js.TypeFunction {
		return func() { time.Sleep(time.Millisecond) }
	}
	mc := ch.New()
	port := mc.Get("port2")
	wake := make(chan struct{}, 1)
	mc.Get("port1").Set("onmessage", js.FuncOf(func(js.Value, []js.Value) any {
		wake <- struct{}{}
		return nil
	}))
	return func() {
		port.Call("postMessage", nil)
		<-wake
	}
}
