//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"

	dom "honnef.co/go/js/dom/v2"
)

// The page's top-level wiring goes through honnef.co/go/js/dom/v2: the
// window, its location, its events and the document (its title, and the
// js.Value the small layer in dom.go builds elements from). The hot paths
// (building and updating elements, thousands per interleaving) stay in
// dom.go over syscall/js.
//
// Why not dom/v2 everywhere: every dom/v2 call that returns an element
// (Document.GetElementByID, CreateElement, QuerySelector, Event.Target,
// ...) goes through its element-wrapping type switch over some seventy
// HTML element types, which keeps every method of every one of those
// types that the program calls through an interface. Measured on the
// page program (gzip -9): GetWindow and Location cost about 1 KB,
// Document about 7 KB, window events about 27 KB (the event-wrapping
// switch), one GetElementByID call about 50 KB more, and the whole page
// on dom/v2 about 650 KB, more than the 1.5 MB budget allows. So the
// page uses exactly the dom/v2 calls that return no element.
//
// dom/v2 does not cover everything: its Window.History returns nil and
// Window.Navigator panics, so history.replaceState and the clipboard go
// through syscall/js on the window's own value.

var (
	win = dom.GetWindow()
	// doc is the document. (dom/v2 wraps it as an HTMLDocument when its
	// constructor is HTMLDocument, as in every browser.)
	doc = win.Document()
)

// jsWindow is the window's js.Value, for what dom/v2 lacks.
var jsWindow = js.Global()

// fragment returns the URL fragment, with its '#' ("" for none).
func fragment() string { return win.Location().Hash() }

// setFragment navigates to the fragment f (without '#'), as following a
// link would: the browser adds a history entry and fires hashchange,
// which routes it (page.route). Setting the fragment the URL already has
// does nothing.
func setFragment(f string) { win.Location().SetHash(f) }

// replaceFragment replaces the URL's fragment with f ("" drops it)
// without a history entry or a hashchange event.
func replaceFragment(f string) {
	loc := win.Location()
	u := loc.Pathname() + loc.Search()
	if f != "" {
		u += "#" + f
	}
	jsWindow.Get("history").Call("replaceState", js.Null(), "", u)
}

// baseURL is the page's URL without fragment and file name, ending in
// "/".
func baseURL() string {
	loc := win.Location()
	u := loc.Origin() + loc.Pathname()
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		u = u[:i+1]
	}
	return u
}

// onWindow runs f in a new goroutine on every typ event of the window
// (hashchange, ...).
func onWindow(typ string, f func()) {
	win.AddEventListener(typ, false, func(dom.Event) { go f() })
}

// setTitle sets the document's title (the browser tab's label).
func setTitle(s string) {
	if d, ok := doc.(dom.HTMLDocument); ok {
		d.SetTitle(s)
	}
}

// copyText puts s on the clipboard if the browser allows it.
func copyText(s string) {
	if cb := jsWindow.Get("navigator").Get("clipboard"); cb.Truthy() {
		pr := cb.Call("writeText", s)
		pr.Call("catch", js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	}
}
