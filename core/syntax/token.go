package syntax

// Token is a lexical token kind.
type Token uint8

// The token kinds. Keywords are scanned as IDENT and recognised by the
// parser, because herd7 test names and info keys reuse them freely.
const (
	EOF Token = iota
	ILLEGAL
	IDENT  // main, r0, spin_lock
	INT    // 42, 0x2a, -1 in init sections
	STRING // "doc string"

	LPAREN   // (
	RPAREN   // )
	LBRACE   // {
	RBRACE   // }
	LBRACK   // [
	RBRACK   // ]
	SEMI     // ;
	COMMA    // ,
	COLON    // :
	QUESTION // ?
	DOT      // .
	ARROW    // ->

	ASSIGN // =
	EQL    // ==
	NEQ    // != or <>
	LSS    // <
	GTR    // >
	LEQ    // <=
	GEQ    // >=

	ADD   // +
	SUB   // -
	MUL   // *
	QUO   // /
	REM   // %
	AND   // &
	OR    // |
	XOR   // ^
	SHL   // <<
	SHR   // >>
	TILDE // ~
	NOT   // !
	LAND  // &&
	LOR   // ||
	INC   // ++
	DEC   // --

	ADD_ASSIGN // +=
	SUB_ASSIGN // -=
	MUL_ASSIGN // *=
	QUO_ASSIGN // /=
	REM_ASSIGN // %=
	AND_ASSIGN // &=
	OR_ASSIGN  // |=
	XOR_ASSIGN // ^=
	SHL_ASSIGN // <<=
	SHR_ASSIGN // >>=

	PAND    // /\ (herd conjunction)
	POR     // \/ (herd disjunction)
	IMPLIES // =>

	numTokens
)

var tokenNames = [...]string{
	EOF:        "end of file",
	ILLEGAL:    "illegal character",
	IDENT:      "identifier",
	INT:        "integer",
	STRING:     "string",
	LPAREN:     "(",
	RPAREN:     ")",
	LBRACE:     "{",
	RBRACE:     "}",
	LBRACK:     "[",
	RBRACK:     "]",
	SEMI:       ";",
	COMMA:      ",",
	COLON:      ":",
	QUESTION:   "?",
	DOT:        ".",
	ARROW:      "->",
	ASSIGN:     "=",
	EQL:        "==",
	NEQ:        "!=",
	LSS:        "<",
	GTR:        ">",
	LEQ:        "<=",
	GEQ:        ">=",
	ADD:        "+",
	SUB:        "-",
	MUL:        "*",
	QUO:        "/",
	REM:        "%",
	AND:        "&",
	OR:         "|",
	XOR:        "^",
	SHL:        "<<",
	SHR:        ">>",
	TILDE:      "~",
	NOT:        "!",
	LAND:       "&&",
	LOR:        "||",
	INC:        "++",
	DEC:        "--",
	ADD_ASSIGN: "+=",
	SUB_ASSIGN: "-=",
	MUL_ASSIGN: "*=",
	QUO_ASSIGN: "/=",
	REM_ASSIGN: "%=",
	AND_ASSIGN: "&=",
	OR_ASSIGN:  "|=",
	XOR_ASSIGN: "^=",
	SHL_ASSIGN: "<<=",
	SHR_ASSIGN: ">>=",
	PAND:       `/\`,
	POR:        `\/`,
	IMPLIES:    "=>",
}

func (t Token) String() string {
	if int(t) < len(tokenNames) {
		return tokenNames[t]
	}
	return "token?"
}

// AssignBase returns the binary operator of a compound assignment
// (ADD for ADD_ASSIGN) and false for any other token.
func (t Token) AssignBase() (Token, bool) {
	if t >= ADD_ASSIGN && t <= SHR_ASSIGN {
		return [...]Token{ADD, SUB, MUL, QUO, REM, AND, OR, XOR, SHL, SHR}[t-ADD_ASSIGN], true
	}
	return 0, false
}
