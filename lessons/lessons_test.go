package lessons

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ptlab/ptlab/core/report"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// TestBlocks runs every litmus block of every lesson: a run block must
// meet its expectation, an exercise's goal must be reachable and
// avoidable.
func TestBlocks(t *testing.T) {
	ls, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		for _, b := range l.Blocks {
			t.Run(fmt.Sprintf("%02d-%s/%d", l.N, l.Slug, b.Index), func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				if err := b.Verify(ctx); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// TestLessons checks the lessons without running them: at least twelve,
// orders 1..n, well-formed kernel links, existing scenarios and lessons,
// exercises at the end of lessons 3 on.
func TestLessons(t *testing.T) {
	ls, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) < 12 {
		t.Errorf("%d lessons, want at least 12", len(ls))
	}
	if err := Validate(ls); err != nil {
		t.Error(err)
	}
	for _, l := range ls {
		if strings.Contains(l.HTML, "<script") || strings.Contains(l.HTML, "raw HTML omitted") {
			t.Errorf("%s: raw HTML in the rendered lesson", l.File)
		}
		if got := strings.Count(l.HTML, `class="litmus-block `); got != len(l.Blocks) {
			t.Errorf("%s: %d rendered litmus blocks, %d parsed", l.File, got, len(l.Blocks))
		}
		for i, b := range l.Blocks {
			if b.Index != i+1 || b.Lesson != l.N || b.File != l.File {
				t.Errorf("%s: block %d numbered %d/%d in %s", l.File, i+1, b.Lesson, b.Index, b.File)
			}
		}
	}
}

const sample = `---
title: "Sample: a lesson"
order: 7
sources:
  - title: Split page table lock
    url: https://docs.kernel.org/mm/split_page_table_lock.html
---

Text with a [link](https://docs.kernel.org/mm/process_addrs.html#locking-rules).

` + "```c" + `
int x = 1;
` + "```" + `

` + "```litmus run expect=Sometimes,finding:lost-pte name=demo" + `
C t
{}
P0(int *x) { WRITE_ONCE(*x, 1 < 2); }
` + "```" + `

` + "```litmus exercise goal=exists" + `
C u
{}
P0(int *x) { WRITE_ONCE(*x, 1); }
exists (x=1)
` + "```" + `
`

func parseSample(t *testing.T, src string) (*Lesson, ast.Node) {
	t.Helper()
	l, err := Parse("07-sample.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, body, skip, err := splitFrontMatter("07-sample.md", src)
	if err != nil {
		t.Fatal(err)
	}
	pc := parser.NewContext()
	pc.Set(docKey, &docState{file: "07-sample.md", lesson: 7, skip: skip})
	return l, md.Parser().Parse(text.NewReader([]byte(body)), parser.WithContext(pc))
}

// TestExtensionNodes checks that a litmus block becomes a LitmusBlock
// node and that a c block stays an ordinary fenced code block.
func TestExtensionNodes(t *testing.T) {
	l, doc := parseSample(t, sample)
	var kinds []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		kinds = append(kinds, n.Kind().String())
	}
	if got, want := strings.Join(kinds, " "), "Paragraph FencedCodeBlock LitmusBlock LitmusBlock"; got != want {
		t.Errorf("top-level nodes %q, want %q", got, want)
	}
	if len(l.Blocks) != 2 {
		t.Fatalf("%d blocks, want 2", len(l.Blocks))
	}
	b := l.Blocks[0]
	if b.Kind != "run" || b.Name != "demo" || b.Line != 15 || b.Expect.String() != "Sometimes,finding:lost-pte" ||
		b.Code != "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1 < 2); }\n" {
		t.Errorf("block 1 = %+v", b)
	}
	if e := l.Blocks[1]; e.Kind != "exercise" || !e.Goal.Exists || e.Index != 2 || e.Line != 21 {
		t.Errorf("block 2 = %+v", e)
	}
	for _, want := range []string{
		`<pre><code class="language-c">int x = 1;`,
		`<div class="litmus-block litmus-run" id="lesson-7-block-1" data-lesson="7" data-block="1" data-kind="run" data-expect="Sometimes,finding:lost-pte" data-name="demo">`,
		`<pre><code class="language-litmus">C t
{}
P0(int *x) { WRITE_ONCE(*x, 1 &lt; 2); }
</code></pre>`,
		`<button type="button" class="litmus-load" data-action="load" data-lesson="7" data-block="1">Load</button>`,
		`<button type="button" class="litmus-run" data-action="run" data-lesson="7" data-block="1">Run</button>`,
		`data-kind="exercise" data-goal="exists">`,
		`<button type="button" class="litmus-manual" data-action="manual" data-lesson="7" data-block="2">Try in manual mode</button>`,
		`<li><a href="https://docs.kernel.org/mm/split_page_table_lock.html">Split page table lock</a></li>`,
	} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	if l.Title != "Sample: a lesson" || l.N != 7 || l.Slug != "sample" {
		t.Errorf("lesson = %q %d %q", l.Title, l.N, l.Slug)
	}
	if got := strings.Join(l.Links, " "); got != "https://docs.kernel.org/mm/process_addrs.html#locking-rules" {
		t.Errorf("links %q", got)
	}
}

// TestBadInfoString checks that errors in an info string name the
// lesson file and the line of the fence.
func TestBadInfoString(t *testing.T) {
	for _, tc := range []struct{ info, want string }{
		{"litmus", `07-sample.md:10: litmus block: info string "litmus": want "litmus run expect=..." or "litmus exercise goal=..."`},
		{"litmus run", "07-sample.md:10: litmus block: a run block needs expect="},
		{"litmus run expect=Sometimez", `07-sample.md:10: litmus block: unknown expectation "Sometimez"`},
		{"litmus run expect=finding:lost-ptes", `07-sample.md:10: litmus block: unknown finding kind "lost-ptes"`},
		{"litmus run expect=clean,finding:deadlock", "asks for clean and for a finding"},
		{"litmus run expect=Never,Always", "names two verdicts"},
		{"litmus run goal=exists", "unknown attribute goal= for a run block"},
		{"litmus exercise goal=finding:deadlock goal=exists", "goal= given twice"},
		{"litmus exercise expect=clean", "unknown attribute expect= for a exercise block"},
		{"litmus exercise goal=forall", `unknown goal "forall"`},
		{"litmus run expect", `"expect" is not key=value`},
	} {
		src := "---\ntitle: t\norder: 7\nsources:\n  - title: s\n    url: https://docs.kernel.org/a.html\n---\n\ntext\n```" + tc.info + "\nC t\n{}\n```\n"
		_, err := Parse("07-sample.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("info %q: error %v, want %q", tc.info, err, tc.want)
		}
	}
}

// TestRawHTML checks that raw HTML, block or inline, is shown escaped.
func TestRawHTML(t *testing.T) {
	src := strings.Replace(sample, "Text with", "<script>alert(1)</script>\n\nInline <b onclick=\"x()\">bold</b> and", 1)
	l, _ := parseSample(t, src)
	for _, bad := range []string{"<script", "<b ", "raw HTML omitted"} {
		if strings.Contains(l.HTML, bad) {
			t.Errorf("rendered HTML contains %q:\n%s", bad, l.HTML)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b onclick=&quot;x()&quot;&gt;"} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, l.HTML)
		}
	}
}

func TestFrontMatterErrors(t *testing.T) {
	for _, tc := range []struct{ fm, want string }{
		{"title: t\norder: 1\n", "x.md: front matter lists no sources"},
		{"order: 1\nsources:\n  - title: s\n    url: u\n", "x.md: front matter has no title"},
		{"title: t\norder: one\n", `x.md:3: order must be a positive integer, got "one"`},
		{"title: t\nauthor: me\n", `x.md:3: unknown key "author"`},
		{"title: t\ntitle: u\n", `x.md:3: duplicate key "title"`},
		{"title: t\norder: 1\nsources:\n  - title: s\n    link: u\n", `x.md:6: unknown source key "link"`},
		{"title: t\norder: 1\nsources:\n  - title: s\n", "every source needs a title and a url"},
	} {
		_, _, _, err := splitFrontMatter("x.md", "---\n"+tc.fm+"---\nbody\n")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("front matter %q: error %v, want %q", tc.fm, err, tc.want)
		}
	}
	if _, _, _, err := splitFrontMatter("x.md", "# no front matter\n"); err == nil {
		t.Error("a file without front matter parsed")
	}
	if _, err := Parse("7-x.md", []byte(sample)); err == nil {
		t.Error("a badly named file parsed")
	}
}

func TestCheckLink(t *testing.T) {
	for _, u := range []string{
		"https://docs.kernel.org/mm/split_page_table_lock.html",
		"https://docs.kernel.org/mm/process_addrs.html#page-table-freeing",
		"https://docs.kernel.org/RCU/whatisRCU.html",
		"https://docs.kernel.org/6.14/RCU/checklist.html",
		"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/mm/pgtable-generic.c?h=v6.14",
		"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/mm/memory.c?h=v6.14#n412",
		"https://elixir.bootlin.com/linux/v6.14/source/mm/pgtable-generic.c",
		"https://elixir.bootlin.com/linux/v6.14/source/mm/khugepaged.c#L1720",
		"https://lore.kernel.org/all/20240313012913.2395414-1-zhangpeng362@huawei.com/",
	} {
		if err := CheckLink(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{
		"https://docs.kernel.org/mm/split_page_table_lock",
		"http://docs.kernel.org/mm/split_page_table_lock.html",
		"https://docs.kernel.org/mm/process_addrs.html#page table",
		"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/mm/pgtable-generic.c",
		"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/mm/memory.c?h=master",
		"https://elixir.bootlin.com/linux/latest/source/mm/pgtable-generic.c",
		"https://elixir.bootlin.com/linux/v6.14/source/",
		"https://example.com/mm.html",
		"javascript:alert(1)",
		"#lesson=2",
	} {
		if err := CheckLink(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

// TestValidate checks that Validate catches what it should.
func TestValidate(t *testing.T) {
	lesson := func(n int, file, extra string) *Lesson {
		src := fmt.Sprintf("---\ntitle: t\norder: %d\nsources:\n  - title: s\n    url: https://docs.kernel.org/a.html\n---\n\n%s\n\n```litmus exercise goal=exists\nC t\n```\n", n, extra)
		l, err := Parse(file, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	ok := []*Lesson{lesson(1, "01-a.md", ""), lesson(2, "02-b.md", "[next](#lesson=3)"), lesson(3, "03-c.md", "see [R1](#scenario=R1-retract-vs-uffdio-copy) and R4-ro-nolock-write.fixed")}
	if err := Validate(ok); err != nil {
		t.Errorf("valid lessons: %v", err)
	}
	for _, tc := range []struct {
		ls   []*Lesson
		want string
	}{
		{[]*Lesson{lesson(1, "01-a.md", ""), lesson(3, "03-c.md", "")}, "03-c.md: order 3, want 2"},
		{[]*Lesson{lesson(1, "02-a.md", "")}, "02-a.md: file number 02 differs from order 1"},
		{[]*Lesson{lesson(1, "01-a.md", "[x](https://example.com/)")}, `01-a.md: link "https://example.com/" is not a kernel`},
		{[]*Lesson{lesson(1, "01-a.md", "[x](#lesson=2)")}, `01-a.md: link "#lesson=2": no such lesson`},
		{[]*Lesson{lesson(1, "01-a.md", "[x](#scenario=R99-nothing)")}, "01-a.md: refers to scenario R99-nothing, which scenarios/ does not have"},
		{[]*Lesson{lesson(1, "01-a.md", "as R98-missing-scenario shows")}, "refers to scenario R98-missing-scenario"},
	} {
		if err := Validate(tc.ls); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	noEx, err := Parse("03-c.md", []byte("---\ntitle: t\norder: 3\nsources:\n  - title: s\n    url: https://docs.kernel.org/a.html\n---\n```litmus run expect=clean\nC t\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate([]*Lesson{ok[0], ok[1], noEx}); err == nil || !strings.Contains(err.Error(), "end with a litmus exercise") {
		t.Errorf("lesson 3 without an exercise: %v", err)
	}
}

func TestExpectCheck(t *testing.T) {
	r := &report.Result{Exhaustive: true, Verdict: "Sometimes", Pos: 1, Neg: 2,
		Findings: []report.Finding{{Kind: "lost-pte", Message: "lost"}}}
	for _, tc := range []struct {
		expect, err string
	}{
		{"Sometimes", ""},
		{"Sometimes,finding:lost-pte", ""},
		{"finding:lost-pte", ""},
		{"Never", "want verdict Never, got Sometimes 1 2"},
		{"clean", "want no finding, got lost-pte (lost)"},
		{"finding:deadlock", "want a deadlock finding, got lost-pte (lost)"},
	} {
		e, err := ParseExpect(tc.expect)
		if err != nil {
			t.Fatal(err)
		}
		err = e.Check(r)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("expect=%s: %v, want %q", tc.expect, err, tc.err)
		}
	}
	if err := (Expect{Clean: true}).Check(&report.Result{StopReason: "time bound (1s)"}); err == nil || !strings.Contains(err.Error(), "not exhaustive") {
		t.Errorf("non-exhaustive result: %v", err)
	}
	if err := (Expect{Verdict: "Never"}).Check(&report.Result{Exhaustive: true}); err == nil || !strings.Contains(err.Error(), "no condition") {
		t.Errorf("no condition: %v", err)
	}
}

func TestGoalMet(t *testing.T) {
	lost, _ := ParseGoal("finding:lost-pte")
	exists, _ := ParseGoal("exists")
	for _, tc := range []struct {
		g         Goal
		kinds     []string
		satisfies bool
		want      bool
	}{
		{lost, []string{"data-race", "lost-pte"}, false, true},
		{lost, []string{"use-after-free"}, true, false},
		{lost, nil, false, false},
		{exists, nil, true, true},
		{exists, []string{"lost-pte"}, false, false},
	} {
		if got := tc.g.Met(tc.kinds, tc.satisfies); got != tc.want {
			t.Errorf("%s.Met(%v, %v) = %v", tc.g, tc.kinds, tc.satisfies, got)
		}
	}
	r := &report.Result{States: []report.State{{Satisfies: true}}, Findings: []report.Finding{{Kind: "lost-pte"}}}
	if !lost.MetBy(r) || !exists.MetBy(r) || lost.MetBy(&report.Result{}) || exists.MetBy(&report.Result{}) {
		t.Error("MetBy")
	}
}

// TestCheckExecution plays the page's part for one exercise: a manual
// session, stepped by hand, whose token is then checked.
func TestCheckExecution(t *testing.T) {
	l, _ := parseSample(t, sample)
	ex := l.Blocks[1]
	ok, err := ex.CheckExecution(context.Background(), "ptl1.bad")
	if err == nil || ok {
		t.Errorf("bad token: %v %v", ok, err)
	}
	if _, err := l.Blocks[0].CheckExecution(context.Background(), ""); err == nil {
		t.Error("CheckExecution on a run block")
	}
	if err := ex.avoidable(context.Background()); err == nil || !strings.Contains(err.Error(), "every serial execution reaches goal exists") {
		t.Errorf("an exercise every execution solves: %v", err)
	}
}
