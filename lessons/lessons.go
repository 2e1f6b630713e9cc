// Package lessons holds ptlab's lessons: Markdown files (NN-slug.md,
// embedded) that teach the kernel's page-table locking rules from the
// kernel's own documentation, each claim next to a runnable litmus block.
//
// A lesson starts with a front matter (title, order, sources; see
// frontMatter) and is rendered with goldmark, raw HTML disabled (it is
// shown escaped). Fenced blocks whose info string starts with "litmus"
// become LitmusBlock nodes (see Extension):
//
//	```litmus run expect=finding:lost-pte name=no-recheck
//	```litmus run expect=Sometimes,clean
//	```litmus exercise goal=finding:lost-pte
//	```litmus exercise goal=exists
//
// A run block carries the result an exhaustive run must show (Expect);
// an exercise carries what the reader must reach in manual mode (Goal).
// Every block is a test: Block.Verify runs it.
//
// Links in a lesson are kernel documentation or source links (checked by
// CheckLink), links to other lessons (#lesson=N) and links to scenarios
// (#scenario=R1-retract-vs-uffdio-copy), which the page routes.
package lessons

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// FS holds the lesson files.
//
//go:embed *.md
var FS embed.FS

// Lesson is one rendered lesson.
type Lesson struct {
	N         int      // order, from 1: the page's #lesson=N
	File      string   // file name, e.g. "03-pte-offset-map-lock.md"
	Slug      string   // the file name without number and extension, e.g. "pte-offset-map-lock"
	Title     string   // from the front matter
	Sources   []Source // from the front matter
	HTML      string   // the rendered body, followed by the list of sources
	Blocks    []*Block // the litmus blocks, in order (Blocks[i].Index == i+1)
	Links     []string // every link destination in the body, in order
	Scenarios []string // scenario names the lesson refers to, e.g. "R1-retract-vs-uffdio-copy"
}

// Block is one runnable litmus block of a lesson.
type Block struct {
	Lesson int    // the lesson's N
	Index  int    // position among the lesson's litmus blocks, from 1: embed.html#lesson=N&block=Index
	Kind   string // "run" or "exercise"
	Name   string // optional name= from the info string
	Code   string // the litmus script
	Expect Expect // for run blocks: what an exhaustive run must show
	Goal   Goal   // for exercise blocks: what the reader must reach in manual mode
	File   string // the lesson's file name
	Line   int    // line of the opening fence in File
}

// Describe says in words what the block expects, as shown under it.
func (b *Block) Describe() string {
	if b.Kind == "exercise" {
		if b.Goal.Exists {
			return "Exercise: in manual mode, find an interleaving whose final state satisfies the exists clause."
		}
		return fmt.Sprintf("Exercise: in manual mode, find an interleaving that produces a %s finding.", b.Goal.Finding)
	}
	var parts []string
	if b.Expect.Verdict != "" {
		parts = append(parts, "verdict "+b.Expect.Verdict)
	}
	if b.Expect.Clean {
		parts = append(parts, "no finding")
	}
	for _, k := range b.Expect.Findings {
		parts = append(parts, "a "+k+" finding")
	}
	return "Expected: " + strings.Join(parts, ", ") + "."
}

// FileName is the name the block's script is compiled under, which
// messages and positions refer to.
func (b *Block) FileName() string {
	return fmt.Sprintf("lesson%d-block%d.litmus", b.Lesson, b.Index)
}

var md = goldmark.New(goldmark.WithExtensions(extension.Table, Extension))

var fileRE = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

// Parse parses and renders one lesson file. file names it in errors and
// must have the form NN-slug.md. Errors are "file:line: message".
func Parse(file string, src []byte) (*Lesson, error) {
	m := fileRE.FindStringSubmatch(file)
	if m == nil {
		return nil, fmt.Errorf("%s: a lesson file is named NN-slug.md (two digits, lower-case words joined by -)", file)
	}
	fm, body, skip, err := splitFrontMatter(file, string(src))
	if err != nil {
		return nil, err
	}
	l := &Lesson{N: fm.Order, File: file, Slug: m[2], Title: fm.Title, Sources: fm.Sources}
	st := &docState{file: file, lesson: l.N, skip: skip}
	pc := parser.NewContext()
	pc.Set(docKey, st)
	b := []byte(body)
	doc := md.Parser().Parse(text.NewReader(b), parser.WithContext(pc))
	if len(st.errs) > 0 {
		return nil, errors.Join(st.errs...)
	}
	l.Blocks = st.blocks
	l.Links = links(doc, b)
	l.Scenarios = scenarioRefs(body, l.Links)
	var out bytes.Buffer
	if err := md.Renderer().Render(&out, b, doc); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	out.WriteString(`<section class="lesson-sources"><h2>Sources</h2><ul>` + "\n")
	for _, s := range l.Sources {
		fmt.Fprintf(&out, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(s.URL), html.EscapeString(s.Title))
	}
	out.WriteString("</ul></section>\n")
	l.HTML = out.String()
	return l, nil
}

// links returns the destinations of the document's links and autolinks.
func links(doc ast.Node, src []byte) []string {
	var out []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			out = append(out, string(n.Destination))
		case *ast.AutoLink:
			out = append(out, string(n.URL(src)))
		case *ast.Image:
			out = append(out, string(n.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// scenarioRE matches a scenario name: R, a number, an optional letter,
// a slug, and optionally ".fixed".
var scenarioRE = regexp.MustCompile(`\bR\d+[a-z]?-[a-z0-9]+(?:-[a-z0-9]+)*(?:\.fixed)?\b`)

// scenarioRefs lists the scenario names a lesson mentions: every
// #scenario=NAME link and every scenario-like name in the text.
func scenarioRefs(body string, links []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSuffix(s, ".litmus")
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, l := range links {
		if s, ok := strings.CutPrefix(l, "#scenario="); ok {
			add(s)
		}
	}
	for _, s := range scenarioRE.FindAllString(body, -1) {
		add(s)
	}
	return out
}

var (
	allOnce sync.Once
	all     []*Lesson
	allErr  error
)

// All parses and renders every embedded lesson (once), sorted by N.
func All() ([]*Lesson, error) {
	allOnce.Do(func() { all, allErr = parseFS(FS) })
	return all, allErr
}

// Get returns lesson n.
func Get(n int) (*Lesson, error) {
	ls, err := All()
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.N == n {
			return l, nil
		}
	}
	return nil, fmt.Errorf("no lesson %d (there are %d)", n, len(ls))
}

// Block returns the lesson's block i (from 1).
func (l *Lesson) Block(i int) (*Block, error) {
	if i < 1 || i > len(l.Blocks) {
		return nil, fmt.Errorf("lesson %d has no block %d (it has %d)", l.N, i, len(l.Blocks))
	}
	return l.Blocks[i-1], nil
}

func parseFS(fsys fs.FS) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	var out []*Lesson
	var errs []error
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		l, err := Parse(name, src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, l)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out, nil
}

// number returns the NN prefix of a lesson file name.
func number(file string) int {
	n, _ := strconv.Atoi(file[:2])
	return n
}
