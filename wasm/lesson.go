//go:build js && wasm

package main

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/highlight"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/internal/reader"
)

// The lesson pane (#lesson) shows ptlab's lessons. Package lessons
// renders them in the worker (goldmark lives there, not in this
// program); the HTML is ptlab's own Markdown rendered with raw HTML
// disabled, so it is inserted as HTML. Each runnable block has Load
// (the code into the editor) and Run (load, explore with the default
// options, check the lesson's expectation, and open an interleaving in
// the results pane, beside the text); each exercise has "Try in manual
// mode". Links to #lesson=N and #scenario=NAME are ordinary fragment
// links, routed by page.route. Where the reader stopped (lesson and
// scroll) and the exercises solved are kept in IndexedDB.

// scrollSaveDelay is how long the lesson text must stay still before its
// scroll position is saved.
const scrollSaveDelay = 700 * time.Millisecond

type lessonPane struct {
	p               *page
	scroller, body  *elem // #lesson (the scrolling tab pane), #lesson-body
	sel, prev, next *elem

	mu        sync.Mutex
	list      []protocol.LessonInfo
	cur       *protocol.LessonPage
	pos       reader.Position // what is saved: the lesson shown, its scroll, the exercises solved
	saved     bool            // pos was read from IndexedDB
	first     int             // the lesson shown at startup, for a back to the fragment-less URL
	gen       int             // the lesson request under way
	scrollGen int
}

func newLessonPane(p *page) *lessonPane {
	l := &lessonPane{p: p, scroller: byID("lesson"), body: byID("lesson-body"),
		sel: byID("lesson-select"), prev: byID("lesson-prev"), next: byID("lesson-next")}
	if l.body == nil {
		return nil
	}
	onClick(l.prev, func() { l.step(-1) })
	onClick(l.next, func() { l.step(+1) })
	if l.sel != nil {
		l.sel.AddEventListener("change", false, func(*event) {
			if n, err := strconv.Atoi(value(l.sel)); err == nil {
				go l.goTo(n)
			}
		})
	}
	if l.scroller != nil {
		l.scroller.AddEventListener("scroll", false, func(*event) { l.scrolled() })
	}
	p.eng.send(protocol.Request{Type: protocol.ListLessons}, func(r protocol.Response) {
		if r.Type != protocol.Lessons {
			p.showMessage("The lessons are unavailable: "+r.Message, "", nil)
			return
		}
		l.mu.Lock()
		l.list = r.Lessons
		l.mu.Unlock()
		clear(l.sel)
		for _, li := range r.Lessons {
			o := mk("option", "", fmt.Sprintf("%d. %s", li.N, li.Title))
			o.SetAttribute("value", strconv.Itoa(li.N))
			l.sel.AppendChild(o)
		}
		l.updateNav()
	})
	return l
}

// goTo shows lesson n through the URL (#lesson=n), so the browser's
// Back returns to the lesson before.
func (l *lessonPane) goTo(n int) {
	if l == nil {
		return
	}
	f := reader.Link{Kind: reader.Lesson, Lesson: n}.String()
	if strings.TrimPrefix(fragment(), "#") == f {
		l.open(n, 0, -1) // the URL has it already: no hashchange would come
		return
	}
	setFragment(f)
}

// step goes to the previous (-1) or next (+1) lesson.
func (l *lessonPane) step(d int) {
	l.mu.Lock()
	cur := l.cur
	l.mu.Unlock()
	if cur == nil {
		return
	}
	if n := cur.N + d; n >= 1 && n <= cur.Count {
		l.goTo(n)
	}
}

// restore takes where the reader stopped and the exercises solved, as
// read from IndexedDB at startup, before the first lesson is shown.
func (l *lessonPane) restore() {
	if l == nil || l.p.store == nil {
		return
	}
	pos, ok, err := l.p.first.pos, l.p.first.posOK, l.p.first.posErr
	switch {
	case err != nil:
		l.p.showMessage("Could not restore where you stopped in the lessons: "+storageError(err)+".", "", nil)
	case ok:
		l.mu.Lock()
		l.pos = pos
		l.saved = true
		l.mu.Unlock()
	}
}

