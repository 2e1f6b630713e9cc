package lessons

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Priorities of the extension's parts. goldmark sorts ascending and the
// lowest number wins a node kind; its own HTML renderer is at 1000.
const (
	transformerPriority = 100
	rendererPriority    = 100
)

// KindLitmusBlock is the node kind of a runnable litmus block: a fenced
// block whose info string starts with the word "litmus". Other fenced
// blocks stay ast.KindFencedCodeBlock and render as goldmark renders them.
var KindLitmusBlock = ast.NewNodeKind("LitmusBlock")

// LitmusBlock is the AST node that replaces a ```litmus fenced block.
type LitmusBlock struct {
	ast.BaseBlock
	Block *Block
}

// Kind implements ast.Node.
func (n *LitmusBlock) Kind() ast.NodeKind { return KindLitmusBlock }

// IsRaw implements ast.Node: the content is code, not Markdown.
func (n *LitmusBlock) IsRaw() bool { return true }

// Dump implements ast.Node.
func (n *LitmusBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{
		"Kind": n.Block.Kind, "Index": strconv.Itoa(n.Block.Index),
		"Expect": n.Block.Expect.String(), "Goal": n.Block.Goal.String(),
	}, nil)
}

// Extension adds litmus blocks to a goldmark.Markdown: an AST transformer
// that turns ```litmus fenced blocks into LitmusBlock nodes, a renderer
// for that kind only, and a renderer that escapes raw HTML instead of
// passing it through. Parse is the usual entry point: it numbers the
// blocks with the lesson's N and turns a bad info string into an error.
// Used on its own, the extension numbers blocks as lesson 0 and leaves a
// block with a bad info string an ordinary code block.
var Extension goldmark.Extender = litmusExtension{}

type litmusExtension struct{}

func (litmusExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, transformerPriority)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(blockRenderer{}, rendererPriority)))
}

// docKey holds the per-document state the transformer fills in: which
// lesson is being parsed, and the blocks and errors found.
var docKey = parser.NewContextKey()

type docState struct {
	file   string // the .md file name, for errors
	lesson int    // lesson number, for data attributes
	skip   int    // front-matter lines before the body
	blocks []*Block
	errs   []error
}

func state(pc parser.Context) *docState {
	if s, ok := pc.Get(docKey).(*docState); ok {
		return s
	}
	s := &docState{file: "lesson.md"}
	pc.Set(docKey, s)
	return s
}

// transformer replaces fenced blocks tagged litmus with LitmusBlock nodes.
// It collects them first and replaces after the walk.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	st := state(pc)
	var found []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if fc, ok := n.(*ast.FencedCodeBlock); ok && entering && string(fc.Language(src)) == "litmus" {
			found = append(found, fc)
		}
		return ast.WalkContinue, nil
	})
	for _, fc := range found {
		line := st.skip + bytes.Count(src[:fc.Info.Segment.Start], []byte("\n")) + 1
		b, err := parseInfo(string(fc.Info.Segment.Value(src)))
		if err != nil {
			st.errs = append(st.errs, fmt.Errorf("%s:%d: %v", st.file, line, err))
			continue
		}
		b.Lesson, b.Index, b.File, b.Line = st.lesson, len(st.blocks)+1, st.file, line
		var code strings.Builder
		for i := 0; i < fc.Lines().Len(); i++ {
			seg := fc.Lines().At(i)
			code.Write(seg.Value(src))
		}
		b.Code = code.String()
		st.blocks = append(st.blocks, b)
		n := &LitmusBlock{Block: b}
		n.SetLines(fc.Lines())
		fc.Parent().ReplaceChild(fc.Parent(), fc, n)
	}
}

