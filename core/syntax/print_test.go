package syntax

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/fmt")

// corpusFiles returns the corpus test paths listed in INDEX.tsv. It skips
// the test when the corpus is missing, unless CI=true, where it fails.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(corpusDir, "INDEX.tsv"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus not found: %v", err)
		}
		t.Skipf("corpus not found: %v", err)
	}
	var names []string
	for i, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		if i > 0 {
			names = append(names, filepath.Join(corpusDir, strings.SplitN(line, "\t", 2)[0]))
		}
	}
	return names
}

// checkRoundTrip checks that out, the formatted text of the file src
// parsed into f, parses without errors into the same tree and formats
// again into itself.
func checkRoundTrip(t *testing.T, name, src string, f *File, out []byte, format func(string) []byte) {
	t.Helper()
	g, errs := Parse(name, string(out))
	if len(errs) > 0 {
		t.Errorf("%s: formatted text does not parse: %v\n%s", name, errs, out)
		return
	}
	if d1, d2 := dump(f), dump(g); d1 != d2 {
		t.Errorf("%s: formatting changed the tree:\n%s", name, firstDiff(d1, d2))
		return
	}
	if again := format(string(out)); string(again) != string(out) {
		t.Errorf("%s: formatting is not idempotent:\n%s", name, firstDiff(string(out), string(again)))
	}
}

// TestFormatCorpus formats every corpus test with Format and FormatSource
// and checks that the result parses into the same tree, formats into
// itself, and (for FormatSource) keeps every comment.
func TestFormatCorpus(t *testing.T) {
	n := 0
	for _, name := range corpusFiles(t) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		f, errs := Parse(name, src)
		if len(errs) > 0 {
			t.Errorf("%v", errs)
			continue
		}
		formatAST := func(s string) []byte {
			g, _ := Parse(name, s)
			return Format(g)
		}
		checkRoundTrip(t, name, src, f, Format(f), formatAST)

		out, errs := FormatSource(name, src)
		if errs.Err() != nil {
			t.Errorf("%v", errs)
			continue
		}
		formatSrc := func(s string) []byte {
			out, _ := FormatSource(name, s)
			return out
		}
		checkRoundTrip(t, name, src, f, out, formatSrc)
		g, _ := Parse(name, string(out))
		if c1, c2 := commentTexts(f, src), commentTexts(g, string(out)); c1 != c2 {
			t.Errorf("%s: comments changed:\n%s", name, firstDiff(c1, c2))
		}
		n++
	}
	t.Logf("formatted %d tests", n)
}

// commentTexts lists the comments and header lines of src, one per line.
func commentTexts(f *File, src string) string {
	header, cmts, _ := scanComments(f, src)
	var b strings.Builder
	for _, h := range header {
		fmt.Fprintf(&b, "header %q\n", h.text)
	}
	for _, c := range cmts {
		fmt.Fprintf(&b, "comment %q\n", c.text)
	}
	return b.String()
}

// TestFormatGolden formats testdata/fmt/*.litmus with FormatSource and
// compares the output with the .golden file next to it; -update rewrites
// the golden files.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "fmt", "*.litmus"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		f, errs := Parse(in, src)
		if len(errs) > 0 {
			t.Errorf("%v", errs)
			continue
		}
		got, errs := FormatSource(in, src)
		if errs.Err() != nil {
			t.Errorf("%v", errs)
			continue
		}
		golden := strings.TrimSuffix(in, ".litmus") + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: output differs from %s:\n%s", in, golden, firstDiff(string(want), string(got)))
		}
		formatSrc := func(s string) []byte {
			out, _ := FormatSource(in, s)
			return out
		}
		checkRoundTrip(t, in, src, f, got, formatSrc)

		// Without comments in the source, Format and FormatSource agree.
		if header, cmts, _ := scanComments(f, src); len(cmts) == 0 && onlyDocAndInfo(header) {
			if plain := Format(f); string(plain) != string(got) {
				t.Errorf("%s: Format and FormatSource differ:\n%s", in, firstDiff(string(got), string(plain)))
			}
		}
	}
}

func onlyDocAndInfo(header []headerItem) bool {
	for _, h := range header {
		if !strings.HasPrefix(h.text, `"`) && !infoLine.MatchString(h.text) {
			return false
		}
	}
	return true
}

