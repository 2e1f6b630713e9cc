package syntax

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/source"
)

// Format returns the canonical text of f, in the way gofmt prints Go: the
// header "C name", the doc string and the Key=Value info lines, the init
// section with one item per line, the helper functions and the threads in
// kernel C style (tabs, K&R braces, one statement per line, braces around
// every if, else and loop body), and the final section with the condition
// wrapped in exactly one pair of parentheses. Expressions get the
// parentheses that C precedence needs and keep those written in the
// source (ParenExpr and PropParen nodes). Blank lines between statements
// and items are kept (at most one in a row) where f's positions show them.
//
// The AST does not hold comments, so Format drops them, together with any
// free text of the header that is neither the doc string nor an info line.
// FormatSource keeps both.
func Format(f *File) []byte {
	p := &printer{}
	p.file(f)
	return p.bytes()
}

// FormatSource parses src and returns its canonical text as Format
// prints it, but with the comments of src kept: comments on lines of their
// own stay on lines of their own before the element they precede, and
// comments that follow code on a line stay at the end of that line (or of
// the line that holds that code once it is formatted). The header keeps
// its free text and the order of its doc string, info lines and comments.
// On parse errors it returns nil and the errors.
func FormatSource(filename, src string) ([]byte, source.List) {
	f, errs := Parse(filename, src)
	if errs.Err() != nil {
		return nil, errs
	}
	p := &printer{}
	p.header, p.cmts, p.initEnd = scanComments(f, src)
	p.hasSource = true
	p.file(f)
	return p.bytes(), errs
}

// ---- printer state and line output ----

// printer accumulates the canonical text of a file, line by line.
type printer struct {
	buf        []byte
	indent     int
	lastLine   int32 // source line where the last printed element ends; 0 if unknown
	blockStart bool  // the last line written opens a block
	initMode   bool  // printing the init section, where "(*" opens a comment

	hasSource bool         // header and cmts come from the source text
	header    []headerItem // the header region between the name and the init section
	cmts      []comment    // comments after the header, in source order
	ci        int          // index of the next comment to print
	initEnd   source.Pos   // the } closing the init section, if known
	limit     source.Pos   // the closing brace of the block being printed, if known
	next      source.Pos   // the start of the statement after the one being printed, if known

	// A line being built from several pieces (conditions that the source
	// breaks over several lines).
	cur       []byte
	curIndent int
}

// bytes prints the comments left over and returns the text, which ends
// in exactly one newline.
func (p *printer) bytes() []byte {
	p.flushAll()
	b := bytes.TrimRight(p.buf, "\n")
	return append(b, '\n')
}

// line writes s on a line of its own at the current indentation.
func (p *printer) line(s string) { p.lineAt(p.indent, s) }

// lineAt writes s on a line of its own at the given indentation.
func (p *printer) lineAt(indent int, s string) {
	for range indent {
		p.buf = append(p.buf, '\t')
	}
	p.buf = append(p.buf, s...)
	p.buf = append(p.buf, '\n')
	p.blockStart = strings.HasSuffix(s, "{")
}

// blank ends the current paragraph with one empty line, unless there is
// one already, nothing has been printed, or a block has just been opened.
func (p *printer) blank() {
	if len(p.buf) == 0 || p.blockStart || bytes.HasSuffix(p.buf, []byte("\n\n")) {
		return
	}
	p.buf = append(p.buf, '\n')
}

// gap prints a blank line if the source had one between the last printed
// element and an element starting on line.
func (p *printer) gap(line int32) {
	if line > 0 && p.lastLine > 0 && line > p.lastLine+1 {
		p.blank()
	}
}

// before prepares for an element that starts at pos on a new line: it
// prints the comments that come before pos, then keeps a blank line where
// the source had one.
func (p *printer) before(pos source.Pos) {
	p.flush(pos)
	p.gap(pos.Line)
	if pos.Line > p.lastLine {
		p.lastLine = pos.Line
	}
}

