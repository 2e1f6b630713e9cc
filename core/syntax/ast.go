package syntax

import "github.com/ptlab/ptlab/core/source"

// File is a parsed litmus test.
type File struct {
	Arch      string // "C"
	Name      string
	NamePos   source.Pos
	Doc       string // optional doc string
	Info      []Info // Key=Value lines between header and init
	Init      []*InitItem
	InitPos   source.Pos  // position of the init section's {
	Funcs     []*FuncDecl // helper functions, in source order
	Threads   []*FuncDecl // P0..Pn, in source order
	Locations []*Loc
	Filter    Prop // nil if absent
	Cond      *Cond
}

// Info is one Key=Value line of the header.
type Info struct {
	Key, Value string
}

// TypeSpec is a C type as written: a base name ("int", "spinlock_t",
// "struct srcu_struct") and a pointer depth.
type TypeSpec struct {
	Pos  source.Pos
	Name string
	Ptr  int
}

// InitItem is one entry of the init section. Thread is -1 for a shared
// location and the thread number for N:reg=value.
type InitItem struct {
	Pos    source.Pos
	Type   *TypeSpec // nil when no type was written
	Thread int
	Name   string
	Index  Expr   // name[Index] = value (an entry of a page table), or nil
	Field  string // name.Field = value (a field of a world object), or ""
	Value  Expr   // nil when uninitialised
}

// FuncDecl is a thread P<n> or a helper function.
type FuncDecl struct {
	Pos    source.Pos
	Name   string
	Thread int       // thread number, or -1 for a helper
	Result *TypeSpec // nil for threads
	Params []*Param
	Body   *BlockStmt
	End    source.Pos // position of the closing }
}

// Param is one function parameter.
type Param struct {
	Pos  source.Pos
	Type *TypeSpec
	Name string
}

// Node is implemented by every statement and expression.
type Node interface{ Start() source.Pos }

// Stmt is a statement.
type Stmt interface {
	Node
	stmt()
}

// Expr is an expression.
type Expr interface {
	Node
	expr()
}

type (
	// BlockStmt is { List }.
	BlockStmt struct {
		Lbrace, Rbrace source.Pos
		List           []Stmt
	}
	// DeclStmt declares locals: int r0, *r1 = x;
	DeclStmt struct {
		Type  *TypeSpec
		Specs []*VarSpec
	}
	// ExprStmt is an expression evaluated for effect: f(x); (void)e;
	ExprStmt struct{ X Expr }
	// AssignStmt is LHS Op RHS, or LHS++ / LHS-- (Op INC/DEC, RHS nil).
	AssignStmt struct {
		OpPos source.Pos
		Op    Token
		LHS   Expr
		RHS   Expr
	}
	// IfStmt is if (Cond) Then [else Else].
	IfStmt struct {
		If   source.Pos
		Cond Expr
		Then Stmt
		Else Stmt // nil
	}
	// WhileStmt is while (Cond) Body.
	WhileStmt struct {
		While source.Pos
		Cond  Expr
		Body  Stmt
	}
	// DoStmt is do Body while (Cond);
	DoStmt struct {
		Do   source.Pos
		Body Stmt
		Cond Expr
	}
	// ForStmt is for (Init; Cond; Post) Body; each part may be nil.
	ForStmt struct {
		For  source.Pos
		Init Stmt
		Cond Expr
		Post Stmt
		Body Stmt
	}
	// BranchStmt is break, continue or goto Label.
	BranchStmt struct {
		Pos   source.Pos
		Tok   string // "break", "continue", "goto"
		Label string
	}
	// LabeledStmt is Label: Stmt.
	LabeledStmt struct {
		Pos   source.Pos
		Label string
		Stmt  Stmt
	}
	// ReturnStmt is return [X];
	ReturnStmt struct {
		Return source.Pos
		X      Expr // nil
	}
	// EmptyStmt is a lone ;
	EmptyStmt struct{ Semi source.Pos }
)

// VarSpec is one declarator of a DeclStmt.
type VarSpec struct {
	Pos  source.Pos
	Name string
	Ptr  int  // extra pointer depth written on this declarator
	Init Expr // nil
}

type (
	// Ident is a name.
	Ident struct {
		Pos  source.Pos
		Name string
	}
	// IntLit is an integer literal.
	IntLit struct {
		Pos source.Pos
		Val int64
		Lit string
	}
	// UnaryExpr is Op X for - ! ~ * &.
	UnaryExpr struct {
		OpPos source.Pos
		Op    Token
		X     Expr
	}
	// BinaryExpr is X Op Y.
	BinaryExpr struct {
		OpPos source.Pos
		Op    Token
		X, Y  Expr
	}
	// CondExpr is Cond ? X : Y.
	CondExpr struct {
		Cond, X, Y Expr
	}
	// CallExpr is Fun(Args).
	CallExpr struct {
		Fun    *Ident
		Lparen source.Pos
		Args   []Expr
	}
	// CastExpr is (Type)X.
	CastExpr struct {
		Lparen source.Pos
		Type   *TypeSpec
		X      Expr
	}
	// ParenExpr is (X), kept so that fmt reproduces the source.
	ParenExpr struct {
		Lparen source.Pos
		X      Expr
	}
	// SelectorExpr is X->Field (Arrow) or X.Field.
	SelectorExpr struct {
		X     Expr
		Arrow bool
		Pos   source.Pos
		Field string
	}
	// IndexExpr is X[Index].
	IndexExpr struct {
		X      Expr
		Lbrack source.Pos
		Index  Expr
	}
)

