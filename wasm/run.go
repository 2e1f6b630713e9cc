//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"fmt"
	"syscall/js"
	"time"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
)

// runTimeout bounds one run started from the page.
const runTimeout = 10 * time.Second

// scriptFile is the file name diagnostics use for the editor's script.
const scriptFile = "playground.litmus"

// runScript explores src with the default options and returns the
// herd-style text and the JSON of the result. Errors are the engine's
// file:line:col: messages; a panic in the engine becomes an error too, so
// one bad script cannot kill the Go instance the page depends on.
func runScript(src string) (text, jsonText string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	res, err := sim.Run(ctx, scriptFile, src, sim.Options{Timeout: runTimeout})
	if err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := report.WriteText(&buf, res); err != nil {
		return "", "", err
	}
	j, err := report.JSON(res)
	if err != nil {
		return "", "", err
	}
	return buf.String(), string(j), nil
}

// jsRun implements ptlabRun(src) for JavaScript. It returns a Promise that
// resolves to {text, json} or rejects with the error message (a string of
// file:line:col: message lines).
func jsRun(_ js.Value, args []js.Value) any {
	if len(args) != 1 || args[0].Type() != js.TypeString {
		return newPromise(func() (any, error) {
			return nil, fmt.Errorf("ptlabRun: want one string argument (the script)")
		})
	}
	src := args[0].String()
	return newPromise(func() (any, error) {
		text, j, err := runScript(src)
		if err != nil {
			return nil, err
		}
		return map[string]any{"text": text, "json": j}, nil
	})
}

// newPromise returns a JavaScript Promise settled by work, which runs in
// its own goroutine so the caller's event loop is never blocked. A non-nil
// error rejects the promise with err.Error().
func newPromise(work func() (any, error)) js.Value {
	executor := js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			v, err := work()
			if err != nil {
				reject.Invoke(err.Error())
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	// The Promise constructor calls the executor synchronously, so it can
	// be released as soon as the promise exists.
	defer executor.Release()
	return js.Global().Get("Promise").New(executor)
}
