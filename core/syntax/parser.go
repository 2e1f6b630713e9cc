package syntax

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/source"
)

// maxErrors is the number of errors after which the parser gives up.
const maxErrors = 10

// Parse parses a litmus test. It returns the file (possibly partial) and
// every problem found, each positioned in filename. It never panics.
func Parse(filename, src string) (f *File, errs source.List) {
	p := &parser{file: filename}
	p.sc.init(src, func(pos source.Pos, msg string) { p.errorAt(pos, msg) })
	defer p.finish(&errs)
	f = p.parseFile()
	return f, p.errs
}

// ParseExpr parses a single expression in code mode (for tests and the
// command line).
func ParseExpr(filename, src string) (e Expr, errs source.List) {
	p := &parser{file: filename}
	p.sc.init(src, func(pos source.Pos, msg string) { p.errorAt(pos, msg) })
	p.sc.codeMode = true
	defer p.finish(&errs)
	p.next()
	e = p.parseExpr()
	p.expect(EOF)
	return e, p.errs
}

type bailout struct{}

// finish ends a parse: it turns the bailout panic (too many errors) into
// a normal return, any other panic into an "internal error" diagnostic,
// and hands back the errors. It must be deferred directly.
func (p *parser) finish(errs *source.List) {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			p.errs.Add(p.file, p.sc.pos, "internal error: parser: %v", r)
		}
	}
	*errs = p.errs
}

type parser struct {
	file     string
	sc       scanner
	errs     source.List
	lastLine int32 // line of the last error, to report one per line
}

func (p *parser) next()                 { p.sc.next() }
func (p *parser) tok() Token            { return p.sc.tok }
func (p *parser) pos() source.Pos       { return p.sc.pos }
func (p *parser) isIdent(s string) bool { return p.sc.tok == IDENT && p.sc.lit == s }

// peek returns the token after the current one without consuming it.
func (p *parser) peek() (Token, string) {
	saved := p.sc
	saved.errh = func(source.Pos, string) {}
	saved.next()
	return saved.tok, saved.lit
}

func (p *parser) errorAt(pos source.Pos, msg string) {
	if pos.Line == p.lastLine && len(p.errs) > 0 {
		return
	}
	p.lastLine = pos.Line
	p.errs.Add(p.file, pos, "%s", msg)
	if len(p.errs) >= maxErrors {
		panic(bailout{})
	}
}

func (p *parser) errorf(pos source.Pos, format string, args ...any) {
	p.errorAt(pos, fmt.Sprintf(format, args...))
}

// describe names the current token for a message.
func (p *parser) describe() string {
	switch p.tok() {
	case IDENT:
		return strconv.Quote(p.sc.lit)
	case INT:
		return "integer " + p.sc.lit
	case EOF:
		return "end of file"
	case STRING:
		return "string"
	case ILLEGAL:
		return fmt.Sprintf("illegal character %q", p.sc.lit)
	}
	return strconv.Quote(p.tok().String())
}

func (p *parser) expect(t Token) source.Pos {
	pos := p.pos()
	if p.tok() != t {
		p.errorf(pos, "expected %q, found %s", t.String(), p.describe())
		return pos
	}
	p.next()
	return pos
}

func (p *parser) expectIdent() (source.Pos, string) {
	pos, lit := p.pos(), p.sc.lit
	if p.tok() != IDENT {
		p.errorf(pos, "expected identifier, found %s", p.describe())
		return pos, "_"
	}
	p.next()
	return pos, lit
}

// ---- file structure ----