// done records that the element just printed ends on source line end,
// and prints the comments that follow it on that line, up to next, the
// start of the next element (if known), and not past the end of the
// enclosing block, since those belong after its brace.
func (p *printer) done(end int32, next source.Pos) {
	if end > p.lastLine {
		p.lastLine = end
	}
	for p.ci < len(p.cmts) {
		c := p.cmts[p.ci]
		if !c.trailing || c.pos.Line > p.lastLine ||
			p.limit.IsValid() && !c.pos.Before(p.limit) ||
			next.IsValid() && !c.pos.Before(next) {
			break
		}
		p.comment(c)
		p.ci++
	}
}

// ---- comments ----

// comment is a comment of the source after the header.
type comment struct {
	pos      source.Pos
	endLine  int32
	text     string
	trailing bool // code precedes it on its first line
}

// flush prints the comments that start before pos.
func (p *printer) flush(pos source.Pos) {
	if !pos.IsValid() {
		return
	}
	for p.ci < len(p.cmts) && p.cmts[p.ci].pos.Before(pos) {
		p.comment(p.cmts[p.ci])
		p.ci++
	}
}

// flushAll prints every comment not printed yet.
func (p *printer) flushAll() {
	for p.ci < len(p.cmts) {
		p.comment(p.cmts[p.ci])
		p.ci++
	}
}

// comment prints c at the end of the last line printed if it followed code
// in the source, and on a line of its own otherwise.
func (p *printer) comment(c comment) {
	if !c.trailing || !p.attach(c.text) {
		p.gap(c.pos.Line)
		p.lineAt(p.indent, c.text)
		p.blockStart = false
	}
	if c.endLine > p.lastLine {
		p.lastLine = c.endLine
	}
}

// attach appends a one-line comment to the last non-empty line printed. It
// refuses (and returns false) if there is no such line, if the comment
// spans lines, or if the line may already end in a // comment.
func (p *printer) attach(text string) bool {
	if strings.Contains(text, "\n") {
		return false
	}
	end := len(p.buf)
	for end > 0 && p.buf[end-1] == '\n' {
		end--
	}
	if end == 0 {
		return false
	}
	start := bytes.LastIndexByte(p.buf[:end], '\n') + 1
	if bytes.Contains(p.buf[start:end], []byte("//")) {
		return false
	}
	tail := append([]byte(" "+text), p.buf[end:]...)
	p.buf = append(p.buf[:end], tail...)
	return true
}

// ---- file ----

// file prints the whole of f.
func (p *printer) file(f *File) {
	arch := f.Arch
	if arch == "" {
		arch = "C"
	}
	p.line(arch + " " + f.Name)
	p.lastLine = f.NamePos.Line
	if p.hasSource {
		for _, h := range p.header {
			if !h.trailing || !p.attach(h.text) {
				p.gap(h.line)
				p.line(h.text)
			}
			p.lastLine = h.endLine
		}
	} else {
		if f.Doc != "" {
			p.line(`"` + f.Doc + `"`)
		}
		for _, in := range f.Info {
			p.line(in.Key + "=" + in.Value)
		}
	}

	p.blank()
	p.init(f)
	for _, fn := range f.Funcs {
		p.blank()
		p.fun(fn)
	}
	for _, fn := range f.Threads {
		p.blank()
		p.fun(fn)
	}
	p.final(f)
}

// init prints the init section, one item per line.
func (p *printer) init(f *File) {
	p.before(f.InitPos)
	p.line("{")
	p.indent++
	p.initMode = true
	p.limit = p.initEnd
	for i, it := range f.Init {
		p.before(initStart(it))
		p.line(p.initItem(it) + ";")
		var next source.Pos
		if i+1 < len(f.Init) {
			next = initStart(f.Init[i+1])
		}
		p.done(maxLine(it.Value, initStart(it).Line), next)
	}
	p.initMode = false
	p.flush(p.initEnd)
	p.limit = source.Pos{}
	p.indent--
	p.line("}")
	p.lastLine = max(p.lastLine, p.initEnd.Line)
}