func TestFormatSourceErrors(t *testing.T) {
	out, errs := FormatSource("bad.litmus", "C bad\n{\n}\nP0(int *x)\n{\n\tx = ;\n}\nexists (x=1)\n")
	if out != nil || errs.Err() == nil {
		t.Fatalf("FormatSource of a bad test: out %q, errs %v", out, errs)
	}
	if got := errs[0].Error(); !strings.HasPrefix(got, "bad.litmus:6:") {
		t.Errorf("error %q, want it at bad.litmus:6", got)
	}
}

// TestFormatParens checks that Format adds the parentheses C precedence
// and herd's condition grammar need to trees that have no ParenExpr or
// PropParen, as a program might build them.
func TestFormatParens(t *testing.T) {
	id := func(s string) Expr { return &Ident{Name: s} }
	bin := func(op Token, x, y Expr) Expr { return &BinaryExpr{Op: op, X: x, Y: y} }
	un := func(op Token, x Expr) Expr { return &UnaryExpr{Op: op, X: x} }
	lit := func(s string) Expr {
		v, _ := strconv.ParseInt(s, 0, 64)
		return &IntLit{Val: v, Lit: s}
	}
	exprs := []struct {
		e    Expr
		want string
	}{
		{bin(MUL, bin(ADD, id("a"), id("b")), id("c")), "(a + b) * c"},
		{bin(ADD, id("a"), bin(MUL, id("b"), id("c"))), "a + b * c"},
		{bin(SUB, id("a"), bin(SUB, id("b"), id("c"))), "a - (b - c)"},
		{bin(SUB, bin(SUB, id("a"), id("b")), id("c")), "a - b - c"},
		{bin(EQL, bin(AND, id("a"), id("b")), lit("0")), "(a & b) == 0"},
		{bin(AND, id("a"), bin(EQL, id("b"), lit("0"))), "a & b == 0"},
		{un(MUL, bin(ADD, id("x"), lit("1"))), "*(x + 1)"},
		{&IntLit{Val: 1, Lit: "--1"}, "- -1"}, // how the parser folds - -1
		{un(SUB, un(SUB, id("x"))), "- -x"},
		{un(AND, un(AND, id("x"))), "& &x"},
		{un(NOT, bin(EQL, id("a"), id("b"))), "!(a == b)"},
		{&SelectorExpr{X: un(MUL, id("p")), Arrow: true, Field: "f"}, "(*p)->f"},
		{un(MUL, &SelectorExpr{X: id("p"), Arrow: true, Field: "f"}), "*p->f"},
		{&IndexExpr{X: bin(ADD, id("a"), lit("1")), Index: id("i")}, "(a + 1)[i]"},
		{&CastExpr{Type: &TypeSpec{Name: "int", Ptr: 1}, X: bin(ADD, id("p"), lit("1"))}, "(int *)(p + 1)"},
		{&CondExpr{Cond: &CondExpr{Cond: id("a"), X: id("b"), Y: id("c")}, X: id("d"), Y: id("e")}, "(a ? b : c) ? d : e"},
		{&CondExpr{Cond: id("a"), X: id("b"), Y: &CondExpr{Cond: id("c"), X: id("d"), Y: id("e")}}, "a ? b : c ? d : e"},
		{bin(ADD, &CondExpr{Cond: id("a"), X: id("b"), Y: id("c")}, lit("1")), "(a ? b : c) + 1"},
		{&CallExpr{Fun: &Ident{Name: "f"}, Args: []Expr{bin(ADD, id("a"), id("b")), lit("2")}}, "f(a + b, 2)"},
		{&ParenExpr{X: &ParenExpr{X: id("a")}}, "((a))"},
	}
	p := &printer{}
	for _, tt := range exprs {
		if got := p.exprString(tt.e); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
		// The printed form must parse back to the same tree, up to the
		// added parentheses.
		e, errs := ParseExpr("x", p.exprString(tt.e))
		if len(errs) > 0 {
			t.Errorf("%s: %v", tt.want, errs)
			continue
		}
		if d1, d2 := dumpExprNoParen(tt.e), dumpExprNoParen(e); d1 != d2 {
			t.Errorf("%s: reparsed as %s, want %s", tt.want, d2, d1)
		}
	}

	atom := func(name string, v int64) Prop {
		return &PropAtom{Loc: &Loc{Thread: -1, Name: name}, Val: &PropVal{Int: v}}
	}
	pb := func(op Token, l, r Prop) Prop { return &PropBinary{Op: op, L: l, R: r} }
	props := []struct {
		q    Prop
		want string
	}{
		{pb(PAND, pb(POR, atom("a", 1), atom("b", 1)), atom("c", 1)), "exists ((a=1 \\/ b=1) /\\ c=1)"},
		{pb(POR, atom("a", 1), pb(PAND, atom("b", 1), atom("c", 1))), "exists (a=1 \\/ b=1 /\\ c=1)"},
		{pb(IMPLIES, pb(IMPLIES, atom("a", 1), atom("b", 1)), atom("c", 1)), "exists ((a=1 => b=1) => c=1)"},
		{pb(IMPLIES, atom("a", 1), pb(IMPLIES, atom("b", 1), atom("c", 1))), "exists (a=1 => b=1 => c=1)"},
		{pb(IMPLIES, pb(PAND, atom("a", 1), atom("b", 1)), atom("c", 1)), "exists ((a=1 /\\ b=1) => c=1)"},
		{&PropNot{P: pb(POR, atom("a", 1), atom("b", -1))}, "exists (~(a=1 \\/ b=-1))"},
		{&PropParen{P: &PropParen{P: atom("true", 0)}}, "exists ([true]=0)"},
		{&PropConst{Val: true}, "exists (true)"},
	}
	for _, tt := range props {
		f := &File{Arch: "C", Name: "t", Cond: &Cond{Quant: "exists", Prop: tt.q}}
		got := strings.TrimSpace(string(Format(f)))
		got = got[strings.LastIndexByte(got, '\n')+1:]
		if got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

// TestFormatBuilt formats a small tree built by hand, without positions.
func TestFormatBuilt(t *testing.T) {
	x := &Ident{Name: "x"}
	f := &File{
		Arch: "C", Name: "built", Doc: "a doc", Info: []Info{{"Key", "v w"}},
		Init: []*InitItem{
			{Thread: -1, Type: &TypeSpec{Name: "int"}, Name: "x", Value: &IntLit{Val: 1}},
			{Thread: -1, Type: &TypeSpec{Name: "int", Ptr: 1}, Name: "p", Value: &UnaryExpr{Op: AND, X: x}},
			{Thread: 0, Name: "r0", Value: &IntLit{Lit: "2"}},
		},
		Threads: []*FuncDecl{{
			Name: "P0", Thread: 0,
			Params: []*Param{{Type: &TypeSpec{Name: "int", Ptr: 1}, Name: "x"}},
			Body: &BlockStmt{List: []Stmt{
				&DeclStmt{Type: &TypeSpec{Name: "int"}, Specs: []*VarSpec{{Name: "r0"}, {Name: "r1", Ptr: 1, Init: x}}},
				&IfStmt{Cond: x, Then: &ExprStmt{X: &CallExpr{Fun: &Ident{Name: "f"}}},
					Else: &IfStmt{Cond: x, Then: &BranchStmt{Tok: "break"}, Else: &ReturnStmt{}}},
				&LabeledStmt{Label: "out", Stmt: &EmptyStmt{}},
			}},
		}},
		Locations: []*Loc{{Thread: -1, Name: "x"}, {Thread: 0, Name: "r0"}},
		Cond:      &Cond{Quant: "~exists", Prop: &PropAtom{Loc: &Loc{Thread: 0, Name: "r0"}, Neq: true, Val: &PropVal{Loc: &Loc{Thread: -1, Name: "x"}}}},
	}
	want := `C built
"a doc"
Key=v w

{
	int x = 1;
	int *p = &x;
	0:r0 = 2;
}

P0(int *x)
{
	int r0, *r1 = x;
	if (x) {
		f();
	} else if (x) {
		break;
	} else {
		return;
	}
out:
}

locations [x; 0:r0;]
~exists (0:r0!=x)
`
	if got := string(Format(f)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if _, errs := Parse("built", want); len(errs) > 0 {
		t.Errorf("expected output does not parse: %v", errs)
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || i >= len(al) || i >= len(bl) {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, x, y)
		}
	}
	return "(no difference)"
}

// ---- a position-free dump of the tree ----

// dump prints f without positions, normalising what formatting may change
// without changing the meaning: a single statement as the body of if,
// else, while, do or for is shown as a block of one, empty statements are
// left out, a label is shown as a marker before the statement it labels,
// and the parentheses around a whole condition are dropped.
func dump(f *File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file %s %q doc %q\n", f.Arch, f.Name, f.Doc)
	for _, in := range f.Info {
		fmt.Fprintf(&b, "info %q = %q\n", in.Key, in.Value)
	}
	for _, it := range f.Init {
		fmt.Fprintf(&b, "init %s %d %s %s\n", dumpType(it.Type), it.Thread, it.Name, dumpExpr(it.Value))
	}
	for _, fn := range append(append([]*FuncDecl(nil), f.Funcs...), f.Threads...) {
		fmt.Fprintf(&b, "func %s %d %s (", fn.Name, fn.Thread, dumpType(fn.Result))
		for _, prm := range fn.Params {
			fmt.Fprintf(&b, " %s %s", dumpType(prm.Type), prm.Name)
		}
		b.WriteString(" )\n")
		dumpBody(&b, fn.Body, 1)
	}
	for _, l := range f.Locations {
		fmt.Fprintf(&b, "location %s\n", dumpLoc(l))
	}
	if f.Filter != nil {
		fmt.Fprintf(&b, "filter %s\n", dumpProp(stripParens(f.Filter)))
	}
	if f.Cond != nil {
		fmt.Fprintf(&b, "cond %s %s\n", f.Cond.Quant, dumpProp(stripParens(f.Cond.Prop)))
	}
	return b.String()
}

func stripParens(q Prop) Prop {
	for {
		p, ok := q.(*PropParen)
		if !ok {
			return q
		}
		q = p.P
	}
}

func dumpType(t *TypeSpec) string {
	if t == nil {
		return "-"
	}
	return fmt.Sprintf("[%s%s]", t.Name, strings.Repeat("*", t.Ptr))
}

func line(b *strings.Builder, depth int, format string, args ...any) {
	b.WriteString(strings.Repeat("  ", depth))
	fmt.Fprintf(b, format, args...)
	b.WriteByte('\n')
}

// dumpBody dumps a statement used as a body, as a block.
func dumpBody(b *strings.Builder, s Stmt, depth int) {
	if blk, ok := s.(*BlockStmt); ok {
		dumpList(b, blk.List, depth)
		return
	}
	dumpList(b, []Stmt{s}, depth)
}

func dumpList(b *strings.Builder, list []Stmt, depth int) {
	for _, s := range list {
		for {
			l, ok := s.(*LabeledStmt)
			if !ok {
				break
			}
			line(b, depth, "label %s", l.Label)
			s = l.Stmt
		}
		if _, ok := s.(*EmptyStmt); !ok {
			dumpStmt(b, s, depth)
		}
	}
}

func dumpStmt(b *strings.Builder, s Stmt, depth int) {
	switch s := s.(type) {
	case *BlockStmt:
		line(b, depth, "block")
		dumpList(b, s.List, depth+1)
	case *IfStmt:
		line(b, depth, "if %s", dumpExpr(s.Cond))
		dumpBody(b, s.Then, depth+1)
		switch e := s.Else.(type) {
		case nil:
		case *IfStmt:
			line(b, depth, "else")
			dumpStmt(b, e, depth+1)
		default:
			line(b, depth, "else")
			dumpBody(b, e, depth+1)
		}
	case *WhileStmt:
		line(b, depth, "while %s", dumpExpr(s.Cond))
		dumpBody(b, s.Body, depth+1)
	case *DoStmt:
		line(b, depth, "do while %s", dumpExpr(s.Cond))
		dumpBody(b, s.Body, depth+1)
	case *ForStmt:
		line(b, depth, "for %s; %s; %s", dumpSimple(s.Init), dumpExpr(s.Cond), dumpSimple(s.Post))
		dumpBody(b, s.Body, depth+1)
	default:
		line(b, depth, "%s", dumpSimple(s))
	}
}

func dumpSimple(s Stmt) string {
	switch s := s.(type) {
	case nil:
		return "-"
	case *DeclStmt:
		var b strings.Builder
		fmt.Fprintf(&b, "decl %s", dumpType(s.Type))
		for _, v := range s.Specs {
			fmt.Fprintf(&b, " %s%s=%s", strings.Repeat("*", v.Ptr), v.Name, dumpExpr(v.Init))
		}
		return b.String()
	case *ExprStmt:
		return "expr " + dumpExpr(s.X)
	case *AssignStmt:
		return fmt.Sprintf("assign %s %s %s", s.Op, dumpExpr(s.LHS), dumpExpr(s.RHS))
	case *BranchStmt:
		return "branch " + s.Tok + " " + s.Label
	case *ReturnStmt:
		return "return " + dumpExpr(s.X)
	}
	return fmt.Sprintf("?%T", s)
}

func dumpExpr(e Expr) string { return dumpExprMode(e, true) }

// dumpExprNoParen dumps e without its ParenExpr nodes.
func dumpExprNoParen(e Expr) string { return dumpExprMode(e, false) }

func dumpExprMode(e Expr, parens bool) string {
	d := func(e Expr) string { return dumpExprMode(e, parens) }
	switch e := e.(type) {
	case nil:
		return "-"
	case *Ident:
		return e.Name
	case *IntLit:
		return fmt.Sprintf("%d:%s", e.Val, intLit(e))
	case *UnaryExpr:
		return fmt.Sprintf("(%s %s)", e.Op, d(e.X))
	case *BinaryExpr:
		return fmt.Sprintf("(%s %s %s)", e.Op, d(e.X), d(e.Y))
	case *CondExpr:
		return fmt.Sprintf("(? %s %s %s)", d(e.Cond), d(e.X), d(e.Y))
	case *CallExpr:
		args := make([]string, len(e.Args))
		for i, a := range e.Args {
			args[i] = d(a)
		}
		return fmt.Sprintf("(call %s %s)", e.Fun.Name, strings.Join(args, " "))
	case *CastExpr:
		return fmt.Sprintf("(cast %s %s)", dumpType(e.Type), d(e.X))
	case *ParenExpr:
		if !parens {
			return d(e.X)
		}
		return fmt.Sprintf("(paren %s)", d(e.X))
	case *SelectorExpr:
		return fmt.Sprintf("(sel %s %t %s)", d(e.X), e.Arrow, e.Field)
	case *IndexExpr:
		return fmt.Sprintf("(index %s %s)", d(e.X), d(e.Index))
	}
	return fmt.Sprintf("?%T", e)
}

func dumpLoc(l *Loc) string { return fmt.Sprintf("%d:%s", l.Thread, l.Name) }

func dumpProp(q Prop) string {
	switch q := q.(type) {
	case nil:
		return "-"
	case *PropBinary:
		return fmt.Sprintf("(%s %s %s)", q.Op, dumpProp(q.L), dumpProp(q.R))
	case *PropNot:
		return fmt.Sprintf("(~ %s)", dumpProp(q.P))
	case *PropConst:
		return fmt.Sprint(q.Val)
	case *PropParen:
		return fmt.Sprintf("(paren %s)", dumpProp(q.P))
	case *PropAtom:
		v := "-"
		if q.Val != nil {
			v = fmt.Sprint(q.Val.Int)
			if q.Val.Loc != nil {
				v = "&" + dumpLoc(q.Val.Loc)
			}
		}
		return fmt.Sprintf("(atom %s %t %s)", dumpLoc(q.Loc), q.Neq, v)
	}
	return fmt.Sprintf("?%T", q)
}

// FuzzFormat checks, for any text that parses without errors, that
// Format and FormatSource produce text that parses into the same tree and
// formats into itself. The seeds are the golden inputs.
func FuzzFormat(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "fmt", "*.litmus"))
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	// Inputs the fuzzer found problems with.
	f.Add("C 0 {}P0(){0;}(**)")                                  // a non-C comment after a function
	f.Add("C 0 {}P0(int *x){int A;+return;+int_t * x;+if;}")     // keywords and types as expressions
	f.Add("C 0 { (**) int00; (**) int000/**/}\n(**)")            // comments on one line with init items
	f.Add("C 0 {*int = 1; *u8; x_t = 2}P0(){}exists ([true]=1)") // names the parser reads as types
	f.Fuzz(func(t *testing.T, src string) {
		g, errs := Parse("fuzz", src)
		if len(errs) > 0 {
			return
		}
		checkRoundTrip(t, "fuzz", src, g, Format(g), func(s string) []byte {
			h, _ := Parse("fuzz", s)
			return Format(h)
		})
		out, errs := FormatSource("fuzz", src)
		if errs.Err() != nil {
			t.Fatalf("FormatSource: %v", errs)
		}
		checkRoundTrip(t, "fuzz", src, g, out, func(s string) []byte {
			out, _ := FormatSource("fuzz", s)
			return out
		})
	})
}