// parseInfo parses an info string: "litmus run expect=TERMS [name=N]" or
// "litmus exercise goal=GOAL [name=N]".
func parseInfo(info string) (*Block, error) {
	words := strings.Fields(info)
	if len(words) < 2 || words[1] != "run" && words[1] != "exercise" {
		return nil, fmt.Errorf("litmus block: info string %q: want \"litmus run expect=...\" or \"litmus exercise goal=...\"", info)
	}
	b := &Block{Kind: words[1]}
	want := map[string]string{"run": "expect", "exercise": "goal"}[b.Kind]
	seen := map[string]bool{}
	for _, w := range words[2:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return nil, fmt.Errorf("litmus block: %q is not key=value", w)
		}
		if seen[k] {
			return nil, fmt.Errorf("litmus block: %s= given twice", k)
		}
		seen[k] = true
		var err error
		switch {
		case k == "name":
			b.Name = v
		case k == want && k == "expect":
			b.Expect, err = ParseExpect(v)
		case k == want && k == "goal":
			b.Goal, err = ParseGoal(v)
		default:
			err = fmt.Errorf("unknown attribute %s= for a %s block (want %s=, name=)", k, b.Kind, want)
		}
		if err != nil {
			return nil, fmt.Errorf("litmus block: %v", err)
		}
	}
	if !seen[want] {
		return nil, fmt.Errorf("litmus block: a %s block needs %s=", b.Kind, want)
	}
	return b, nil
}

// blockRenderer renders LitmusBlock nodes, and raw HTML as escaped text.
type blockRenderer struct{}

func (blockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindLitmusBlock, renderLitmus)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

// renderLitmus writes a block as a container whose data attributes say
// which lesson and block it is, what it expects, and the code escaped in
// <pre><code>, followed by plain buttons the page wires up (no inline JS):
//
//	<div class="litmus-block" data-lesson="3" data-block="1" data-kind="run" data-expect="finding:lost-pte">
//	<pre><code class="language-litmus">...</code></pre>
//	<p class="litmus-expect">...</p>
//	<div class="litmus-actions"><button type="button" data-action="load" ...>Load</button>...</div>
//	</div>
func renderLitmus(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*LitmusBlock).Block
	ids := fmt.Sprintf(`data-lesson="%d" data-block="%d"`, b.Lesson, b.Index)
	attr := fmt.Sprintf(`data-expect="%s"`, b.Expect)
	if b.Kind == "exercise" {
		attr = fmt.Sprintf(`data-goal="%s"`, b.Goal)
	}
	if b.Name != "" {
		attr += ` data-name="` + esc(b.Name) + `"`
	}
	fmt.Fprintf(w, `<div class="litmus-block litmus-%s" id="lesson-%d-block-%d" %s data-kind="%s" %s>`+"\n",
		b.Kind, b.Lesson, b.Index, ids, b.Kind, attr)
	fmt.Fprintf(w, `<pre><code class="language-litmus">%s</code></pre>`+"\n", esc(b.Code))
	fmt.Fprintf(w, `<p class="litmus-expect">%s</p>`+"\n", esc(b.Describe()))
	second := `<button type="button" class="litmus-run" data-action="run" ` + ids + `>Run</button>`
	if b.Kind == "exercise" {
		second = `<button type="button" class="litmus-manual" data-action="manual" ` + ids + `>Try in manual mode</button>`
	}
	fmt.Fprintf(w, `<div class="litmus-actions"><button type="button" class="litmus-load" data-action="load" %s>Load</button>%s</div>`+"\n</div>\n", ids, second)
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	hb := n.(*ast.HTMLBlock)
	_, _ = w.WriteString(`<pre class="raw-html">`)
	for i := 0; i < hb.Lines().Len(); i++ {
		seg := hb.Lines().At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	if hb.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(hb.ClosureLine.Value(src)))
	}
	_, _ = w.WriteString("</pre>\n")
	return ast.WalkContinue, nil
}

func renderRawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	segs := n.(*ast.RawHTML).Segments
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	return ast.WalkSkipChildren, nil
}

func esc(s string) string { return string(util.EscapeHTML([]byte(s))) }
