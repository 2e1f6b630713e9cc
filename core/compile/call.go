package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

// call compiles a call of a kernel primitive or a helper function and
// reports whether it pushed a value.
func (b *fb) call(e *syntax.CallExpr) bool {
	name := e.Fun.Name
	if bi, ok := builtins[name]; ok {
		return b.builtin(bi, e)
	}
	if idx := b.c.funcIndex(name); idx >= 0 {
		fn := b.c.prog.Funcs[idx]
		if len(e.Args) != fn.NParams {
			b.c.errorf(e.Fun.Pos, "%s takes %d argument%s, called with %d", name, fn.NParams, plural(fn.NParams), len(e.Args))
		}
		for _, a := range e.Args {
			b.value(a)
		}
		b.pos = e.Fun.Pos
		b.emit(OpCall, int32(idx), int32(len(e.Args)))
		return true
	}
	if threadRef(name) {
		b.c.errorf(e.Fun.Pos, "threads cannot be called: %s runs on its own", name)
	} else {
		b.c.undefined(e.Fun.Pos, name, "function", append(append([]string(nil), b.c.funcs...), builtinOrder...))
	}
	for _, a := range e.Args {
		if b.expr(a) {
			b.emit(OpPop, 0, 0)
		}
	}
	b.emit(OpInt, 0, 0)
	return true
}

func (c *compiler) pureIndex(name string) int32 {
	for i, n := range c.prog.PureNames {
		if n == name {
			return int32(i)
		}
	}
	c.prog.PureNames = append(c.prog.PureNames, name)
	return int32(len(c.prog.PureNames) - 1)
}

func threadRef(name string) bool {
	return len(name) > 1 && name[0] == 'P' && name[1] >= '0' && name[1] <= '9'
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (b *fb) builtin(bi *builtin, e *syntax.CallExpr) bool {
	if len(e.Args) != len(bi.args) {
		b.c.errorf(e.Fun.Pos, "%s takes %d argument%s, called with %d", bi.name, len(bi.args), plural(len(bi.args)), len(e.Args))
		return bi.result
	}
	if bi.check > 0 {
		b.value(e.Args[0])
		b.pos = e.Fun.Pos
		b.emit(OpCheck, int32(bi.check-1), 0)
		return bi.result
	}
	if bi.pure != "" {
		for _, a := range e.Args {
			b.value(a)
		}
		b.pos = e.Fun.Pos
		b.emit(OpPure, b.c.pureIndex(bi.pure), int32(len(e.Args)))
		return true
	}
	if bi.kind == machine.OpNone {
		return false // a fence: a no-op under sequential consistency
	}
	t := Tmpl{Op: machine.Op{Kind: bi.kind, RMW: bi.rmw, Ret: bi.ret, Mark: bi.mark, Name: bi.name, Pos: e.Fun.Pos}, Result: bi.result}
	if bi.addr >= 0 {
		if !b.operand(bi, bi.addr, e.Args[bi.addr]) {
			return bi.result
		}
		t.HasAddr = true
	}
	for i, a := range e.Args {
		if i == bi.addr {
			continue
		}
		if bi.args[i] == argIgnore {
			if b.expr(a) {
				b.emit(OpPop, 0, 0)
			}
			continue
		}
		b.operand(bi, i, a)
		t.NArgs++
	}
	if bi.one || bi.zero {
		b.emit(OpInt, map[bool]int32{true: 1, false: 0}[bi.one], 0)
		t.NArgs++
	}
	b.pos = e.Fun.Pos
	if bi.second != machine.OpNone {
		// A two-step primitive: the first step takes the operands, the
		// second repeats the address (synchronize_srcu(s)).
		if t.HasAddr {
			b.emit(OpDup, 0, 0)
		}
		b.visible(t)
		t2 := t
		t2.Op.Kind = bi.second
		b.visible(t2)
		return false
	}
	b.visible(t)
	return bi.result
}

// operand compiles argument i of a primitive according to its kind.
func (b *fb) operand(bi *builtin, i int, a syntax.Expr) bool {
	switch bi.args[i] {
	case argLvalue:
		return b.address(a)
	default:
		b.value(a)
	}
	return true
}
