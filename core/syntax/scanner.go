package syntax

import (
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/source"
)

// scanner turns source text into tokens on demand. herd7 cuts a litmus
// file into regions with different comment syntax (herdtools7
// lib/splitter.mll): OCaml (* ... *) comments outside thread code, C
// comments inside it. The parser switches codeMode when it enters and
// leaves a function body; outside function bodies both styles are
// accepted, because (* never starts C syntax there.
type scanner struct {
	src      string
	off      int // offset of the next unread byte
	line     int32
	lineOff  int // offset of the start of the current line
	codeMode bool
	errh     func(pos source.Pos, msg string)

	// The current token.
	tok  Token
	pos  source.Pos
	lit  string // identifier text, number text, string contents
	ival int64  // value of an INT
}

func (s *scanner) init(src string, errh func(source.Pos, string)) {
	s.src = src
	s.line = 1
	s.errh = errh
}

func (s *scanner) posAt(off int) source.Pos {
	return source.Pos{Line: s.line, Col: int32(off-s.lineOff) + 1}
}

func (s *scanner) peekByte(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// skipSpace skips white space and comments.
func (s *scanner) skipSpace() {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == '\n':
			s.off++
			s.line++
			s.lineOff = s.off
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.off++
		case c == '/' && s.peekByte(1) == '/':
			for s.off < len(s.src) && s.src[s.off] != '\n' {
				s.off++
			}
		case c == '/' && s.peekByte(1) == '*':
			s.skipBlockComment("/*", "*/")
		case c == '(' && s.peekByte(1) == '*' && !s.codeMode:
			s.skipBlockComment("(*", "*)")
		default:
			return
		}
	}
}

// skipBlockComment skips a comment opened by open; OCaml comments nest.
func (s *scanner) skipBlockComment(open, close string) {
	start := s.posAt(s.off)
	s.off += 2
	depth := 1
	for s.off < len(s.src) {
		switch {
		case strings.HasPrefix(s.src[s.off:], close):
			s.off += 2
			depth--
			if depth == 0 {
				return
			}
		case open == "(*" && strings.HasPrefix(s.src[s.off:], open):
			s.off += 2
			depth++
		case s.src[s.off] == '\n':
			s.off++
			s.line++
			s.lineOff = s.off
		default:
			s.off++
		}
	}
	s.errh(start, "comment not terminated")
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// next scans the next token into s.tok, s.pos, s.lit and s.ival.
func (s *scanner) next() {
	s.skipSpace()
	s.pos = s.posAt(s.off)
	s.lit = ""
	if s.off >= len(s.src) {
		s.tok = EOF
		return
	}
	c := s.src[s.off]
	switch {
	case isLetter(c):
		start := s.off
		for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
			s.off++
		}
		s.tok, s.lit = IDENT, s.src[start:s.off]
		return
	case isDigit(c):
		s.number()
		return
	case c == '"':
		s.string()
		return
	}
	s.off++
	s.tok = s.operator(c)
}

func (s *scanner) number() {
	start := s.off
	for s.off < len(s.src) && (isLetter(s.src[s.off]) || isDigit(s.src[s.off])) {
		s.off++
	}
	text := s.src[start:s.off]
	s.tok, s.lit = INT, text
	digits := strings.TrimRight(text, "uUlL")
	v, err := strconv.ParseInt(digits, 0, 64)
	if err != nil {
		u, uerr := strconv.ParseUint(digits, 0, 64)
		if uerr != nil {
			s.errh(s.pos, "malformed integer "+strconv.Quote(text))
		}
		v = int64(u)
	}
	s.ival = v
}

func (s *scanner) string() {
	s.off++ // opening quote
	start := s.off
	for s.off < len(s.src) && s.src[s.off] != '"' {
		if s.src[s.off] == '\n' {
			s.line++
			s.lineOff = s.off + 1
		}
		s.off++
	}
	s.tok, s.lit = STRING, s.src[start:min(s.off, len(s.src))]
	if s.off >= len(s.src) {
		s.errh(s.pos, "string not terminated")
		return
	}
	s.off++
}

// operator scans punctuation starting with c (already consumed).
func (s *scanner) operator(c byte) Token {
	two := func(next byte, yes, no Token) Token {
		if s.peekByte(0) == next {
			s.off++
			return yes
		}
		return no
	}
	switch c {
	case '(':
		return LPAREN
	case ')':
		return RPAREN
	case '{':
		return LBRACE
	case '}':
		return RBRACE
	case '[':
		return LBRACK
	case ']':
		return RBRACK
	case ';':
		return SEMI
	case ',':
		return COMMA
	case ':':
		return COLON
	case '?':
		return QUESTION
	case '.':
		return DOT
	case '~':
		return TILDE
	case '\\':
		return two('/', POR, ILLEGAL)
	case '=':
		if s.peekByte(0) == '>' {
			s.off++
			return IMPLIES
		}
		return two('=', EQL, ASSIGN)
	case '!':
		return two('=', NEQ, NOT)
	case '+':
		if s.peekByte(0) == '+' {
			s.off++
			return INC
		}
		return two('=', ADD_ASSIGN, ADD)
	case '-':
		switch s.peekByte(0) {
		case '-':
			s.off++
			return DEC
		case '>':
			s.off++
			return ARROW
		}
		return two('=', SUB_ASSIGN, SUB)
	case '*':
		return two('=', MUL_ASSIGN, MUL)
	case '/':
		if s.peekByte(0) == '\\' {
			s.off++
			return PAND
		}
		return two('=', QUO_ASSIGN, QUO)
	case '%':
		return two('=', REM_ASSIGN, REM)
	case '^':
		return two('=', XOR_ASSIGN, XOR)
	case '&':
		if s.peekByte(0) == '&' {
			s.off++
			return LAND
		}
		return two('=', AND_ASSIGN, AND)
	case '|':
		if s.peekByte(0) == '|' {
			s.off++
			return LOR
		}
		return two('=', OR_ASSIGN, OR)
	case '<':
		switch s.peekByte(0) {
		case '<':
			s.off++
			return two('=', SHL_ASSIGN, SHL)
		case '>':
			s.off++
			return NEQ
		}
		return two('=', LEQ, LSS)
	case '>':
		if s.peekByte(0) == '>' {
			s.off++
			return two('=', SHR_ASSIGN, SHR)
		}
		return two('=', GEQ, GTR)
	}
	s.lit = string(rune(c))
	return ILLEGAL
}

// rawWord scans a run of non-space characters (a herd7 test name such as
// auto/C-RW-G+RW-R) starting at the current offset.
func (s *scanner) rawWord() (source.Pos, string) {
	for s.off < len(s.src) && (s.src[s.off] == ' ' || s.src[s.off] == '\t') {
		s.off++
	}
	pos := s.posAt(s.off)
	start := s.off
	for s.off < len(s.src) && !strings.ContainsRune(" \t\r\n", rune(s.src[s.off])) {
		s.off++
	}
	return pos, s.src[start:s.off]
}

// restOfLine returns the text up to the end of the current line.
func (s *scanner) restOfLine() string {
	start := s.off
	for s.off < len(s.src) && s.src[s.off] != '\n' {
		s.off++
	}
	return strings.TrimSpace(s.src[start:s.off])
}