// openSaved shows the lesson where the reader stopped (lesson 1 the
// first time).
func (l *lessonPane) openSaved() {
	if l == nil {
		return
	}
	l.mu.Lock()
	n, scroll := 1, 0
	if l.saved {
		n, scroll = l.pos.Lesson, l.pos.Scroll
	}
	l.mu.Unlock()
	l.open(n, 0, scroll)
}

// open shows lesson n. block > 0 scrolls to that block and loads it into
// the editor; scroll >= 0 restores a scroll position.
func (l *lessonPane) open(n, block, scroll int) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.gen++
	gen := l.gen
	if l.first == 0 {
		l.first = n
	}
	l.mu.Unlock()
	selectTab("lesson")
	setData(l.body, "state", "loading")
	l.p.eng.send(protocol.Request{Type: protocol.GetLesson, Lesson: n}, func(r protocol.Response) {
		l.mu.Lock()
		stale := gen != l.gen
		l.mu.Unlock()
		if stale {
			return
		}
		if r.Type != protocol.Lesson || r.Lesson == nil {
			l.showError(n, r.Message)
			return
		}
		l.render(r.Lesson, block, scroll)
	})
}

// openFirst shows the lesson shown at startup (the URL lost its
// fragment, by Back).
func (l *lessonPane) openFirst() {
	if l == nil {
		return
	}
	l.mu.Lock()
	n := max(l.first, 1)
	l.mu.Unlock()
	l.open(n, 0, -1)
}

func (l *lessonPane) showError(n int, msg string) {
	clear(l.body)
	l.body.AppendChild(mk("p", "error", fmt.Sprintf("Lesson %d cannot be shown: %s.", n, strings.TrimSuffix(msg, "."))))
	if n != 1 {
		l.body.AppendChild(button("Go to lesson 1", "secondary", func() { l.goTo(1) }))
	}
	setData(l.body, "state", "error")
	setData(body(), "lesson", "error")
}

// render draws lesson pg and wires its blocks.
func (l *lessonPane) render(pg *protocol.LessonPage, block, scroll int) {
	l.mu.Lock()
	l.cur = pg
	l.pos.Lesson, l.pos.Scroll = pg.N, max(scroll, 0)
	pos := l.pos
	l.mu.Unlock()

	// Back to the top while the old text is still laid out (cheap);
	// setting it after inserting the new text would force its layout at
	// once.
	if l.scroller != nil {
		l.scroller.v.Set("scrollTop", 0)
	}
	clear(l.body)
	head := mk("div", "lesson-head", "")
	head.AppendChild(mk("p", "lesson-number muted", fmt.Sprintf("Lesson %d of %d", pg.N, pg.Count)))
	head.AppendChild(mk("h2", "lesson-title", pg.Title))
	l.body.AppendChild(head)
	text := mk("article", "lesson-text", "")
	text.SetInnerHTML(pg.HTML) // ptlab's own lessons, rendered without raw HTML
	l.body.AppendChild(text)
	l.body.AppendChild(l.footer(pg))

	// Kernel links open in a new tab. #lesson=N links are fragment
	// links the page routes (page.route), so Back returns; a
	// #scenario=NAME link loads the scenario into the editor, an action
	// rather than a place to go back to, so it makes no history entry.
	links := text.v.Call("querySelectorAll", "a[href]")
	for i := 0; i < links.Length(); i++ {
		a := wrap(links.Index(i))
		href := a.GetAttribute("href")
		switch {
		case strings.HasPrefix(href, "#scenario="):
			a.AddEventListener("click", false, func(ev *event) {
				ev.PreventDefault()
				if link, err := reader.Parse(href); err == nil && link.Kind == reader.Scenario {
					go l.p.loadScenario(link.Scenario)
				}
			})
		case !strings.HasPrefix(href, "#"):
			a.SetAttribute("target", "_blank")
			a.SetAttribute("rel", "noopener")
		}
	}
	for _, b := range pg.Blocks {
		b := b
		el := byID(blockID(pg.N, b.Index))
		if el == nil {
			continue
		}
		if code := el.v.Call("querySelector", "pre code"); code.Truthy() {
			highlightCode(wrap(code), b.Code)
		}
		btns := el.v.Call("querySelectorAll", "button[data-action]")
		for i := 0; i < btns.Length(); i++ {
			btn := wrap(btns.Index(i))
			action := btn.GetAttribute("data-action")
			onClick(btn, func() { l.action(pg, b, action) })
		}
		if b.Kind == "exercise" && pos.IsSolved(pg.N, b.Index) {
			markSolved(el)
		}
	}
	l.updateNav()
	setTitle("ptlab · Lesson " + strconv.Itoa(pg.N) + ": " + pg.Title)
	setData(l.body, "state", "shown")
	setData(body(), "lesson", strconv.Itoa(pg.N))
	if l.scroller != nil && scroll > 0 {
		l.scroller.v.Set("scrollTop", scroll)
	}
	if block > 0 {
		if block > len(pg.Blocks) {
			l.p.showMessage(fmt.Sprintf("Lesson %d has no block %d (it has %d).", pg.N, block, len(pg.Blocks)), "", nil)
		} else {
			b := pg.Blocks[block-1]
			if el := byID(blockID(pg.N, block)); el != nil {
				el.v.Call("scrollIntoView", map[string]any{"block": "start"})
			}
			go l.load(pg, b)
		}
	}
	go l.save(false)
}

