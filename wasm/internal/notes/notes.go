// Package notes renders an experiment's Markdown notes to HTML with
// goldmark. Raw HTML in the notes is not passed through (goldmark's
// default: it is replaced by a comment) and dangerous link targets such as
// javascript: URLs are dropped, so the result is safe to insert into the
// page.
package notes

import (
	"bytes"

	"github.com/yuin/goldmark"
)

var md = goldmark.New() // no html.WithUnsafe: raw HTML is omitted

// Render returns the HTML of the Markdown text src.
func Render(src string) string {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		// goldmark only fails when writing fails, which a buffer does not.
		return ""
	}
	return b.String()
}