// initStart returns the position where an init item starts in the source.
func initStart(it *InitItem) source.Pos {
	if it.Type != nil {
		return it.Type.Pos
	}
	return it.Pos
}

// initItem prints an init item without its ;.
func (p *printer) initItem(it *InitItem) string {
	var s string
	switch {
	case it.Thread >= 0:
		s = strconv.Itoa(it.Thread) + ":" + it.Name
	case it.Type != nil:
		s = typeString(it.Type) + it.Name
	case isTypeName(it.Name):
		// "*name = v" means "name = v" and cannot be read as a type.
		s = "*" + it.Name
	default:
		s = it.Name
	}
	if it.Field != "" {
		s += "." + it.Field
	}
	if it.Index != nil {
		s += "[" + p.exprString(it.Index) + "]"
	}
	if it.Value != nil {
		s += " = " + p.exprString(it.Value)
	}
	return s
}

// typeString prints a type followed by what separates it from a declared
// name: "int " or "int *".
func typeString(t *TypeSpec) string {
	return t.Name + " " + strings.Repeat("*", t.Ptr)
}

// fun prints a thread or a helper function.
func (p *printer) fun(fn *FuncDecl) {
	p.before(fn.Pos)
	var b strings.Builder
	if fn.Result != nil {
		b.WriteString(typeString(fn.Result))
	}
	b.WriteString(fn.Name)
	b.WriteByte('(')
	for i, prm := range fn.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		if prm.Type != nil {
			b.WriteString(typeString(prm.Type))
		}
		b.WriteString(prm.Name)
	}
	b.WriteByte(')')
	p.line(b.String())
	if fn.Body == nil {
		return
	}
	p.flush(fn.Body.Lbrace)
	p.lastLine = max(p.lastLine, fn.Body.Lbrace.Line)
	p.line("{")
	p.block(fn.Body)
	p.line("}")
	p.done(fn.End.Line, source.Pos{})
}

// block prints the statements of b one level deeper, and the comments
// before its closing brace.
func (p *printer) block(b *BlockStmt) {
	saved := p.limit
	p.limit = b.Rbrace
	p.indent++
	p.stmtList(b.List)
	p.flush(b.Rbrace)
	p.indent--
	p.limit = saved
}

// final prints the locations, the filter and the condition, if any.
func (p *printer) final(f *File) {
	if len(f.Locations) == 0 && f.Filter == nil && f.Cond == nil {
		return
	}
	p.blank()
	if len(f.Locations) > 0 {
		p.before(f.Locations[0].Pos)
		var b strings.Builder
		b.WriteString("locations [")
		end := int32(0)
		for i, l := range f.Locations {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(locString(l))
			b.WriteByte(';')
			end = max(end, l.Pos.Line)
		}
		b.WriteByte(']')
		p.line(b.String())
		p.done(end, source.Pos{})
	}
	if f.Filter != nil {
		p.before(f.Filter.Start())
		p.propLine("filter ", f.Filter)
	}
	if f.Cond != nil {
		p.before(f.Cond.Pos)
		p.propLine(f.Cond.Quant+" ", f.Cond.Prop)
	}
}

// ---- statements ----

// stmtList prints the statements of a block.
func (p *printer) stmtList(list []Stmt) {
	saved := p.next
	for i, s := range list {
		p.next = source.Pos{}
		if i+1 < len(list) {
			p.next = list[i+1].Start()
		}
		p.stmt(s)
	}
	p.next = saved
}