// footer is the previous/next links under a lesson.
func (l *lessonPane) footer(pg *protocol.LessonPage) *elem {
	nav := mk("nav", "lesson-footer", "")
	l.mu.Lock()
	list := l.list
	l.mu.Unlock()
	title := func(n int) string {
		for _, li := range list {
			if li.N == n {
				return strconv.Itoa(n) + ". " + li.Title
			}
		}
		return "lesson " + strconv.Itoa(n)
	}
	if pg.N > 1 {
		nav.AppendChild(button("◀ "+title(pg.N-1), "secondary lesson-prev", func() { l.goTo(pg.N - 1) }))
	}
	nav.AppendChild(mk("span", "spacer", ""))
	if pg.N < pg.Count {
		nav.AppendChild(button(title(pg.N+1)+" ▶", "lesson-next", func() { l.goTo(pg.N + 1) }))
	}
	return nav
}

// updateNav enables previous/next and selects the lesson shown in the
// menu.
func (l *lessonPane) updateNav() {
	l.mu.Lock()
	cur := l.cur
	n := len(l.list)
	l.mu.Unlock()
	if cur == nil {
		return
	}
	setDisabled(l.prev, cur.N <= 1)
	setDisabled(l.next, cur.N >= cur.Count)
	if n > 0 {
		setValue(l.sel, strconv.Itoa(cur.N))
		setDisabled(l.sel, false)
	}
}

func blockID(n, k int) string { return fmt.Sprintf("lesson-%d-block-%d", n, k) }

// action answers a block's button: load, run or manual.
func (l *lessonPane) action(pg *protocol.LessonPage, b protocol.BlockInfo, action string) {
	p := l.p
	if p.running() {
		p.setStatus("An exploration is under way: wait for it or cancel it first.")
		return
	}
	l.load(pg, b)
	switch action {
	case "run":
		p.runBlock(pg.N, b)
	case "manual":
		p.manual.startExercise(&exerciseRef{lesson: pg.N, title: pg.Title, block: b})
	}
}

// load puts block b's code in the editor and marks the block as the one
// loaded.
func (l *lessonPane) load(pg *protocol.LessonPage, b protocol.BlockInfo) {
	p := l.p
	p.manual.leave("")
	if p.exps != nil {
		p.exps.setOpen(nil)
	}
	what := fmt.Sprintf("Loaded lesson %d, block %d", pg.N, b.Index)
	if b.Name != "" {
		what += " (" + b.Name + ")"
	}
	p.replaceText(b.Code, what+".")
	p.setLoaded(pg.N, b)
	old := l.body.v.Call("querySelectorAll", ".litmus-block.loaded")
	for i := 0; i < old.Length(); i++ {
		old.Index(i).Get("classList").Call("remove", "loaded")
	}
	if el := byID(blockID(pg.N, b.Index)); el != nil {
		el.Class().Add("loaded")
	}
}

