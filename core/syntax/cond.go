package syntax

// parseFinal parses the final section: [locations [...]] [filter P]
// condition, where the condition is exists P, ~exists P, not exists P,
// forall P, final P, or a bare (P) read as exists.
func (p *parser) parseFinal(f *File) {
	if p.isIdent("locations") {
		p.next()
		f.Locations = p.parseLocList()
	}
	if p.isIdent("filter") {
		p.next()
		f.Filter = p.parseProp()
	}
	if p.tok() == EOF {
		return // no condition: herd reads it as exists true
	}
	c := &Cond{Pos: p.pos()}
	switch {
	case p.isIdent("exists"), p.isIdent("final"):
		c.Quant = "exists"
		p.next()
	case p.isIdent("forall"):
		c.Quant = "forall"
		p.next()
	case p.tok() == TILDE || p.isIdent("not"):
		if t, lit := p.peek(); t == IDENT && lit == "exists" {
			c.Quant = "~exists"
			p.next()
			p.next()
		}
	case p.tok() == LPAREN:
		c.Quant = "exists"
	}
	if c.Quant == "" {
		p.errorf(p.pos(), "expected the final condition (exists, ~exists or forall), found %s", p.describe())
		return
	}
	c.Prop = p.parseProp()
	f.Cond = c
	if p.isIdent("with") {
		for p.tok() != EOF {
			p.next()
		}
	}
	if p.tok() != EOF {
		p.errorf(p.pos(), "unexpected %s after the final condition", p.describe())
	}
}

func (p *parser) parseLocList() []*Loc {
	var locs []*Loc
	p.expect(LBRACK)
	for p.tok() != RBRACK && p.tok() != EOF {
		if p.tok() == SEMI {
			p.next()
			continue
		}
		locs = append(locs, p.parseLoc())
		if p.tok() != SEMI && p.tok() != RBRACK {
			p.errorf(p.pos(), "expected \";\" or \"]\" in locations, found %s", p.describe())
			p.skipTo(RBRACK)
		}
	}
	p.expect(RBRACK)
	return locs
}

// parseLoc parses x, [x] or N:reg.
func (p *parser) parseLoc() *Loc {
	l := &Loc{Pos: p.pos(), Thread: -1}
	switch p.tok() {
	case INT:
		l.Thread = int(p.sc.ival)
		p.next()
		p.expect(COLON)
		_, l.Name = p.expectIdent()
	case LBRACK:
		p.next()
		_, l.Name = p.expectIdent()
		p.expect(RBRACK)
	default:
		_, l.Name = p.expectIdent()
	}
	return l
}

// Proposition precedence, loosest first: \/, /\, =>, ~.
func (p *parser) parseProp() Prop {
	x := p.parsePropAnd()
	for p.tok() == POR {
		pos := p.pos()
		p.next()
		x = &PropBinary{OpPos: pos, Op: POR, L: x, R: p.parsePropAnd()}
	}
	return x
}

func (p *parser) parsePropAnd() Prop {
	x := p.parsePropImpl()
	for p.tok() == PAND {
		pos := p.pos()
		p.next()
		x = &PropBinary{OpPos: pos, Op: PAND, L: x, R: p.parsePropImpl()}
	}
	return x
}

func (p *parser) parsePropImpl() Prop {
	x := p.parsePropNot()
	if p.tok() == IMPLIES {
		pos := p.pos()
		p.next()
		return &PropBinary{OpPos: pos, Op: IMPLIES, L: x, R: p.parsePropImpl()}
	}
	return x
}

func (p *parser) parsePropNot() Prop {
	pos := p.pos()
	if p.tok() == TILDE || p.isIdent("not") {
		p.next()
		return &PropNot{Tilde: pos, P: p.parsePropNot()}
	}
	switch {
	case p.tok() == LPAREN:
		p.next()
		x := p.parseProp()
		p.expect(RPAREN)
		return &PropParen{Lparen: pos, P: x}
	case p.isIdent("true"), p.isIdent("false"):
		v := p.sc.lit == "true"
		p.next()
		return &PropConst{Pos: pos, Val: v}
	case p.tok() == IDENT || p.tok() == INT || p.tok() == LBRACK:
		return p.parseAtom()
	}
	p.errorf(pos, "expected a condition atom such as \"x=1\" or \"0:r0=1\", found %s", p.describe())
	p.next()
	return &PropConst{Pos: pos, Val: false}
}

func (p *parser) parseAtom() Prop {
	a := &PropAtom{Loc: p.parseLoc()}
	switch p.tok() {
	case ASSIGN, EQL:
	case NEQ:
		a.Neq = true
	default:
		p.errorf(p.pos(), "expected \"=\" after %s in the condition, found %s", a.Loc.Name, p.describe())
		return a
	}
	p.next()
	v := &PropVal{Pos: p.pos()}
	switch p.tok() {
	case SUB:
		p.next()
		if p.tok() != INT {
			p.errorf(p.pos(), "expected integer after \"-\", found %s", p.describe())
		}
		v.Int = -p.sc.ival
		p.next()
	case INT:
		if t, _ := p.peek(); t == COLON {
			v.Loc = p.parseLoc()
		} else {
			v.Int = p.sc.ival
			p.next()
		}
	case IDENT, LBRACK:
		v.Loc = p.parseLoc()
	default:
		p.errorf(p.pos(), "expected a value after \"=\", found %s", p.describe())
	}
	a.Val = v
	return a
}