// stmt prints one statement on lines of its own.
func (p *printer) stmt(s Stmt) {
	next := p.next
	switch s := s.(type) {
	case *EmptyStmt:
		// Dropped; its comments stay with the code around it.
		p.lastLine = max(p.lastLine, s.Semi.Line)
		return
	case *LabeledStmt:
		p.before(s.Pos)
		p.lineAt(max(p.indent-1, 0), s.Label+":")
		p.stmt(s.Stmt)
		return
	case *BlockStmt:
		p.before(s.Lbrace)
		p.line("{")
		p.block(s)
		p.line("}")
	case *IfStmt:
		p.before(s.If)
		p.ifStmt(s, "")
	case *WhileStmt:
		p.before(s.While)
		p.line("while (" + p.exprString(s.Cond) + ") {")
		p.body(s.Body)
		p.line("}")
	case *DoStmt:
		p.before(s.Do)
		p.line("do {")
		p.body(s.Body)
		if s.Cond != nil {
			p.line("} while (" + p.exprString(s.Cond) + ");")
		} else {
			p.line("} while (0);")
		}
	case *ForStmt:
		p.before(s.For)
		h := "for ("
		if s.Init != nil {
			h += p.simpleStmt(s.Init)
		}
		h += ";"
		if s.Cond != nil {
			h += " " + p.exprString(s.Cond)
		}
		h += ";"
		if s.Post != nil {
			h += " " + p.simpleStmt(s.Post)
		}
		p.line(h + ") {")
		p.body(s.Body)
		p.line("}")
	default:
		p.before(s.Start())
		p.line(p.simpleStmt(s) + ";")
	}
	p.done(maxLine(s, 0), next)
}

// stmtKeywords are the words that make parseStmt read a statement other
// than an expression or an assignment.
var stmtKeywords = map[string]bool{
	"if": true, "else": true, "while": true, "do": true, "for": true,
	"break": true, "continue": true, "goto": true, "return": true,
}

// guardExprStmt returns s, the text of an expression statement or an
// assignment, with a leading + if it starts with a word that the parser
// would read as a keyword or a type. The parser drops unary +, so the
// statement parses back into the same tree (the source had one too: it
// is the only way to write such a statement).
func guardExprStmt(s string) string {
	n := 0
	for n < len(s) && (isLetter(s[n]) || isDigit(s[n])) {
		n++
	}
	if n == 0 || isDigit(s[0]) {
		return s
	}
	w, rest := s[:n], strings.TrimLeft(s[n:], " ")
	if stmtKeywords[w] || typeWords[w] ||
		isTypeName(w) && rest != "" && (isLetter(rest[0]) || rest[0] == '*' || rest[0] == ')') {
		return "+" + s
	}
	return s
}

// ifStmt prints an if statement whose first line starts with prefix
// ("} else " for the second and later links of an else-if chain).
func (p *printer) ifStmt(s *IfStmt, prefix string) {
	p.line(prefix + "if (" + p.exprString(s.Cond) + ") {")
	p.body(s.Then)
	switch e := s.Else.(type) {
	case nil:
		p.line("}")
	case *IfStmt:
		p.ifStmt(e, "} else ")
	default:
		p.line("} else {")
		p.body(e)
		p.line("}")
	}
}

// body prints the body of a compound statement, which is a block or a
// single statement that the output puts in braces; the caller prints the
// braces.
func (p *printer) body(s Stmt) {
	if b, ok := s.(*BlockStmt); ok {
		p.block(b)
		return
	}
	p.indent++
	p.stmt(s)
	p.indent--
}

// simpleStmt prints a statement that fits on one line, without its ;.
func (p *printer) simpleStmt(s Stmt) string {
	switch s := s.(type) {
	case *ExprStmt:
		return guardExprStmt(p.exprString(s.X))
	case *AssignStmt:
		if s.Op == INC || s.Op == DEC {
			if exprPrec(s.LHS) == precUnary {
				// ++*p: the postfix form would read as *(p++) in C.
				return s.Op.String() + p.exprString(s.LHS)
			}
			return guardExprStmt(p.exprString(s.LHS) + s.Op.String())
		}
		rhs := ""
		if s.RHS != nil {
			rhs = p.exprString(s.RHS)
		}
		return guardExprStmt(p.exprString(s.LHS) + " " + s.Op.String() + " " + rhs)
	case *DeclStmt:
		var b strings.Builder
		b.WriteString(s.Type.Name)
		b.WriteByte(' ')
		for i, v := range s.Specs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strings.Repeat("*", s.Type.Ptr+v.Ptr))
			b.WriteString(v.Name)
			if v.Init != nil {
				b.WriteString(" = ")
				b.WriteString(p.exprString(v.Init))
			}
		}
		return b.String()
	case *BranchStmt:
		if s.Tok == "goto" {
			return "goto " + s.Label
		}
		return s.Tok
	case *ReturnStmt:
		if s.X == nil {
			return "return"
		}
		return "return " + p.exprString(s.X)
	case *EmptyStmt:
		return ""
	}
	// A compound statement where a simple one is expected (for headers);
	// the parser never builds this.
	return "/* ? */"
}