// blockRan shows, under block k of lesson n, whether its run met the
// lesson's expectation.
func (l *lessonPane) blockRan(n, k int, x *protocol.ExpectCheck) {
	if l == nil || x == nil {
		return
	}
	el := byID(blockID(n, k))
	if el == nil {
		return
	}
	res := wrap(el.v.Call("querySelector", ".litmus-result"))
	if res == nil {
		res = mk("p", "litmus-result", "")
		el.AppendChild(res)
	}
	if x.Met {
		res.Class().SetString("litmus-result ok")
		res.SetTextContent("✓ Ran: as the lesson says. The interleaving is in the results pane.")
	} else {
		res.Class().SetString("litmus-result bad")
		res.SetTextContent("✗ Ran, but not as the lesson says: " + x.Problem + ".")
	}
	setData(el, "result", strconv.FormatBool(x.Met))
}

// solved records that the reader solved exercise k of lesson n: the
// block says so, and the progress is saved.
func (l *lessonPane) solved(n, k int) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.pos.Solve(n, k)
	l.mu.Unlock()
	if el := byID(blockID(n, k)); el != nil {
		markSolved(el)
	}
	go l.save(false)
}

// markSolved marks an exercise block as solved.
func markSolved(el *elem) {
	if el.GetAttribute("data-solved") == "true" {
		return
	}
	el.SetAttribute("data-solved", "true")
	el.Class().Add("solved")
	badge := mk("span", "solved-badge", "✓ Solved")
	if acts := wrap(el.v.Call("querySelector", ".litmus-actions")); acts != nil {
		acts.AppendChild(badge)
	} else {
		el.AppendChild(badge)
	}
}

// scrolled saves the scroll position once the text stays still.
func (l *lessonPane) scrolled() {
	l.mu.Lock()
	l.scrollGen++
	gen := l.scrollGen
	l.mu.Unlock()
	time.AfterFunc(scrollSaveDelay, func() {
		l.mu.Lock()
		stale := gen != l.scrollGen || l.cur == nil
		l.mu.Unlock()
		if !stale {
			l.save(true)
		}
	})
}

// save stores where the reader is (IndexedDB), with the text's scroll
// position read anew when scrolled is true (after a scroll, when reading
// it costs nothing; right after a render it would force a layout of the
// new text at once). Failures are reported in the status line only:
// losing the reading position loses no work.
func (l *lessonPane) save(scrolled bool) {
	s := l.p.store
	if s == nil {
		return
	}
	l.mu.Lock()
	if l.cur == nil {
		l.mu.Unlock()
		return
	}
	if scrolled && l.scroller != nil {
		l.pos.Scroll = l.scroller.v.Get("scrollTop").Int()
	}
	pos := l.pos
	l.mu.Unlock()
	if err := s.putPosition(pos); err != nil {
		l.p.setStatus("Could not save where you are in the lessons: " + storageError(err) + ".")
		return
	}
	setData(body(), "lessonSaved", strconv.Itoa(pos.Lesson))
	setData(body(), "solvedSaved", strconv.Itoa(len(pos.Solved)))
}

// highlightCode colours a lesson block's code as the editor does. The
// tokens are escaped and inserted as one HTML string: a lesson has
// thousands of them, and one element at a time costs a JavaScript call
// each.
func highlightCode(code *elem, src string) {
	var b strings.Builder
	lines, _ := highlight.Lines(strings.TrimSuffix(src, "\n"))
	for i, toks := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, tok := range toks {
			if tok.Class == "" {
				b.WriteString(html.EscapeString(tok.Text))
			} else {
				b.WriteString(`<span class="` + html.EscapeString(tok.Class) + `">` + html.EscapeString(tok.Text) + `</span>`)
			}
		}
	}
	code.SetInnerHTML(b.String())
}
