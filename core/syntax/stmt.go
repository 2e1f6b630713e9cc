package syntax

// parseBlockBody parses { stmts } with { as the current token. onClose,
// if not nil, runs just before the token after } is scanned (the parser
// uses it to leave code mode at the end of a function).
func (p *parser) parseBlockBody(onClose func()) *BlockStmt {
	b := &BlockStmt{Lbrace: p.pos()}
	p.expect(LBRACE)
	for p.tok() != RBRACE && p.tok() != EOF {
		before := p.sc.off
		if s := p.parseStmt(); s != nil {
			b.List = append(b.List, s)
		}
		if p.sc.off == before && p.tok() != RBRACE && p.tok() != EOF {
			p.next() // guarantee progress after an error
		}
	}
	b.Rbrace = p.pos()
	if p.tok() != RBRACE {
		p.errorf(p.pos(), "expected \"}\" to close the block opened at %s, found %s", b.Lbrace, p.describe())
		return b
	}
	if onClose != nil {
		onClose()
	}
	p.next()
	return b
}

func (p *parser) parseStmt() Stmt {
	pos := p.pos()
	switch p.tok() {
	case LBRACE:
		return p.parseBlockBody(nil)
	case SEMI:
		p.next()
		return &EmptyStmt{Semi: pos}
	case IDENT:
		switch p.sc.lit {
		case "if":
			return p.parseIf()
		case "while":
			p.next()
			cond := p.parseParenCond()
			return &WhileStmt{While: pos, Cond: cond, Body: p.parseStmt()}
		case "do":
			p.next()
			body := p.parseStmt()
			if !p.isIdent("while") {
				p.errorf(p.pos(), "expected \"while\" after do body, found %s", p.describe())
				return &DoStmt{Do: pos, Body: body}
			}
			p.next()
			cond := p.parseParenCond()
			p.expectSemi()
			return &DoStmt{Do: pos, Body: body, Cond: cond}
		case "for":
			return p.parseFor()
		case "break", "continue":
			tok := p.sc.lit
			p.next()
			p.expectSemi()
			return &BranchStmt{Pos: pos, Tok: tok}
		case "goto":
			p.next()
			_, label := p.expectIdent()
			p.expectSemi()
			return &BranchStmt{Pos: pos, Tok: "goto", Label: label}
		case "return":
			p.next()
			r := &ReturnStmt{Return: pos}
			if p.tok() != SEMI {
				r.X = p.parseExpr()
			}
			p.expectSemi()
			return r
		case "else":
			p.errorf(pos, "\"else\" without a matching \"if\"")
			p.next()
			return nil
		}
		if t, _ := p.peek(); t == COLON {
			label := p.sc.lit
			p.next()
			p.next()
			if p.tok() == RBRACE {
				return &LabeledStmt{Pos: pos, Label: label, Stmt: &EmptyStmt{Semi: p.pos()}}
			}
			return &LabeledStmt{Pos: pos, Label: label, Stmt: p.parseStmt()}
		}
		if p.startsType() {
			d := p.parseDecl()
			p.expectSemi()
			return d
		}
	}
	s := p.parseSimpleStmt()
	p.expectSemi()
	return s
}

func (p *parser) expectSemi() {
	if p.tok() == SEMI {
		p.next()
		return
	}
	p.errorf(p.pos(), "expected \";\", found %s", p.describe())
	p.skipTo(SEMI, RBRACE)
	if p.tok() == SEMI {
		p.next()
	}
}

func (p *parser) parseParenCond() Expr {
	p.expect(LPAREN)
	e := p.parseExpr()
	p.expect(RPAREN)
	return e
}

func (p *parser) parseIf() Stmt {
	s := &IfStmt{If: p.pos()}
	p.next()
	s.Cond = p.parseParenCond()
	s.Then = p.parseStmt()
	if p.isIdent("else") {
		p.next()
		s.Else = p.parseStmt()
	}
	return s
}

func (p *parser) parseFor() Stmt {
	s := &ForStmt{For: p.pos()}
	p.next()
	p.expect(LPAREN)
	if p.tok() != SEMI {
		if p.startsType() {
			s.Init = p.parseDecl()
		} else {
			s.Init = p.parseSimpleStmt()
		}
	}
	p.expect(SEMI)
	if p.tok() != SEMI {
		s.Cond = p.parseExpr()
	}
	p.expect(SEMI)
	if p.tok() != RPAREN {
		s.Post = p.parseSimpleStmt()
	}
	p.expect(RPAREN)
	s.Body = p.parseStmt()
	return s
}

// parseDecl parses "type declarator {, declarator}".
func (p *parser) parseDecl() *DeclStmt {
	d := &DeclStmt{Type: p.parseType()}
	for {
		v := &VarSpec{}
		for p.tok() == MUL {
			v.Ptr++
			p.next()
		}
		v.Pos, v.Name = p.expectIdent()
		if p.tok() == ASSIGN {
			p.next()
			v.Init = p.parseExpr()
		}
		d.Specs = append(d.Specs, v)
		if p.tok() != COMMA {
			return d
		}
		p.next()
		if d.Type.Ptr > 0 {
			// "int *a, b": b is not a pointer; the star belongs to a.
			d.Specs[0].Ptr += d.Type.Ptr
			d.Type = &TypeSpec{Pos: d.Type.Pos, Name: d.Type.Name}
		}
	}
}

// parseSimpleStmt parses an expression statement, an assignment, or an
// increment/decrement.
func (p *parser) parseSimpleStmt() Stmt {
	if p.tok() == INC || p.tok() == DEC {
		op, pos := p.tok(), p.pos()
		p.next()
		return &AssignStmt{OpPos: pos, Op: op, LHS: p.parseUnary()}
	}
	x := p.parseExpr()
	switch t := p.tok(); {
	case t == ASSIGN:
		pos := p.pos()
		p.next()
		return &AssignStmt{OpPos: pos, Op: ASSIGN, LHS: x, RHS: p.parseExpr()}
	case t == INC || t == DEC:
		pos := p.pos()
		p.next()
		return &AssignStmt{OpPos: pos, Op: t, LHS: x}
	default:
		if _, ok := t.AssignBase(); ok {
			pos := p.pos()
			p.next()
			return &AssignStmt{OpPos: pos, Op: t, LHS: x, RHS: p.parseExpr()}
		}
	}
	return &ExprStmt{X: x}
}