func (s *BlockStmt) Start() source.Pos   { return s.Lbrace }
func (s *DeclStmt) Start() source.Pos    { return s.Type.Pos }
func (s *ExprStmt) Start() source.Pos    { return s.X.Start() }
func (s *AssignStmt) Start() source.Pos  { return s.LHS.Start() }
func (s *IfStmt) Start() source.Pos      { return s.If }
func (s *WhileStmt) Start() source.Pos   { return s.While }
func (s *DoStmt) Start() source.Pos      { return s.Do }
func (s *ForStmt) Start() source.Pos     { return s.For }
func (s *BranchStmt) Start() source.Pos  { return s.Pos }
func (s *LabeledStmt) Start() source.Pos { return s.Pos }
func (s *ReturnStmt) Start() source.Pos  { return s.Return }
func (s *EmptyStmt) Start() source.Pos   { return s.Semi }

func (*BlockStmt) stmt()   {}
func (*DeclStmt) stmt()    {}
func (*ExprStmt) stmt()    {}
func (*AssignStmt) stmt()  {}
func (*IfStmt) stmt()      {}
func (*WhileStmt) stmt()   {}
func (*DoStmt) stmt()      {}
func (*ForStmt) stmt()     {}
func (*BranchStmt) stmt()  {}
func (*LabeledStmt) stmt() {}
func (*ReturnStmt) stmt()  {}
func (*EmptyStmt) stmt()   {}

func (e *Ident) Start() source.Pos        { return e.Pos }
func (e *IntLit) Start() source.Pos       { return e.Pos }
func (e *UnaryExpr) Start() source.Pos    { return e.OpPos }
func (e *BinaryExpr) Start() source.Pos   { return e.X.Start() }
func (e *CondExpr) Start() source.Pos     { return e.Cond.Start() }
func (e *CallExpr) Start() source.Pos     { return e.Fun.Pos }
func (e *CastExpr) Start() source.Pos     { return e.Lparen }
func (e *ParenExpr) Start() source.Pos    { return e.Lparen }
func (e *SelectorExpr) Start() source.Pos { return e.X.Start() }
func (e *IndexExpr) Start() source.Pos    { return e.X.Start() }

func (*Ident) expr()        {}
func (*IntLit) expr()       {}
func (*UnaryExpr) expr()    {}
func (*BinaryExpr) expr()   {}
func (*CondExpr) expr()     {}
func (*CallExpr) expr()     {}
func (*CastExpr) expr()     {}
func (*ParenExpr) expr()    {}
func (*SelectorExpr) expr() {}
func (*IndexExpr) expr()    {}

// Unparen strips any number of enclosing parentheses.
func Unparen(e Expr) Expr {
	for {
		p, ok := e.(*ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}

// Cond is the final condition: Quant is "exists", "~exists" or "forall".
type Cond struct {
	Pos   source.Pos
	Quant string
	Prop  Prop
}

// Loc names a final-state location: a shared variable (Thread -1) or a
// thread's register N:name.
type Loc struct {
	Pos    source.Pos
	Thread int
	Name   string
}

// Prop is a proposition over the final state.
type Prop interface {
	Node
	prop()
}

type (
	// PropBinary is L /\ R, L \/ R or L => R (Op PAND, POR, IMPLIES).
	PropBinary struct {
		OpPos source.Pos
		Op    Token
		L, R  Prop
	}
	// PropNot is ~P.
	PropNot struct {
		Tilde source.Pos
		P     Prop
	}
	// PropConst is true or false.
	PropConst struct {
		Pos source.Pos
		Val bool
	}
	// PropAtom is Loc = Val or Loc != Val.
	PropAtom struct {
		Loc *Loc
		Neq bool
		Val *PropVal
	}
	// PropParen is ( P ), kept for printing.
	PropParen struct {
		Lparen source.Pos
		P      Prop
	}
)

// PropVal is the right side of an atom: an integer, the address of a
// shared variable (Loc.Thread == -1) or another register (Loc.Thread >= 0).
type PropVal struct {
	Pos source.Pos
	Int int64
	Loc *Loc // nil for an integer
}

func (p *PropBinary) Start() source.Pos { return p.L.Start() }
func (p *PropNot) Start() source.Pos    { return p.Tilde }
func (p *PropConst) Start() source.Pos  { return p.Pos }
func (p *PropAtom) Start() source.Pos   { return p.Loc.Pos }
func (p *PropParen) Start() source.Pos  { return p.Lparen }

func (*PropBinary) prop() {}
func (*PropNot) prop()    {}
func (*PropConst) prop()  {}
func (*PropAtom) prop()   {}
func (*PropParen) prop()  {}
