//go:build js && wasm

package main

import (
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/wasm/internal/highlight"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// lineHeight is the editor's line height in pixels (see .code in app.css).
const lineHeight = 19

// editor is the script editor: a textarea over a highlighted copy of its
// text (#highlight), with line numbers (#gutter), error markers at the
// reported line:col and a list of diagnostics (#diagnostics). Only lines
// that changed are redrawn.
type editor struct {
	ta       *elem
	hl       *elem
	gutter   *elem
	diagList *elem

	lines   []lineView
	numbers []lineNumber
	diags   []protocol.Diag
	cur     int // the line of the selected step, or 0

	onEdit func()         // after every edit by the user
	onRun  func()         // Ctrl/Cmd+Enter
	onJump func(line int) // a click on a diagnostic, before the caret moves
}

// lineView is what one drawn line shows.
type lineView struct {
	text  string
	start highlight.State
	mark  int    // column of an error marker, or 0
	class string // "", "errline", "cur", "errline cur"
	el    *elem
}

func newEditor() *editor {
	ed := &editor{ta: byID("editor"), hl: byID("highlight"), gutter: byID("gutter"), diagList: byID("diagnostics")}
	if ed.ta == nil {
		return nil
	}
	ed.ta.AddEventListener("input", false, func(*event) {
		ed.render()
		if ed.onEdit != nil {
			ed.onEdit()
		}
	})
	ed.ta.AddEventListener("scroll", false, func(*event) { ed.syncScroll() })
	ed.ta.AddEventListener("keydown", false, func(ev *event) {
		k := ev
		switch {
		case k.Key() == "Enter" && (k.CtrlKey() || k.MetaKey()):
			k.PreventDefault()
			if ed.onRun != nil {
				go ed.onRun()
			}
		case k.Key() == "Tab" && !k.CtrlKey() && !k.MetaKey() && !k.AltKey() && !k.ShiftKey():
			// Insert a tab (kernel style) instead of leaving the editor;
			// execCommand keeps the browser's undo history.
			k.PreventDefault()
			document.Call("execCommand", "insertText", false, "\t")
		}
	})
	return ed
}

// text returns the script.
func (ed *editor) text() string { return value(ed.ta) }

// setText replaces the script (this clears the browser's undo history).
func (ed *editor) setText(s string) {
	setValue(ed.ta, s)
	ed.diags = nil
	ed.cur = 0
	ed.render()
	ed.renderDiags()
	ed.ta.Underlying().Set("scrollTop", 0)
	ed.syncScroll()
}

func (ed *editor) syncScroll() {
	t := ed.ta.Underlying()
	top, left := t.Get("scrollTop"), t.Get("scrollLeft")
	if ed.hl != nil {
		ed.hl.Underlying().Set("scrollTop", top)
		ed.hl.Underlying().Set("scrollLeft", left)
	}
	if ed.gutter != nil {
		ed.gutter.Underlying().Set("scrollTop", top)
	}
}

// render redraws the lines whose text, state, marker or class changed.
func (ed *editor) render() {
	if ed.hl == nil {
		return
	}
	src := ed.text()
	texts := strings.Split(src, "\n")
	marks := map[int]int{}
	msgs := map[int][]string{}
	for _, d := range ed.diags {
		if d.Line < 1 || d.Warning {
			continue
		}
		if _, ok := marks[d.Line]; !ok {
			marks[d.Line] = max(d.Col, 1)
		}
		msgs[d.Line] = append(msgs[d.Line], d.Message)
	}
	var st highlight.State
	for i, t := range texts {
		n := i + 1
		class := ""
		if marks[n] > 0 {
			class = "errline"
		}
		if n == ed.cur {
			class = strings.TrimSpace(class + " cur")
		}
		want := lineView{text: t, start: st, mark: marks[n], class: class}
		toks, next := highlight.Line(t, st)
		st = next
		if i < len(ed.lines) && sameLine(ed.lines[i], want) {
			continue
		}
		if want.mark > 0 {
			toks = highlight.Mark(toks, want.mark)
		}
		el := mk("div", "line "+class, "")
		for _, tok := range toks {
			if tok.Class == "" {
				el.AppendChild(textNode(tok.Text))
			} else {
				s := mk("span", tok.Class, tok.Text)
				if tok.Class == highlight.Error {
					s.SetTitle(strings.Join(msgs[n], "\n"))
				}
				el.AppendChild(s)
			}
		}
		if t == "" && want.mark == 0 {
			el.AppendChild(textNode("\u200b")) // keep the line's height
		}
		want.el = el
		if i < len(ed.lines) {
			ed.hl.ReplaceChild(el, ed.lines[i].el)
			ed.lines[i] = want
		} else {
			ed.hl.AppendChild(el)
			ed.lines = append(ed.lines, want)
		}
	}
	for len(ed.lines) > len(texts) {
		last := ed.lines[len(ed.lines)-1]
		ed.hl.RemoveChild(last.el)
		ed.lines = ed.lines[:len(ed.lines)-1]
	}
	ed.renderGutter(len(texts), msgs)
}

func sameLine(a, b lineView) bool {
	return a.text == b.text && a.start == b.start && a.mark == b.mark && a.class == b.class
}

func (ed *editor) renderGutter(n int, msgs map[int][]string) {
	if ed.gutter == nil {
		return
	}
	for len(ed.numbers) < n {
		el := mk("div", "", strconv.Itoa(len(ed.numbers)+1))
		ed.gutter.AppendChild(el)
		ed.numbers = append(ed.numbers, lineNumber{el: el})
	}
	for len(ed.numbers) > n {
		ed.gutter.RemoveChild(ed.numbers[len(ed.numbers)-1].el)
		ed.numbers = ed.numbers[:len(ed.numbers)-1]
	}
	for i := range ed.numbers {
		num := &ed.numbers[i]
		class, title := "", ""
		if m := msgs[i+1]; len(m) > 0 {
			class, title = "err", strings.Join(m, "\n")
		} else if i+1 == ed.cur {
			class = "cur"
		}
		if num.class != class {
			num.el.Class().SetString(class)
			num.class = class
		}
		if num.title != title {
			num.el.SetTitle(title)
			num.title = title
		}
	}
}

// lineNumber is a line number in the gutter, with the class and title
// it shows (kept here: reading them back from the DOM on every render
// costs two JavaScript calls a line).
type lineNumber struct {
	el           *elem
	class, title string
}

// setDiags shows the compiler's diagnostics: markers in the text and the
// gutter, and the list under the editor.
func (ed *editor) setDiags(ds []protocol.Diag) {
	ed.diags = ds
	ed.render()
	ed.renderDiags()
}

func (ed *editor) renderDiags() {
	if ed.diagList == nil {
		return
	}
	clear(ed.diagList)
	for _, d := range ed.diags {
		d := d
		li := mk("li", "", "")
		if d.Warning {
			li.Class().SetString("warning")
		} else {
			li.Class().SetString("error")
		}
		text := d.Message
		if d.Line > 0 {
			text = strconv.Itoa(d.Line) + ":" + strconv.Itoa(d.Col) + ": " + text
		}
		if d.Warning {
			text = strings.Replace(text, ": ", ": warning: ", 1)
		}
		a := mk("button", "link", text)
		a.SetAttribute("type", "button")
		a.AddEventListener("click", false, func(*event) { ed.jump(d.Line, d.Col) })
		li.AppendChild(a)
		ed.diagList.AppendChild(li)
	}
	setData(ed.diagList, "count", strconv.Itoa(len(ed.diags)))
}

// jump puts the caret at line:col and scrolls it into view.
func (ed *editor) jump(line, col int) {
	if line < 1 {
		return
	}
	if ed.onJump != nil {
		ed.onJump(line)
	}
	lines := strings.SplitAfter(ed.text(), "\n")
	off := 0
	for i := 0; i < line-1 && i < len(lines); i++ {
		off += len(lines[i])
	}
	if line-1 < len(lines) {
		off += min(max(col-1, 0), len(strings.TrimSuffix(lines[line-1], "\n")))
	}
	// selectionStart counts UTF-16 code units; ours counts bytes.
	off = utf16Len(ed.text()[:min(off, len(ed.text()))])
	t := ed.ta.Underlying()
	t.Call("focus")
	t.Call("setSelectionRange", off, off)
	ed.reveal(line)
}

// reveal scrolls the editor so line is visible.
func (ed *editor) reveal(line int) {
	t := ed.ta.Underlying()
	top := t.Get("scrollTop").Float()
	h := t.Get("clientHeight").Float()
	y := float64((line - 1) * lineHeight)
	if y < top || y+lineHeight > top+h {
		t.Set("scrollTop", max(y-h/3, 0))
		ed.syncScroll()
	}
}

// setCurrent highlights line (0: none), the line of the selected step.
func (ed *editor) setCurrent(line int) {
	if ed.cur == line {
		return
	}
	ed.cur = line
	ed.render()
	if line > 0 {
		ed.reveal(line)
	}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
