// Package highlight splits a litmus script into classed tokens for the
// editor's syntax colouring, line by line, so the page can redraw only the
// lines that changed. It never fails: any byte sequence is split into
// tokens whose texts concatenate back to the input.
package highlight

import "strings"

// Token classes. "" is plain text (identifiers, punctuation, spaces).
const (
	Plain    = ""
	Comment  = "cm"
	Keyword  = "kw" // C keywords and the final clause's words
	Type     = "ty" // C and kernel types
	Number   = "nu"
	String   = "st" // the doc string
	Func     = "fn" // an identifier called: primitive, prelude or helper
	Thread   = "th" // P0, P1, ... at the start of a thread
	Operator = "op" // /\ \/ ~ and the like
	Error    = "er" // added by Mark at a diagnostic's column
)

// Token is a run of text of one class.
type Token struct {
	Class string
	Text  string
}

// State is what a line's tokens depend on from the lines before it.
type State struct {
	InComment bool // inside a /* */ comment, or a (* *) one when Paren
	Paren     bool
	Depth     int // brace depth: (* starts a comment only outside braces, as herd's splitter has it
}

var keywords = set("if else while for do return goto break continue switch case default sizeof exists forall final locations filter true false")

var types = set("int char short long unsigned signed void const volatile static struct union enum bool " +
	"spinlock_t atomic_t atomic_long_t rwlock_t rw_semaphore srcu_struct mm_struct vm_area_struct " +
	"pte_t pmd_t pud_t pgd_t pte_table_t pmd_table_t pgtable_t unsigned_long u8 u16 u32 u64 s8 s16 s32 s64 uintptr_t intptr_t")

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Line splits one line (without its newline) given the state at its
// start, and returns the state at its end.
func Line(text string, st State) ([]Token, State) {
	var out []Token
	add := func(class, s string) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Class == class {
			out[n-1].Text += s
			return
		}
		out = append(out, Token{class, s})
	}
	i := 0
	for i < len(text) {
		if st.InComment {
			closer := "*/"
			if st.Paren {
				closer = "*)"
			}
			end := strings.Index(text[i:], closer)
			if end < 0 {
				add(Comment, text[i:])
				return out, st
			}
			add(Comment, text[i:i+end+2])
			i += end + 2
			st.InComment, st.Paren = false, false
			continue
		}
		c := text[i]
		switch {
		case strings.HasPrefix(text[i:], "//"):
			add(Comment, text[i:])
			return out, st
		case strings.HasPrefix(text[i:], "/*"):
			st.InComment = true
			add(Comment, "/*")
			i += 2
		case strings.HasPrefix(text[i:], "(*") && st.Depth == 0:
			// herd's OCaml-style comments, as in the kernel's litmus
			// tests; inside code, "(*" is C (READ_ONCE(*x)).
			st.InComment, st.Paren = true, true
			add(Comment, "(*")
			i += 2
		case c == '"':
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' && j+1 < len(text) {
					j++
				}
				j++
			}
			j = min(j+1, len(text))
			add(String, text[i:j])
			i = j
		case isDigit(c):
			j := i + 1
			for j < len(text) && (isIdent(text[j])) {
				j++
			}
			add(Number, text[i:j])
			i = j
		case isIdentStart(c):
			j := i + 1
			for j < len(text) && isIdent(text[j]) {
				j++
			}
			word := text[i:j]
			add(wordClass(text, i, j, word), word)
			i = j
		case strings.HasPrefix(text[i:], `/\`), strings.HasPrefix(text[i:], `\/`):
			add(Operator, text[i:i+2])
			i += 2
		case c == '~' && strings.HasPrefix(strings.TrimLeft(text[i+1:], " \t"), "exists"):
			add(Keyword, "~")
			i++
		case c == '{' || c == '}':
			if c == '{' {
				st.Depth++
			} else if st.Depth > 0 {
				st.Depth--
			}
			add(Plain, text[i:i+1])
			i++
		default:
			// One UTF-8 sequence or ASCII byte of plain text.
			j := i + 1
			for j < len(text) && text[j] >= 0x80 && text[j] < 0xC0 {
				j++
			}
			add(Plain, text[i:j])
			i = j
		}
	}
	return out, st
}

// wordClass classifies the identifier text[i:j].
func wordClass(text string, i, j int, word string) string {
	switch {
	case keywords[word]:
		return Keyword
	case types[word]:
		return Type
	case i == 0 && word == "C":
		return Keyword
	case i == 0 && len(word) > 1 && word[0] == 'P' && allDigits(word[1:]):
		return Thread
	}
	rest := strings.TrimLeft(text[j:], " \t")
	if strings.HasPrefix(rest, "(") {
		return Func
	}
	return Plain
}

func allDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || isDigit(c) }

// Lines splits a whole script, returning each line's tokens and the state
// at the start of each line.
func Lines(src string) (lines [][]Token, starts []State) {
	var st State
	for _, l := range strings.Split(src, "\n") {
		starts = append(starts, st)
		var toks []Token
		toks, st = Line(l, st)
		lines = append(lines, toks)
	}
	return lines, starts
}

// Mark returns toks with the text from byte column col (1-based) to the
// end of the token holding it in class Error, so the editor can underline
// a diagnostic's spot. A column past the end of the line marks a space
// appended to it, so an error at the end of a line is still visible.
func Mark(toks []Token, col int) []Token {
	if col < 1 {
		return toks
	}
	var out []Token
	off := 0
	marked := false
	for _, t := range toks {
		start, end := off, off+len(t.Text)
		off = end
		if marked || col-1 < start || col-1 >= end {
			out = append(out, t)
			continue
		}
		k := col - 1 - start
		for k > 0 && k < len(t.Text) && t.Text[k] >= 0x80 && t.Text[k] < 0xC0 {
			k-- // keep UTF-8 sequences whole
		}
		if k > 0 {
			out = append(out, Token{t.Class, t.Text[:k]})
		}
		mark := t.Text[k:]
		if t.Class == Plain || t.Class == Comment {
			// Plain runs can be long; underline one character.
			n := 1
			for n < len(mark) && mark[n] >= 0x80 && mark[n] < 0xC0 {
				n++
			}
			out = append(out, Token{Error, mark[:n]})
			if n < len(mark) {
				out = append(out, Token{t.Class, mark[n:]})
			}
		} else {
			out = append(out, Token{Error, mark})
		}
		marked = true
	}
	if !marked {
		out = append(out, Token{Error, " "})
	}
	return out
}
