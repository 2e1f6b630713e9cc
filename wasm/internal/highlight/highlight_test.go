package highlight

import (
	"fmt"
	"strings"
	"testing"
)

func show(toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.Class == Plain {
			b.WriteString(t.Text)
		} else {
			fmt.Fprintf(&b, "<%s>%s</>", t.Class, t.Text)
		}
	}
	return b.String()
}

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		st   State
		want string
		end  bool
	}{
		{"P0() { x(*p); }", State{}, "<th>P0</>() { <fn>x</>(*p); }", false},
		{"C SB+locks", State{}, "<kw>C</> SB+locks", false},
		{"P0(int *x, spinlock_t *l)", State{}, "<th>P0</>(<ty>int</> *x, <ty>spinlock_t</> *l)", false},
		{"\tr0 = READ_ONCE(*y); // read", State{Depth: 1}, "\tr0 = <fn>READ_ONCE</>(*y); <cm>// read</>", false},
		{"\tif (x == 0x1f) goto again;", State{}, "\t<kw>if</> (x == <nu>0x1f</>) <kw>goto</> again;", false},
		{"exists (0:r0=0 /\\ 1:r0=0)", State{}, "<kw>exists</> (<nu>0</>:r0=<nu>0</> <op>/\\</> <nu>1</>:r0=<nu>0</>)", false},
		{"~exists (x=1 \\/ y=2)", State{}, "<kw>~exists</> (x=<nu>1</> <op>\\/</> y=<nu>2</>)", false},
		{"\"doc \\\" string\" rest", State{}, "<st>\"doc \\\" string\"</> rest", false},
		{"a /* open", State{}, "a <cm>/* open</>", true},
		{"still */ b", State{InComment: true}, "<cm>still */</> b", false},
		{"all comment", State{InComment: true}, "<cm>all comment</>", true},
		{"(* herd comment", State{}, "<cm>(* herd comment</>", true},
		{" * still */ here *) x", State{InComment: true, Paren: true}, "<cm> * still */ here *)</> x", false},
		{"f(*p)", State{Depth: 1}, "<fn>f</>(*p)", false},
		{"x = é <img src=x>;", State{}, "x = é <img src=x>;", false},
		{"\"unterminated", State{}, "<st>\"unterminated</>", false},
	} {
		toks, end := Line(tc.in, tc.st)
		if got := show(toks); got != tc.want || end.InComment != tc.end || end.Depth != tc.st.Depth && !strings.ContainsAny(tc.in, "{}") {
			t.Errorf("Line(%q, %+v) =\n  %s (in comment at end: %v)\nwant\n  %s (%v)", tc.in, tc.st, got, end.InComment, tc.want, tc.end)
		}
	}
}

func TestLinesRoundTrip(t *testing.T) {
	src := "C t\n/* a\n b */\n(* c\n *)\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n"
	lines, starts := Lines(src)
	var parts []string
	for _, l := range lines {
		var b strings.Builder
		for _, tok := range l {
			b.WriteString(tok.Text)
		}
		parts = append(parts, b.String())
	}
	if got := strings.Join(parts, "\n"); got != src {
		t.Errorf("tokens concatenate to %q, want %q", got, src)
	}
	if !starts[2].InComment || starts[3].InComment || !starts[4].Paren || starts[5].InComment || starts[7].Depth != 1 || starts[9].Depth != 0 {
		t.Errorf("line start states = %+v", starts)
	}
}

func TestMark(t *testing.T) {
	line := "\tWRITE_ONCE(*x, 1"
	toks, _ := Line(line, State{Depth: 1})
	for _, tc := range []struct {
		col  int
		want string
	}{
		{2, "\t<er>WRITE_ONCE</>(*x, <nu>1</>"},
		{13, "\t<fn>WRITE_ONCE</>(<er>*</>x, <nu>1</>"},
		{18, "\t<fn>WRITE_ONCE</>(*x, <nu>1</><er> </>"}, // past the end
		{0, "\t<fn>WRITE_ONCE</>(*x, <nu>1</>"},
	} {
		if got := show(Mark(toks, tc.col)); got != tc.want {
			t.Errorf("Mark(col %d) = %s, want %s", tc.col, got, tc.want)
		}
	}
	u, _ := Line("x=é;", State{})
	if got := show(Mark(u, 4)); got != "x=<er>é</>;" {
		t.Errorf("Mark inside a UTF-8 sequence: %s", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("P0(int *x) { /* c */ r0 = READ_ONCE(*x); } \"s\" /\\", false)
	f.Fuzz(func(t *testing.T, s string, inComment bool) {
		if strings.Contains(s, "\n") {
			return
		}
		toks, _ := Line(s, State{InComment: inComment})
		var b strings.Builder
		for _, tok := range toks {
			if tok.Text == "" {
				t.Fatalf("empty token in %q", s)
			}
			b.WriteString(tok.Text)
		}
		if b.String() != s {
			t.Fatalf("tokens of %q concatenate to %q", s, b.String())
		}
		for col := 0; col <= len(s)+1; col++ {
			var m strings.Builder
			for _, tok := range Mark(toks, col) {
				m.WriteString(tok.Text)
			}
			if got := m.String(); got != s && got != s+" " {
				t.Fatalf("Mark(%q, %d) changed the text to %q", s, col, got)
			}
		}
	})
}
