package syntax

// precedence returns the binary precedence of t (higher binds tighter),
// or 0 if t is not a binary operator. C's table.
func precedence(t Token) int {
	switch t {
	case LOR:
		return 1
	case LAND:
		return 2
	case OR:
		return 3
	case XOR:
		return 4
	case AND:
		return 5
	case EQL, NEQ:
		return 6
	case LSS, GTR, LEQ, GEQ:
		return 7
	case SHL, SHR:
		return 8
	case ADD, SUB:
		return 9
	case MUL, QUO, REM:
		return 10
	}
	return 0
}

func (p *parser) parseExpr() Expr {
	x := p.parseBinary(1)
	if p.tok() == QUESTION {
		p.next()
		then := p.parseExpr()
		p.expect(COLON)
		return &CondExpr{Cond: x, X: then, Y: p.parseExpr()}
	}
	return x
}

func (p *parser) parseBinary(prec int) Expr {
	x := p.parseUnary()
	for {
		op := p.tok()
		oprec := precedence(op)
		if oprec < prec {
			return x
		}
		pos := p.pos()
		p.next()
		y := p.parseBinary(oprec + 1)
		x = &BinaryExpr{OpPos: pos, Op: op, X: x, Y: y}
	}
}

func (p *parser) parseUnary() Expr {
	pos := p.pos()
	switch t := p.tok(); t {
	case SUB, NOT, TILDE, MUL, AND, ADD:
		p.next()
		x := p.parseUnary()
		if t == ADD {
			return x
		}
		if lit, ok := x.(*IntLit); ok && t == SUB {
			return &IntLit{Pos: pos, Val: -lit.Val, Lit: "-" + lit.Lit}
		}
		return &UnaryExpr{OpPos: pos, Op: t, X: x}
	case LPAREN:
		if t2, lit := p.peek(); t2 == IDENT && isTypeName(lit) {
			saved := p.sc
			p.next()
			if p.startsType() {
				typ := p.parseType()
				p.expect(RPAREN)
				return &CastExpr{Lparen: pos, Type: typ, X: p.parseUnary()}
			}
			p.sc = saved
		}
	}
	return p.parsePostfix(p.parsePrimary())
}

func (p *parser) parsePrimary() Expr {
	pos := p.pos()
	switch p.tok() {
	case IDENT:
		name := p.sc.lit
		p.next()
		return &Ident{Pos: pos, Name: name}
	case INT:
		lit := &IntLit{Pos: pos, Val: p.sc.ival, Lit: p.sc.lit}
		p.next()
		return lit
	case LPAREN:
		p.next()
		x := p.parseExpr()
		p.expect(RPAREN)
		return &ParenExpr{Lparen: pos, X: x}
	}
	p.errorf(pos, "expected expression, found %s", p.describe())
	return &IntLit{Pos: pos, Lit: "0"}
}

func (p *parser) parsePostfix(x Expr) Expr {
	for {
		switch p.tok() {
		case LPAREN:
			id, ok := x.(*Ident)
			if !ok {
				p.errorf(p.pos(), "only named functions can be called")
				id = &Ident{Pos: x.Start(), Name: "_"}
			}
			call := &CallExpr{Fun: id, Lparen: p.pos()}
			p.next()
			for p.tok() != RPAREN && p.tok() != EOF {
				call.Args = append(call.Args, p.parseExpr())
				if p.tok() != COMMA {
					break
				}
				p.next()
			}
			p.expect(RPAREN)
			x = call
		case LBRACK:
			pos := p.pos()
			p.next()
			idx := p.parseExpr()
			p.expect(RBRACK)
			x = &IndexExpr{X: x, Lbrack: pos, Index: idx}
		case ARROW, DOT:
			arrow := p.tok() == ARROW
			p.next()
			pos, name := p.expectIdent()
			x = &SelectorExpr{X: x, Arrow: arrow, Pos: pos, Field: name}
		default:
			return x
		}
	}
}
