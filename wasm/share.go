//go:build js && wasm

package main

import (
	"html"
	"strings"

	"github.com/ptlab/ptlab/wasm/internal/share"
)

// Share links carry the script, and optionally the interleaving shown, in
// the URL fragment (package share): nothing goes to a server.

// wireShare wires the Share and Embed code buttons.
func (p *page) wireShare() {
	box, url, withTok := byID("sharebox"), byID("share-url"), byID("share-token")
	embedRow, snippet := byID("embed-row"), byID("embed-snippet")
	if box == nil {
		return
	}
	fragment := func() string {
		st := share.State{Script: p.ed.text()}
		if withTok.Underlying().Get("checked").Bool() && p.trace.tr != nil && p.trace.script == st.Script && !strings.HasPrefix(p.trace.heading, "Manual") {
			st.Token = p.trace.token
		}
		return share.Encode(st)
	}
	update := func() {
		f := fragment()
		setValue(url, baseURL()+"index.html#"+f)
		name := html.EscapeString(scriptName(p.ed.text()))
		setValue(snippet, `<iframe src="`+html.EscapeString(baseURL()+"embed.html#"+f)+`" title="ptlab: `+name+
			`" width="100%" height="520" style="border:1px solid #ccc;border-radius:4px" loading="lazy"></iframe>`)
	}
	onClick(byID("share"), func() {
		update()
		show(embedRow, false)
		show(box, true)
		url.Underlying().Call("select")
		copyText(value(url))
		p.setStatus("Share link ready (copied if the browser allowed it).")
	})
	onClick(byID("embed-code"), func() {
		update()
		show(embedRow, true)
		show(box, true)
		snippet.Underlying().Call("select")
		copyText(value(snippet))
		p.setStatus("Embed code ready (copied if the browser allowed it).")
	})
	withTok.AddEventListener("change", false, func(*event) { update() })
	onClick(byID("share-copy"), func() { url.Underlying().Call("select"); copyText(value(url)) })
	onClick(byID("embed-copy"), func() { snippet.Underlying().Call("select"); copyText(value(snippet)) })
	onClick(byID("sharebox-close"), func() { show(box, false) })
	setDisabled(byID("share"), false)
	setDisabled(byID("embed-code"), false)
}

// loadFragment opens the share link in the URL fragment, if any, and
// reports whether there was one. The text it replaces (at startup, the
// saved draft) is kept and can be restored. A broken link leaves the
// editor empty and says what is wrong.
func (p *page) loadFragment(startup bool) bool {
	st, ok, err := share.Decode(fragment())
	if !ok {
		return false
	}
	if !p.embed {
		// Drop the fragment, so a reload shows the autosaved draft (the
		// user's later edits) rather than the link's original text.
		replaceFragment("")
	}
	saved := p.ed.text()
	if startup {
		saved = ""
		if p.first.draftOK {
			saved = p.first.draft
		}
	}
	if p.manual != nil {
		p.manual.leave("")
	}
	if err != nil {
		p.ed.setText("")
		setData(body(), "share", "error")
		if strings.TrimSpace(saved) == "" {
			p.showMessage(err.Error()+" The editor was left empty.", "", nil)
			return true
		}
		if p.store != nil {
			go p.store.putDraft(previousKey, saved)
		}
		p.showMessage(err.Error()+" The editor was left empty; your previous text is kept.", "Restore previous text", func() {
			p.replaceText(saved, "Restored the previous text.")
		})
		return true
	}
	switch {
	case p.embed:
		p.ed.setText(st.Script)
	case startup && p.shown != "" && p.ed.text() != p.shown:
		// The editor showed the shared script before the saved state
		// was read (showSharedScript), and the user edited it: keep
		// the edits, and the draft they replace.
		edited := p.ed.text()
		p.ed.setText(saved)
		p.replaceText(edited, "Opened a shared script; kept your edits to it.")
	default:
		p.ed.setText(saved)
		p.replaceText(st.Script, "Opened a shared script.")
	}
	setData(body(), "share", "loaded")
	if st.Token != "" {
		go p.openTrace(st.Script, st.Token, "Shared interleaving")
	}
	return true
}
