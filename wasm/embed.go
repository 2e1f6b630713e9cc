//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/share"
)

// startEmbed wires embed.html: the script comes from the fragment; the
// "open in playground" link carries the editor's current text.
func (p *page) startEmbed() {
	if !p.loadFragment(true) {
		p.setStatus("Ready. (This embed has no script in its link.)")
	}
	link := byID("open-playground")
	update := func() {
		if link != nil {
			link.SetAttribute("href", "index.html#"+share.Encode(share.State{Script: p.ed.text()}))
		}
	}
	update()
	var pending *time.Timer
	p.ed.ta.AddEventListener("input", false, func(*event) {
		if pending != nil {
			pending.Stop()
		}
		pending = time.AfterFunc(300*time.Millisecond, update)
	})
	js.Global().Get("window").Call("addEventListener", "hashchange", js.FuncOf(func(js.Value, []js.Value) any {
		go func() {
			p.loadFragment(false)
			update()
		}()
		return nil
	}))
}