// ---- expressions ----

// Expression precedence levels, loosest first; binary operators use
// precedence's 1..10 in between.
const (
	precCond    = 0
	precUnary   = 11
	precPostfix = 12
	precPrimary = 13
)

// exprPrec returns the precedence level of e as printed.
func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *CondExpr:
		return precCond
	case *BinaryExpr:
		return precedence(e.Op)
	case *UnaryExpr, *CastExpr:
		return precUnary
	case *IntLit:
		if strings.HasPrefix(intLit(e), "-") {
			return precUnary
		}
	case *CallExpr, *IndexExpr, *SelectorExpr:
		return precPostfix
	}
	return precPrimary
}

// intLit returns the text of an integer literal as written.
func intLit(e *IntLit) string {
	if e.Lit != "" {
		return e.Lit
	}
	return strconv.FormatInt(e.Val, 10)
}

// exprWriter accumulates an expression, separating tokens that would
// otherwise run together ("- -1", "& &x").
type exprWriter struct {
	b        []byte
	initMode bool
}

// glued lists the two-character tokens and comment openers that two
// adjacent pieces must not form.
var glued = map[string]bool{
	"--": true, "++": true, "&&": true, "||": true, "->": true,
	"-=": true, "+=": true, "&=": true, "|=": true, "*=": true, "/=": true,
	"<<": true, ">>": true, "<=": true, ">=": true, "==": true, "!=": true,
	"=>": true, "//": true, "/*": true, "*/": true, `/\`: true, `\/`: true,
}

// put appends s, after a space if s would otherwise run into the text
// before it.
func (w *exprWriter) put(s string) {
	if len(w.b) > 0 && len(s) > 0 {
		pair := string([]byte{w.b[len(w.b)-1], s[0]})
		if glued[pair] || w.initMode && pair == "(*" {
			w.b = append(w.b, ' ')
		}
	}
	w.b = append(w.b, s...)
}

// exprString prints an expression.
func (p *printer) exprString(e Expr) string {
	w := &exprWriter{initMode: p.initMode}
	w.expr(e)
	return string(w.b)
}

// operand prints e, in parentheses if its precedence is below min.
func (w *exprWriter) operand(e Expr, min int) {
	if exprPrec(e) < min {
		w.put("(")
		w.expr(e)
		w.put(")")
		return
	}
	w.expr(e)
}

// expr appends e, with the parentheses that precedence needs.
func (w *exprWriter) expr(e Expr) {
	switch e := e.(type) {
	case nil:
		w.put("0")
	case *Ident:
		w.put(e.Name)
	case *IntLit:
		lit := intLit(e)
		for strings.HasPrefix(lit, "-") {
			w.put("-")
			lit = lit[1:]
		}
		w.put(lit)
	case *UnaryExpr:
		w.put(e.Op.String())
		w.operand(e.X, precUnary)
	case *BinaryExpr:
		prec := precedence(e.Op)
		w.operand(e.X, prec)
		w.put(" " + e.Op.String() + " ")
		w.operand(e.Y, prec+1)
	case *CondExpr:
		w.operand(e.Cond, precCond+1)
		w.put(" ? ")
		w.expr(e.X)
		w.put(" : ")
		w.expr(e.Y)
	case *CallExpr:
		w.put(e.Fun.Name)
		w.put("(")
		for i, a := range e.Args {
			if i > 0 {
				w.put(", ")
			}
			w.expr(a)
		}
		w.put(")")
	case *CastExpr:
		w.put("(")
		w.put(strings.TrimSuffix(typeString(e.Type), " "))
		w.put(")")
		w.operand(e.X, precUnary)
	case *ParenExpr:
		w.put("(")
		w.expr(e.X)
		w.put(")")
	case *SelectorExpr:
		w.operand(e.X, precPostfix)
		if e.Arrow {
			w.put("->")
		} else {
			w.put(".")
		}
		w.put(e.Field)
	case *IndexExpr:
		w.operand(e.X, precPostfix)
		w.put("[")
		w.expr(e.Index)
		w.put("]")
	}
}

// ---- conditions ----

// propPrec returns the precedence level of q as printed: \/ binds
// loosest, then /\, then =>, then ~.
func propPrec(q Prop) int {
	switch q := q.(type) {
	case *PropBinary:
		switch q.Op {
		case POR:
			return 1
		case PAND:
			return 2
		default: // IMPLIES
			return 3
		}
	case *PropNot:
		return 4
	}
	return 5
}

// propLine prints prefix and the proposition q wrapped in one pair of
// parentheses, breaking lines where the source did after an operator.
func (p *printer) propLine(prefix string, q Prop) {
	for {
		pp, ok := q.(*PropParen)
		if !ok {
			break
		}
		q = pp.P
	}
	p.cur = append(p.cur[:0], prefix...)
	p.curIndent = p.indent
	p.cur = append(p.cur, '(')
	p.prop(q)
	p.cur = append(p.cur, ')')
	p.lineAt(p.curIndent, string(p.cur))
	p.done(maxLine(q, 0), source.Pos{})
}

// breakLine ends the line being built and starts a continuation line for
// an operand that starts at next, printing the comments before it.
func (p *printer) breakLine(next source.Pos) {
	p.lineAt(p.curIndent, string(p.cur))
	p.cur = p.cur[:0]
	p.curIndent = p.indent + 1
	saved := p.indent
	p.indent = p.curIndent
	p.flush(next)
	p.indent = saved
}

// propOperand prints q, in parentheses if its precedence is below min.
func (p *printer) propOperand(q Prop, min int) {
	if propPrec(q) < min {
		p.cur = append(p.cur, '(')
		p.prop(q)
		p.cur = append(p.cur, ')')
		return
	}
	p.prop(q)
}

// prop appends q to the line being built.
func (p *printer) prop(q Prop) {
	switch q := q.(type) {
	case nil:
		p.cur = append(p.cur, "true"...)
	case *PropBinary:
		prec := propPrec(q)
		lmin, rmin := prec, prec+1
		if q.Op == IMPLIES { // right associative
			lmin, rmin = prec+1, prec
		}
		p.propOperand(q.L, lmin)
		p.cur = append(p.cur, ' ')
		p.cur = append(p.cur, q.Op.String()...)
		if r := q.R.Start(); r.IsValid() && r.Line > maxLine(q.L, 0) {
			p.breakLine(r)
		} else {
			p.cur = append(p.cur, ' ')
		}
		p.propOperand(q.R, rmin)
	case *PropNot:
		p.cur = append(p.cur, '~')
		p.propOperand(q.P, propPrec(q))
	case *PropConst:
		p.cur = strconv.AppendBool(p.cur, q.Val)
	case *PropParen:
		p.cur = append(p.cur, '(')
		p.prop(q.P)
		p.cur = append(p.cur, ')')
	case *PropAtom:
		p.cur = append(p.cur, locString(q.Loc)...)
		if q.Neq {
			p.cur = append(p.cur, "!="...)
		} else {
			p.cur = append(p.cur, '=')
		}
		switch {
		case q.Val == nil:
			p.cur = append(p.cur, '0')
		case q.Val.Loc != nil:
			p.cur = append(p.cur, locString(q.Val.Loc)...)
		default:
			p.cur = strconv.AppendInt(p.cur, q.Val.Int, 10)
		}
	}
}

// locString prints a location: x, 0:r0, or [x] for a shared variable
// whose name the condition parser would read as a keyword.
func locString(l *Loc) string {
	if l.Thread >= 0 {
		return strconv.Itoa(l.Thread) + ":" + l.Name
	}
	switch l.Name {
	case "true", "false", "not":
		return "[" + l.Name + "]"
	}
	return l.Name
}

// ---- source lines ----

// maxLine returns the largest source line of any position in n (a Stmt,
// Expr or Prop), or at least line.
func maxLine(n Node, line int32) int32 {
	up := func(pos source.Pos) {
		if pos.Line > line {
			line = pos.Line
		}
	}
	switch n := n.(type) {
	case nil:
	case *BlockStmt:
		up(n.Lbrace)
		up(n.Rbrace)
		for _, s := range n.List {
			line = maxLine(s, line)
		}
	case *DeclStmt:
		up(n.Type.Pos)
		for _, v := range n.Specs {
			up(v.Pos)
			line = maxLine(v.Init, line)
		}
	case *ExprStmt:
		line = maxLine(n.X, line)
	case *AssignStmt:
		up(n.OpPos)
		line = maxLine(n.RHS, maxLine(n.LHS, line))
	case *IfStmt:
		up(n.If)
		line = maxLine(n.Else, maxLine(n.Then, maxLine(n.Cond, line)))
	case *WhileStmt:
		up(n.While)
		line = maxLine(n.Body, maxLine(n.Cond, line))
	case *DoStmt:
		up(n.Do)
		line = maxLine(n.Cond, maxLine(n.Body, line))
	case *ForStmt:
		up(n.For)
		line = maxLine(n.Body, maxLine(n.Post, maxLine(n.Cond, maxLine(n.Init, line))))
	case *LabeledStmt:
		up(n.Pos)
		line = maxLine(n.Stmt, line)
	case *BranchStmt:
		up(n.Pos)
	case *ReturnStmt:
		up(n.Return)
		line = maxLine(n.X, line)
	case *EmptyStmt:
		up(n.Semi)
	case *Ident:
		up(n.Pos)
	case *IntLit:
		up(n.Pos)
	case *UnaryExpr:
		up(n.OpPos)
		line = maxLine(n.X, line)
	case *BinaryExpr:
		line = maxLine(n.Y, maxLine(n.X, line))
	case *CondExpr:
		line = maxLine(n.Y, maxLine(n.X, maxLine(n.Cond, line)))
	case *CallExpr:
		up(n.Lparen)
		for _, a := range n.Args {
			line = maxLine(a, line)
		}
	case *CastExpr:
		line = maxLine(n.X, line)
	case *ParenExpr:
		line = maxLine(n.X, line)
	case *SelectorExpr:
		up(n.Pos)
		line = maxLine(n.X, line)
	case *IndexExpr:
		line = maxLine(n.Index, maxLine(n.X, line))
	case *PropBinary:
		line = maxLine(n.R, maxLine(n.L, line))
	case *PropNot:
		line = maxLine(n.P, line)
	case *PropConst:
		up(n.Pos)
	case *PropAtom:
		up(n.Loc.Pos)
		if n.Val != nil {
			up(n.Val.Pos)
		}
	case *PropParen:
		line = maxLine(n.P, line)
	}
	return line
}

// ---- comment scanning ----

// headerItem is one element of the header region in source order: a
// comment, a doc string, an info line or a line of free text.
type headerItem struct {
	line, endLine int32
	text          string
	trailing      bool // a comment that follows the name or a doc string on its line
}

// cscan walks source text to find comments, mirroring scanner.skipSpace.
type cscan struct {
	src     string
	off     int
	line    int32
	lineOff int
}

// pos returns the position of the current offset.
func (s *cscan) pos() source.Pos {
	return source.Pos{Line: s.line, Col: int32(s.off-s.lineOff) + 1}
}

// at reports whether the text at the current offset starts with prefix.
func (s *cscan) at(prefix string) bool { return strings.HasPrefix(s.src[s.off:], prefix) }

// newline steps over the newline at the current offset.
func (s *cscan) newline() {
	s.off++
	s.line++
	s.lineOff = s.off
}

// comment reads the comment at the current offset, which the caller has
// recognised, and returns it.
func (s *cscan) comment() comment {
	start := s.off
	c := comment{pos: s.pos()}
	c.trailing = strings.TrimSpace(s.src[s.lineOff:start]) != ""
	switch {
	case s.at("//"):
		for s.off < len(s.src) && s.src[s.off] != '\n' {
			s.off++
		}
	default:
		open, close := s.src[s.off:s.off+2], "*/"
		if open == "(*" {
			close = "*)"
		}
		s.off += 2
		for depth := 1; s.off < len(s.src) && depth > 0; {
			switch {
			case s.at(close):
				s.off += 2
				depth--
			case open == "(*" && s.at(open):
				s.off += 2
				depth++
			case s.src[s.off] == '\n':
				s.newline()
			default:
				s.off++
			}
		}
	}
	c.text = strings.TrimRight(s.src[start:s.off], " \t\r")
	c.endLine = s.line
	return c
}

// startsComment reports whether a comment starts at the current offset.
func (s *cscan) startsComment(code bool) bool {
	return s.at("//") || s.at("/*") || !code && s.at("(*")
}

// scanComments finds the header items and the comments of src, a text
// that parsed without errors into f, and the position of the } that closes
// the init section. The comments after the header come in source order.
func scanComments(f *File, src string) (header []headerItem, cmts []comment, initEnd source.Pos) {
	// The header, as parseHeaderText reads it.
	var sc scanner
	sc.init(src, func(source.Pos, string) {})
	sc.next()
	sc.rawWord()
	s := &cscan{src: src, off: sc.off, line: sc.line, lineOff: sc.lineOff}
header:
	for s.off < len(src) {
		switch c := src[s.off]; {
		case c == '\n':
			s.newline()
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case s.startsComment(false):
			c := s.comment()
			header = append(header, headerItem{line: c.pos.Line, endLine: c.endLine, text: c.text, trailing: c.trailing})
		case c == '{':
			break header
		case c == '"':
			start, line := s.off, s.line
			s.off++
			for s.off < len(src) && src[s.off] != '"' {
				if src[s.off] == '\n' {
					s.newline()
					continue
				}
				s.off++
			}
			s.off = min(s.off+1, len(src))
			header = append(header, headerItem{line: line, endLine: s.line, text: src[start:s.off]})
		default:
			start := s.off
			for s.off < len(src) && src[s.off] != '\n' {
				s.off++
			}
			text := strings.TrimSpace(src[start:s.off])
			if m := infoLine.FindStringSubmatch(text); m != nil {
				text = m[1] + "=" + strings.TrimSpace(m[2])
			}
			header = append(header, headerItem{line: s.line, endLine: s.line, text: text})
		}
	}

	// The rest: code mode inside functions, from just after the name to
	// the closing brace, as the parser switches it.
	funcs := append(append([]*FuncDecl(nil), f.Funcs...), f.Threads...)
	inCode := func(pos source.Pos) bool {
		for _, fn := range funcs {
			if fn.Pos.Before(pos) && pos.Before(fn.End) {
				return true
			}
		}
		return false
	}
	initOpen := false
	for s.off < len(src) {
		c := src[s.off]
		switch {
		case c == '\n':
			s.newline()
		case s.at(`\/`), s.at(`/\`), s.at("/="):
			s.off += 2
		case s.startsComment(inCode(s.pos())):
			cmts = append(cmts, s.comment())
		case c == '{' && !initOpen:
			initOpen = true
			s.off++
		case c == '}' && initOpen && !initEnd.IsValid():
			initEnd = s.pos()
			s.off++
		default:
			s.off++
		}
	}
	return header, cmts, initEnd
}
