package compile

import (
	"fmt"
	"strings"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

// State is a final state as a proposition sees it.
type State interface {
	Mem(shared int) machine.Value // the value of shared variable Addrs[shared]
	Reg(thread, slot int) machine.Value
}

// Prop is a compiled proposition over a final state.
type Prop interface {
	Eval(s State) bool
}

type (
	propAnd   struct{ l, r Prop }
	propOr    struct{ l, r Prop }
	propImpl  struct{ l, r Prop }
	propNot   struct{ p Prop }
	propConst bool
	propAtom  struct {
		loc Loc
		neq bool
		val machine.Value
		reg *Loc // compare with another register
	}
)

func (p propAnd) Eval(s State) bool  { return p.l.Eval(s) && p.r.Eval(s) }
func (p propOr) Eval(s State) bool   { return p.l.Eval(s) || p.r.Eval(s) }
func (p propImpl) Eval(s State) bool { return !p.l.Eval(s) || p.r.Eval(s) }
func (p propNot) Eval(s State) bool  { return !p.p.Eval(s) }
func (p propConst) Eval(State) bool  { return bool(p) }

func (p propAtom) Eval(s State) bool {
	v := p.loc.Value(s)
	want := p.val
	if p.reg != nil {
		want = p.reg.Value(s)
	}
	return (v == want) != p.neq
}

// Value reads the location in a final state.
func (l Loc) Value(s State) machine.Value {
	if l.Thread < 0 {
		return s.Mem(l.Obj)
	}
	return s.Reg(l.Thread, l.Slot)
}

// prop compiles a proposition; seen, if not nil, is told every location
// the proposition reads (herd prints them in each final state).
func (c *compiler) prop(p syntax.Prop, seen func(Loc)) Prop {
	switch p := p.(type) {
	case *syntax.PropParen:
		return c.prop(p.P, seen)
	case *syntax.PropNot:
		return propNot{c.prop(p.P, seen)}
	case *syntax.PropConst:
		return propConst(p.Val)
	case *syntax.PropBinary:
		l, r := c.prop(p.L, seen), c.prop(p.R, seen)
		switch p.Op {
		case syntax.PAND:
			return propAnd{l, r}
		case syntax.POR:
			return propOr{l, r}
		}
		return propImpl{l, r}
	case *syntax.PropAtom:
		a := propAtom{neq: p.Neq}
		loc, ok := c.resolveLoc(p.Loc)
		if !ok {
			return propConst(false)
		}
		a.loc = loc
		if seen != nil {
			seen(loc)
		}
		if p.Val == nil {
			return propConst(false)
		}
		if l := p.Val.Loc; l != nil {
			if l.Thread >= 0 {
				r, ok := c.resolveLoc(l)
				if !ok {
					return propConst(false)
				}
				a.reg = &r
				if seen != nil {
					seen(r)
				}
			} else if o := c.object(l.Name); o >= 0 {
				a.val = c.prog.Addrs[o]
			} else {
				c.undefined(l.Pos, l.Name, "shared variable", c.shared)
			}
		} else {
			a.val = machine.Int(p.Val.Int)
		}
		return a
	}
	return propConst(false)
}

// PropString prints a proposition as herd does in its Condition line:
// memory locations in brackets, atoms joined by the herd connectives.
func PropString(p syntax.Prop) string {
	var b strings.Builder
	writeProp(&b, p)
	return b.String()
}

func writeProp(b *strings.Builder, p syntax.Prop) {
	switch p := p.(type) {
	case *syntax.PropParen:
		b.WriteByte('(')
		writeProp(b, p.P)
		b.WriteByte(')')
	case *syntax.PropNot:
		b.WriteString("~")
		writeProp(b, p.P)
	case *syntax.PropConst:
		fmt.Fprint(b, p.Val)
	case *syntax.PropBinary:
		writeProp(b, p.L)
		b.WriteString(" " + p.Op.String() + " ")
		writeProp(b, p.R)
	case *syntax.PropAtom:
		b.WriteString(locString(p.Loc))
		if p.Neq {
			b.WriteString("!=")
		} else {
			b.WriteByte('=')
		}
		if p.Val == nil {
			return
		}
		if p.Val.Loc != nil {
			if p.Val.Loc.Thread >= 0 {
				b.WriteString(locString(p.Val.Loc))
			} else {
				b.WriteString(p.Val.Loc.Name)
			}
		} else {
			fmt.Fprint(b, p.Val.Int)
		}
	}
}

func locString(l *syntax.Loc) string {
	if l.Thread >= 0 {
		return fmt.Sprintf("%d:%s", l.Thread, l.Name)
	}
	return "[" + l.Name + "]"
}
