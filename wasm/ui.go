//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"honnef.co/go/js/dom/v2"
)

// Timings of the draft autosave.
const (
	saveDelay   = 400 * time.Millisecond // quiet time after the last edit
	saveTimeout = 5 * time.Second
	loadTimeout = 5 * time.Second
)

// page holds the playground's elements (see web/index.html).
type page struct {
	editor  *dom.HTMLTextAreaElement
	run     *dom.HTMLButtonElement
	output  dom.HTMLElement
	status  dom.HTMLElement
	running atomic.Bool
	edited  chan struct{} // signals the autosaver; capacity 1
}

// findPage looks up the playground's elements by id.
func findPage() (*page, error) {
	doc := dom.GetWindow().Document()
	p := &page{edited: make(chan struct{}, 1)}
	var ok [4]bool
	p.editor, ok[0] = doc.GetElementByID("editor").(*dom.HTMLTextAreaElement)
	p.run, ok[1] = doc.GetElementByID("run").(*dom.HTMLButtonElement)
	p.output, ok[2] = doc.GetElementByID("output").(dom.HTMLElement)
	p.status, ok[3] = doc.GetElementByID("status").(dom.HTMLElement)
	if ok != [4]bool{true, true, true, true} {
		return nil, fmt.Errorf("page lacks #editor, #run, #output or #status")
	}
	return p, nil
}

// start restores the saved draft, then wires the Run button, the
// Ctrl/Cmd+Enter shortcut and the autosave. It blocks (on IndexedDB) and
// so must be called from main or a goroutine, never from a JS callback.
func (p *page) start() {
	drafts := p.restoreDraft()

	p.run.AddEventListener("click", false, func(dom.Event) { go p.runEditor() })
	p.editor.AddEventListener("keydown", false, func(ev dom.Event) {
		k, ok := ev.(*dom.KeyboardEvent)
		if ok && k.Key() == "Enter" && (k.CtrlKey() || k.MetaKey()) {
			k.PreventDefault()
			go p.runEditor()
		}
	})
	if drafts != nil {
		p.editor.AddEventListener("input", false, func(dom.Event) {
			select {
			case p.edited <- struct{}{}:
			default: // a save is already pending
			}
		})
		go p.autosave(drafts)
	}
	p.run.SetDisabled(false)
}

// restoreDraft opens the drafts store and puts a saved draft in the editor.
// It returns nil, after saying why in the status line, when storage is
// unavailable; the playground then works without autosave.
func (p *page) restoreDraft() *draftStore {
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	drafts, err := openDrafts(ctx)
	if err != nil {
		p.setStatus("Ready. Drafts will not be saved: " + err.Error())
		return nil
	}
	text, ok, err := drafts.load(ctx)
	switch {
	case err != nil:
		p.setStatus("Ready. Could not restore the saved draft: " + err.Error())
	case ok && p.editor.Value() != p.editor.DefaultValue():
		// Typed into the page while ptlab loaded: keep that.
		p.setStatus("Ready. Kept your new edits over the saved draft.")
	case ok:
		p.editor.SetValue(text)
		p.setStatus("Ready. Restored your draft.")
	default:
		p.setStatus("Ready.")
	}
	return drafts
}

// autosave saves the editor's text once it has been quiet for saveDelay.
func (p *page) autosave(drafts *draftStore) {
	for range p.edited {
		time.Sleep(saveDelay)
		select {
		case <-p.edited: // typed again meanwhile; wait for quiet
			p.edited <- struct{}{}
			continue
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
		err := drafts.save(ctx, p.editor.Value())
		cancel()
		if p.running.Load() {
			continue // keep the run's status visible
		}
		if err != nil {
			p.setStatus("Draft not saved: " + err.Error())
		} else {
			p.setStatus("Draft saved.")
		}
	}
}

// runEditor runs the editor's script and shows the result or the errors.
func (p *page) runEditor() {
	if !p.running.CompareAndSwap(false, true) {
		return
	}
	defer p.running.Store(false)
	p.run.SetDisabled(true)
	defer p.run.SetDisabled(false)
	p.setStatus("Running…")
	// The run holds the only thread until it ends (the worker comes
	// later), so let the browser paint the status first.
	waitForPaint()

	start := time.Now()
	text, _, err := runScript(p.editor.Value())
	ms := time.Since(start).Milliseconds()
	if err != nil {
		p.output.Class().Add("error")
		p.output.SetTextContent(err.Error())
		p.setStatus(fmt.Sprintf("Error (%d ms).", ms))
		return
	}
	p.output.Class().Remove("error")
	p.output.SetTextContent(text)
	p.setStatus(fmt.Sprintf("Done in %d ms.", ms))
}

// waitForPaint blocks until the browser has rendered a frame: it waits for
// an animation frame and then for the task after it. Hidden tabs get no
// animation frames, so a 100 ms timer bounds the wait.
func waitForPaint() {
	done := make(chan struct{})
	var once sync.Once
	afterTask := js.FuncOf(func(js.Value, []js.Value) any {
		once.Do(func() { close(done) })
		return nil
	})
	afterFrame := js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Call("setTimeout", afterTask, 0)
		return nil
	})
	js.Global().Call("requestAnimationFrame", afterFrame)
	js.Global().Call("setTimeout", afterTask, 100)
	<-done
	// The other callback may still fire; let it find its function.
	time.AfterFunc(time.Second, func() {
		afterFrame.Release()
		afterTask.Release()
	})
}

func (p *page) setStatus(s string) { p.status.SetTextContent(s) }
