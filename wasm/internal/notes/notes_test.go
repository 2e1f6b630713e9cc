package notes

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	got := Render("# Why\n\nThe `pmd_same()` recheck *matters*.\n\n- one\n- two\n")
	for _, want := range []string{"<h1>Why</h1>", "<code>pmd_same()</code>", "<em>matters</em>", "<li>one</li>"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render lacks %q:\n%s", want, got)
		}
	}
}

// TestRawHTMLOmitted checks the payloads of the page's injection test:
// no tag or handler from the notes survives.
func TestRawHTMLOmitted(t *testing.T) {
	for _, src := range []string{
		`<img src=x onerror="window.pwned=1">`,
		"<script>window.pwned=1</script>",
		"text <img src=x onerror=alert(1)> inline",
		"<div onclick=alert(1)>block</div>",
		"[link](javascript:alert(1))",
		"![img](javascript:alert(1))",
		`<a href="javascript:alert(1)">x</a>`,
		"<iframe src=//evil></iframe>",
	} {
		got := Render(src)
		low := strings.ToLower(got)
		for _, bad := range []string{"<img src=x", "<script", "onerror", "onclick", "javascript:", "<iframe", "<div", "<a href=\"javascript"} {
			if strings.Contains(low, bad) {
				t.Errorf("Render(%q) = %q: contains %q", src, got, bad)
			}
		}
	}
}
