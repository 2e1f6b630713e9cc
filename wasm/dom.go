//go:build js && wasm

package main

import "syscall/js"

// A small DOM layer over syscall/js. (honnef.co/go/js/dom/v2 wraps every
// element in one of dozens of types behind a large interface, which kept
// hundreds of kilobytes of unused methods in the page program; these
// helpers keep only what the page calls.)
//
// Text always goes in with SetTextContent: nothing the user wrote
// (scripts, names, notes, results) is ever parsed as HTML. The only HTML
// the page inserts is goldmark's rendering of notes (raw HTML disabled)
// and lesson HTML from ptlab's own lessons.

// elem is a DOM element. A nil *elem stands for an element the page does
// not have (the embed page has fewer than the playground).
type elem struct{ v js.Value }

// event is a DOM event.
type event struct{ v js.Value }

// document is the document's js.Value (see window.go).
var document = doc.Underlying()

func wrap(v js.Value) *elem {
	if !v.Truthy() {
		return nil
	}
	return &elem{v}
}

// byID returns the element with the given id, or nil.
func byID(id string) *elem { return wrap(document.Call("getElementById", id)) }

// mk creates an element with a class (may be "") and text (may be "").
func mk(tag, class, text string) *elem {
	e := &elem{document.Call("createElement", tag)}
	if class != "" {
		e.v.Set("className", class)
	}
	if text != "" {
		e.v.Set("textContent", text)
	}
	return e
}

// textNode creates a text node.
func textNode(s string) *elem { return &elem{document.Call("createTextNode", s)} }

func (e *elem) Underlying() js.Value         { return e.v }
func (e *elem) SetTextContent(s string)      { e.v.Set("textContent", s) }
func (e *elem) TextContent() string          { return e.v.Get("textContent").String() }
func (e *elem) SetInnerHTML(s string)        { e.v.Set("innerHTML", s) }
func (e *elem) AppendChild(c *elem)          { e.v.Call("appendChild", c.v) }
func (e *elem) RemoveChild(c *elem)          { e.v.Call("removeChild", c.v) }
func (e *elem) ReplaceChild(nw, old *elem)   { e.v.Call("replaceChild", nw.v, old.v) }
func (e *elem) InsertBefore(nw, ref *elem)   { e.v.Call("insertBefore", nw.v, nodeValue(ref)) }
func (e *elem) ParentNode() *elem            { return wrap(e.v.Get("parentNode")) }
func (e *elem) NextSibling() *elem           { return wrap(e.v.Get("nextSibling")) }
func (e *elem) SetAttribute(k, v string)     { e.v.Call("setAttribute", k, v) }
func (e *elem) GetAttribute(k string) string { return jsStr(e.v.Call("getAttribute", k)) }
func (e *elem) SetTitle(s string)            { e.v.Set("title", s) }
func (e *elem) Title() string                { return e.v.Get("title").String() }
func (e *elem) Focus()                       { e.v.Call("focus") }
func (e *elem) Click()                       { e.v.Call("click") }
func (e *elem) Remove()                      { e.v.Call("remove") }
func (e *elem) Class() classList             { return classList{e.v} }
func (e *elem) Style() style                 { return style{e.v.Get("style")} }

// AddEventListener calls f on every typ event. f runs in the JavaScript
// callback: it must not block (start a goroutine to block).
func (e *elem) AddEventListener(typ string, capture bool, f func(*event)) {
	e.v.Call("addEventListener", typ, js.FuncOf(func(_ js.Value, args []js.Value) any {
		f(&event{args[0]})
		return nil
	}), capture)
}

func nodeValue(e *elem) any {
	if e == nil {
		return js.Null()
	}
	return e.v
}

func jsStr(v js.Value) string {
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}

// classList is an element's classList.
type classList struct{ v js.Value }

func (c classList) Add(s string)       { c.v.Get("classList").Call("add", s) }
func (c classList) Remove(s string)    { c.v.Get("classList").Call("remove", s) }
func (c classList) String() string     { return c.v.Get("className").String() }
func (c classList) SetString(s string) { c.v.Set("className", s) }

// style is an element's inline style.
type style struct{ v js.Value }

func (s style) SetProperty(name, value, priority string) {
	s.v.Call("setProperty", name, value, priority)
}

func (ev *event) Key() string      { return jsStr(ev.v.Get("key")) }
func (ev *event) CtrlKey() bool    { return ev.v.Get("ctrlKey").Truthy() }
func (ev *event) MetaKey() bool    { return ev.v.Get("metaKey").Truthy() }
func (ev *event) AltKey() bool     { return ev.v.Get("altKey").Truthy() }
func (ev *event) ShiftKey() bool   { return ev.v.Get("shiftKey").Truthy() }
func (ev *event) PreventDefault()  { ev.v.Call("preventDefault") }
func (ev *event) StopPropagation() { ev.v.Call("stopPropagation") }

// button creates a button that runs f (if not nil) when clicked. f runs
// in its own goroutine, so it may block (on IndexedDB, say).
func button(label, class string, f func()) *elem {
	b := mk("button", class, label)
	b.SetAttribute("type", "button")
	onClick(b, f)
	return b
}

// onClick runs f in a new goroutine on every click of e.
func onClick(e *elem, f func()) {
	if e == nil || f == nil {
		return
	}
	e.AddEventListener("click", false, func(*event) { go f() })
}

// clear removes every child of e.
func clear(e *elem) {
	if e != nil {
		e.SetTextContent("")
	}
}

// show shows or hides e (the hidden attribute).
func show(e *elem, visible bool) {
	if e != nil {
		e.v.Set("hidden", !visible)
	}
}

// setDisabled enables or disables a form control.
func setDisabled(e *elem, disabled bool) {
	if e != nil {
		e.v.Set("disabled", disabled)
	}
}

// value returns a form control's value ("" for nil).
func value(e *elem) string {
	if e == nil {
		return ""
	}
	return e.v.Get("value").String()
}

// setValue sets a form control's value.
func setValue(e *elem, v string) {
	if e != nil {
		e.v.Set("value", v)
	}
}

// setData sets a data-* attribute (for tests and styling).
func setData(e *elem, key, v string) {
	if e != nil {
		e.v.Get("dataset").Set(key, v)
	}
}

// now returns milliseconds since the Unix epoch, by the browser's clock.
func now() int64 { return int64(js.Global().Get("Date").Call("now").Float()) }

// perfNow returns milliseconds since navigation.
func perfNow() float64 { return js.Global().Get("performance").Call("now").Float() }
