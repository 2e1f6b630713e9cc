//go:build js && wasm

package main

// The lesson pane (#lesson-body) is reserved for the lessons package,
// which renders ptlab's Markdown lessons (embedded, written by the
// project) to HTML with runnable blocks. Until it is wired in, the pane
// shows a placeholder.

// ShowLesson replaces the lesson pane's content with title and the HTML
// of a rendered lesson, and brings the pane to the front. html must come
// from ptlab's own lessons rendered by goldmark without raw HTML (never
// from user input); it is inserted as HTML.
func (p *page) ShowLesson(title, html string) {
	pane := byID("lesson-body")
	if pane == nil {
		return
	}
	clear(pane)
	pane.AppendChild(mk("h2", "", title))
	div := mk("div", "lesson-text", "")
	div.SetInnerHTML(html)
	pane.AppendChild(div)
	selectTab("lesson")
}
