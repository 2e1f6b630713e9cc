//go:build js && wasm

package main

import (
	"time"
)

// startEmbed wires embed.html: the script comes from the fragment (a
// share link, or a lesson block: embed.html#lesson=N&block=K); the "open
// in playground" link carries the editor's current text, or the lesson
// block while its code is unchanged.
func (p *page) startEmbed() {
	if !p.routeEmbed(true) {
		p.setStatus("Ready. (This embed has no script in its link.)")
	}
	p.updateEmbedLink()
	var pending *time.Timer
	p.ed.ta.AddEventListener("input", false, func(*event) {
		if pending != nil {
			pending.Stop()
		}
		pending = time.AfterFunc(300*time.Millisecond, p.updateEmbedLink)
	})
	onWindow("hashchange", func() {
		p.routeEmbed(false)
		p.updateEmbedLink()
	})
}

// updateEmbedLink points "open in playground" at what the editor holds.
func (p *page) updateEmbedLink() {
	if link := byID("open-playground"); link != nil {
		link.SetAttribute("href", p.embedLink())
	}
}