var infoLine = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$`)

func (p *parser) parseFile() *File {
	f := &File{}
	p.next()
	if p.tok() != IDENT {
		p.errorf(p.pos(), "expected a litmus header such as \"C test-name\", found %s", p.describe())
		return f
	}
	f.Arch = p.sc.lit
	if f.Arch != "C" {
		p.errorf(p.pos(), "unsupported architecture %q: ptlab runs C litmus tests (header \"C name\")", f.Arch)
	}
	f.NamePos, f.Name = p.sc.rawWord()
	if f.Name == "" {
		p.errorf(f.NamePos, "missing test name after %q", f.Arch)
	}
	p.parseHeaderText(f)
	f.InitPos = p.pos()
	p.expect(LBRACE)
	f.Init = p.parseInit()
	p.parseFuncs(f)
	p.parseFinal(f)
	return f
}

// parseHeaderText skips free text between the header and the init
// section, collecting the doc string and Key=Value info lines, and stops
// with the init section's { as the current token.
func (p *parser) parseHeaderText(f *File) {
	for {
		p.sc.skipSpace()
		if p.sc.off >= len(p.sc.src) {
			p.next()
			p.errorf(p.pos(), "missing init section: expected \"{\" after the header")
			panic(bailout{})
		}
		switch p.sc.src[p.sc.off] {
		case '{':
			p.next()
			return
		case '"':
			p.next()
			if f.Doc == "" {
				f.Doc = p.sc.lit
			}
			continue
		}
		line := p.sc.restOfLine()
		if m := infoLine.FindStringSubmatch(line); m != nil {
			f.Info = append(f.Info, Info{Key: m[1], Value: strings.TrimSpace(m[2])})
		}
	}
}

// parseInit parses init items up to and including the closing }.
func (p *parser) parseInit() []*InitItem {
	var items []*InitItem
	for p.tok() != RBRACE && p.tok() != EOF {
		if p.tok() == SEMI {
			p.next()
			continue
		}
		before := p.sc.off
		if it := p.parseInitItem(); it != nil {
			items = append(items, it)
		}
		if p.tok() != RBRACE {
			if p.tok() != SEMI {
				p.errorf(p.pos(), "expected \";\" or \"}\" in init section, found %s", p.describe())
				p.skipTo(SEMI, RBRACE)
			}
			if p.tok() == SEMI {
				p.next()
			}
		}
		if p.sc.off == before && p.tok() != RBRACE {
			p.next() // guarantee progress
		}
	}
	p.expect(RBRACE)
	return items
}

func (p *parser) parseInitItem() *InitItem {
	it := &InitItem{Pos: p.pos(), Thread: -1}
	switch {
	case p.tok() == INT:
		// N:reg = value
		it.Thread = int(p.sc.ival)
		p.next()
		p.expect(COLON)
		_, it.Name = p.expectIdent()
	case p.tok() == MUL:
		// *p = x: the pointer p holds x's address.
		p.next()
		_, it.Name = p.expectIdent()
	case p.tok() == IDENT && p.startsType():
		it.Type = p.parseType()
		it.Pos = p.pos()
		_, it.Name = p.expectIdent()
	case p.tok() == IDENT:
		_, it.Name = p.expectIdent()
	default:
		p.errorf(p.pos(), "expected an initialiser such as \"x=1\", \"int *p = &x\" or \"0:r0=1\", found %s", p.describe())
		p.skipTo(SEMI, RBRACE)
		return nil
	}
	if (p.tok() == DOT || p.tok() == ARROW) && it.Thread < 0 {
		p.next()
		_, it.Field = p.expectIdent()
	}
	if p.tok() == LBRACK && it.Thread < 0 {
		p.next()
		it.Index = p.parseExpr()
		p.expect(RBRACK)
	}
	if p.tok() == ASSIGN {
		p.next()
		it.Value = p.parseExpr()
	}
	return it
}

// ParseFuncs parses a file of helper functions only (the kernel
// prelude), in code mode.
func ParseFuncs(filename, src string) (funcs []*FuncDecl, errs source.List) {
	p := &parser{file: filename}
	p.sc.init(src, func(pos source.Pos, msg string) { p.errorAt(pos, msg) })
	defer p.finish(&errs)
	p.next()
	for p.tok() != EOF {
		typ := p.parseType()
		funcs = append(funcs, p.parseFunc(typ, -1))
	}
	return funcs, p.errs
}

// skipTo advances to the next token in stops (not consuming it).
func (p *parser) skipTo(stops ...Token) {
	for p.tok() != EOF {
		for _, s := range stops {
			if p.tok() == s {
				return
			}
		}
		p.next()
	}
}

var threadName = regexp.MustCompile(`^P([0-9]+)$`)

func isFinalKeyword(s string) bool {
	switch s {
	case "exists", "forall", "final", "locations", "filter", "not":
		return true
	}
	return false
}

func (p *parser) parseFuncs(f *File) {
	for p.tok() != EOF {
		if p.tok() == TILDE || p.tok() == LPAREN || p.tok() == IDENT && isFinalKeyword(p.sc.lit) {
			return
		}
		if p.tok() != IDENT {
			p.errorf(p.pos(), "expected a thread such as \"P0(int *x) { ... }\" or the final condition, found %s", p.describe())
			p.next()
			continue
		}
		if p.isIdent("void") {
			if t, lit := p.peek(); t == IDENT && threadName.MatchString(lit) {
				p.next()
			}
		}
		if m := threadName.FindStringSubmatch(p.sc.lit); m != nil {
			if t, _ := p.peek(); t == LPAREN {
				n, _ := strconv.Atoi(m[1])
				fn := p.parseFunc(nil, n)
				if n != len(f.Threads) {
					p.errorf(fn.Pos, "thread %s out of order: expected P%d (threads are numbered P0, P1, ... in order)", fn.Name, len(f.Threads))
				}
				f.Threads = append(f.Threads, fn)
				continue
			}
		}
		if len(f.Threads) > 0 {
			p.errorf(p.pos(), "helper functions must come before the threads; found %s after P%d", p.describe(), len(f.Threads)-1)
		}
		typ := p.parseType()
		f.Funcs = append(f.Funcs, p.parseFunc(typ, -1))
	}
}

// parseFunc parses NAME(params) { body } with the name as current token.
func (p *parser) parseFunc(result *TypeSpec, thread int) *FuncDecl {
	fn := &FuncDecl{Pos: p.pos(), Name: p.sc.lit, Thread: thread, Result: result}
	if p.tok() != IDENT {
		p.errorf(p.pos(), "expected function name, found %s", p.describe())
		panic(bailout{})
	}
	p.sc.codeMode = true
	p.next()
	p.expect(LPAREN)
	if p.isIdent("void") {
		if t, _ := p.peek(); t == RPAREN {
			p.next()
		}
	}
	for p.tok() != RPAREN && p.tok() != EOF {
		prm := &Param{}
		if !p.startsType() {
			p.errorf(p.pos(), "expected parameter type, found %s", p.describe())
			p.skipTo(RPAREN, LBRACE)
			break
		}
		prm.Type = p.parseType()
		prm.Pos, prm.Name = p.expectIdent()
		fn.Params = append(fn.Params, prm)
		if p.tok() != COMMA {
			break
		}
		p.next()
	}
	p.expect(RPAREN)
	if p.tok() != LBRACE {
		p.errorf(p.pos(), "expected \"{\" to start the body of %s, found %s", fn.Name, p.describe())
		panic(bailout{})
	}
	fn.Body = p.parseBlockBody(func() { p.sc.codeMode = false })
	fn.End = fn.Body.Rbrace
	return fn
}

// ---- types ----

var typeWords = map[string]bool{
	"int": true, "long": true, "short": true, "char": true, "unsigned": true,
	"signed": true, "void": true, "bool": true, "_Bool": true, "const": true,
	"volatile": true, "static": true, "inline": true, "struct": true,
	"union": true, "enum": true, "u8": true, "u16": true, "u32": true,
	"u64": true, "s8": true, "s16": true, "s32": true, "s64": true,
	"__always_inline": true, "noinline": true, "extern": true,
}

func isTypeName(s string) bool { return typeWords[s] || strings.HasSuffix(s, "_t") }

// startsType reports whether the current token begins a type.
func (p *parser) startsType() bool {
	if p.tok() != IDENT || !isTypeName(p.sc.lit) {
		return false
	}
	if typeWords[p.sc.lit] {
		return true
	}
	// name_t followed by a declarator or ")" (a cast).
	t, _ := p.peek()
	return t == IDENT || t == MUL || t == RPAREN
}

func (p *parser) parseType() *TypeSpec {
	ts := &TypeSpec{Pos: p.pos()}
	var words []string
	for p.tok() == IDENT && isTypeName(p.sc.lit) {
		w := p.sc.lit
		p.next()
		switch w {
		case "const", "volatile", "static", "inline", "__always_inline", "noinline", "extern":
			continue
		case "struct", "union", "enum":
			_, tag := p.expectIdent()
			w += " " + tag
		}
		words = append(words, w)
		if !typeWords[w] && !strings.HasPrefix(w, "struct ") && !strings.HasPrefix(w, "union ") && !strings.HasPrefix(w, "enum ") {
			break // a typedef name ends the type
		}
	}
	if len(words) == 0 {
		p.errorf(p.pos(), "expected type, found %s", p.describe())
	}
	ts.Name = strings.Join(words, " ")
	for p.tok() == MUL || p.isIdent("const") || p.isIdent("volatile") {
		if p.tok() == MUL {
			ts.Ptr++
		}
		p.next()
	}
	return ts
}
