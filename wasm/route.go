//go:build js && wasm

package main

import (
	"fmt"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/internal/reader"
	"github.com/ptlab/ptlab/wasm/internal/share"
)

// The URL fragment says what to open (package reader parses it):
//
//	index.html#lesson=N          lesson N in the lesson pane
//	index.html#lesson=N&block=K  the same, with block K loaded into the editor
//	#scenario=NAME               the scenario loaded into the editor
//	embed.html#lesson=N&block=K  the embed page with that block and Run
//	#v1....                      a share link (package share)
//
// Lesson links stay in the address bar (it is then a link to the lesson
// and a reload shows it); scenario and share links are dropped from it
// once opened, so that a reload shows the autosaved editor instead.

// loadedBlock is the lesson block whose code was last loaded into the
// editor.
type loadedBlock struct {
	lesson int
	block  protocol.BlockInfo
}

// setLoaded records that the editor holds block b of lesson n.
func (p *page) setLoaded(n int, b protocol.BlockInfo) {
	p.mu.Lock()
	p.loaded = &loadedBlock{n, b}
	p.mu.Unlock()
}

// loadedFor returns the lesson block whose code is text, if the editor
// was loaded from one and text is still its code.
func (p *page) loadedFor(text string) *loadedBlock {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.loaded != nil && p.loaded.block.Code == text {
		return p.loaded
	}
	return nil
}

// isBlockCode reports whether text is the unedited code of the lesson
// block last loaded.
func (p *page) isBlockCode(text string) bool { return p.loadedFor(text) != nil }

// route opens what the URL fragment asks for. At startup it also
// restores the editor (the autosaved draft) and the lesson pane (where
// the reader stopped) unless the fragment says otherwise.
func (p *page) route(startup bool) {
	link, err := reader.Parse(fragment())
	if err != nil {
		replaceFragment("")
		if startup {
			p.restoreDraft()
			p.lessons.openSaved()
		}
		p.showMessage("This link is broken: "+err.Error()+".", "", nil)
		setData(body(), "route", "error")
		return
	}
	switch link.Kind {
	case reader.Share:
		if !p.loadFragment(startup) && startup {
			p.restoreDraft()
		}
		if startup {
			p.lessons.openSaved()
		}
	case reader.Lesson:
		if startup {
			p.restoreDraft()
		}
		if link.Block > 0 {
			// Keep the lesson in the address bar, not the load: a
			// reload must not replace later edits.
			replaceFragment(reader.Link{Kind: reader.Lesson, Lesson: link.Lesson}.String())
		}
		p.lessons.open(link.Lesson, link.Block, -1)
	case reader.Scenario:
		replaceFragment("")
		if startup {
			p.restoreDraft()
			p.lessons.openSaved()
		}
		p.loadScenario(link.Scenario)
	default:
		if startup {
			p.restoreDraft()
			p.lessons.openSaved()
		} else {
			p.lessons.openFirst() // Back to the URL the page was opened with
		}
	}
	setData(body(), "route", link.String())
}

// loadScenario loads the named scenario (a #scenario=NAME link) into the
// editor.
func (p *page) loadScenario(name string) {
	p.eng.send(protocol.Request{Type: protocol.GetScenario, Script: name}, func(r protocol.Response) {
		if r.Type != protocol.Examples || len(r.Examples) != 1 {
			p.showMessage("Cannot open this scenario link: "+r.Message+".", "", nil)
			setData(body(), "scenario", "error")
			return
		}
		ex := r.Examples[0]
		go func() {
			p.manual.leave("")
			if p.exps != nil {
				p.exps.setOpen(nil)
			}
			p.replaceText(ex.Source, "Loaded scenario "+ex.Name+": "+ex.Note+".")
			setData(body(), "scenario", ex.Name)
		}()
	})
}

// routeEmbed opens what the embed page's fragment asks for: a share link
// or one lesson block. It reports whether there was anything to open.
func (p *page) routeEmbed(startup bool) bool {
	link, err := reader.Parse(fragment())
	if err != nil {
		p.ed.setText("")
		p.showMessage("This embed link is broken: "+err.Error()+".", "", nil)
		return true
	}
	switch link.Kind {
	case reader.Share:
		return p.loadFragment(startup)
	case reader.Lesson:
		if link.Block == 0 {
			p.showMessage(fmt.Sprintf("This embed link names lesson %d but no block: embed links name one block, as in embed.html#lesson=%d&block=1.", link.Lesson, link.Lesson), "", nil)
			return true
		}
		p.embedBlock(link.Lesson, link.Block)
		return true
	case reader.Scenario:
		p.loadScenario(link.Scenario)
		return true
	}
	return false
}

// embedBlock shows block k of lesson n on the embed page: its code in the
// editor, what the lesson expects above it, and Run.
func (p *page) embedBlock(n, k int) {
	caption := byID("embed-caption")
	p.eng.send(protocol.Request{Type: protocol.GetLesson, Lesson: n}, func(r protocol.Response) {
		if r.Type != protocol.Lesson || r.Lesson == nil {
			p.ed.setText("")
			p.showMessage("This embed link is broken: "+r.Message+".", "", nil)
			return
		}
		pg := r.Lesson
		if k > len(pg.Blocks) {
			p.ed.setText("")
			p.showMessage(fmt.Sprintf("This embed link is broken: lesson %d has no block %d (it has %d).", n, k, len(pg.Blocks)), "", nil)
			return
		}
		b := pg.Blocks[k-1]
		p.setLoaded(n, b)
		p.ed.setText(b.Code)
		if caption != nil {
			clear(caption)
			head := fmt.Sprintf("Lesson %d · %s — block %d", n, pg.Title, k)
			if b.Name != "" {
				head += " (" + b.Name + ")"
			}
			caption.AppendChild(mk("b", "", head))
			caption.AppendChild(mk("span", "muted", " "+b.Describe))
			show(caption, true)
		}
		setTitle(fmt.Sprintf("ptlab · lesson %d, block %d", n, k))
		p.updateEmbedLink()
		p.setStatus(fmt.Sprintf("Ready: lesson %d, block %d. Press Run.", n, k))
		setData(body(), "lesson", fmt.Sprint(n))
		setData(body(), "block", fmt.Sprint(k))
	})
}

// embedLink is where the embed page's "open in playground" link points:
// the lesson block while the editor holds its code unchanged, else a
// share link carrying the text.
func (p *page) embedLink() string {
	text := p.ed.text()
	if lb := p.loadedFor(text); lb != nil {
		return "index.html#" + reader.Link{Kind: reader.Lesson, Lesson: lb.lesson, Block: lb.block.Index}.String()
	}
	return "index.html#" + share.Encode(share.State{Script: text})
}
