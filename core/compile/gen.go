package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

func (b *fb) block(list []syntax.Stmt) {
	b.scopes = append(b.scopes, nil)
	for _, s := range list {
		b.stmt(s)
	}
	b.scopes = b.scopes[:len(b.scopes)-1]
}

func (b *fb) stmt(s syntax.Stmt) {
	b.pos = s.Start()
	switch s := s.(type) {
	case *syntax.BlockStmt:
		b.block(s.List)
	case *syntax.EmptyStmt:
	case *syntax.DeclStmt:
		for _, v := range s.Specs {
			b.pos = v.Pos
			// C scope starts at the declarator: "int r4 = (r1 != r4);"
			// reads the new, still zero r4.
			slot := b.declare(v.Pos, v.Name)
			if v.Init != nil {
				b.value(v.Init)
				b.emit(OpStore, int32(slot), 0)
			}
		}
	case *syntax.ExprStmt:
		if b.expr(s.X) {
			b.emit(OpPop, 0, 0)
		}
	case *syntax.AssignStmt:
		b.assign(s)
	case *syntax.IfStmt:
		b.value(s.Cond)
		jz := b.emit(OpJumpIfZero, 0, 0)
		b.stmt(s.Then)
		if s.Else == nil {
			b.patch(jz)
			return
		}
		jmp := b.emit(OpJump, 0, 0)
		b.patch(jz)
		b.stmt(s.Else)
		b.patch(jmp)
	case *syntax.WhileStmt:
		top := b.pc()
		b.value(s.Cond)
		jz := b.emit(OpJumpIfZero, 0, 0)
		l := b.loopBody(s.Body)
		b.emit(OpJump, int32(top), 0)
		b.patch(jz)
		b.endLoop(l, top)
	case *syntax.DoStmt:
		top := b.pc()
		l := b.loopBody(s.Body)
		cont := b.pc()
		if s.Cond != nil {
			b.pos = s.Cond.Start()
			b.value(s.Cond)
			b.emit(OpJumpIfNonZero, int32(top), 0)
		}
		b.endLoop(l, cont)
	case *syntax.ForStmt:
		b.scopes = append(b.scopes, nil)
		if s.Init != nil {
			b.stmt(s.Init)
		}
		top := b.pc()
		jz := -1
		if s.Cond != nil {
			b.pos = s.Cond.Start()
			b.value(s.Cond)
			jz = b.emit(OpJumpIfZero, 0, 0)
		}
		l := b.loopBody(s.Body)
		cont := b.pc()
		if s.Post != nil {
			b.stmt(s.Post)
		}
		b.emit(OpJump, int32(top), 0)
		if jz >= 0 {
			b.patch(jz)
		}
		b.endLoop(l, cont)
		b.scopes = b.scopes[:len(b.scopes)-1]
	case *syntax.BranchStmt:
		b.branch(s)
	case *syntax.LabeledStmt:
		for _, l := range b.labels {
			if l.name == s.Label {
				b.c.errorf(s.Pos, "label %s defined twice (first at %s)", s.Label, l.pos)
			}
		}
		b.labels = append(b.labels, label{name: s.Label, pc: b.pc(), pos: s.Pos})
		b.stmt(s.Stmt)
	case *syntax.ReturnStmt:
		switch {
		case s.X == nil:
			if !b.thread && b.fn.Returns {
				b.c.errorf(s.Return, "%s must return a value", b.fn.Name)
			}
			b.emit(OpReturnVoid, 0, 0)
		case b.thread || !b.fn.Returns:
			if b.expr(s.X) {
				b.emit(OpPop, 0, 0)
			}
			b.emit(OpReturnVoid, 0, 0)
		default:
			b.value(s.X)
			b.emit(OpReturn, 0, 0)
		}
	}
}

func (b *fb) loopBody(body syntax.Stmt) *loop {
	l := &loop{}
	b.loops = append(b.loops, l)
	b.stmt(body)
	b.loops = b.loops[:len(b.loops)-1]
	return l
}

// endLoop patches breaks to here and continues to cont.
func (b *fb) endLoop(l *loop, cont int) {
	for _, at := range l.breaks {
		b.patch(at)
	}
	for _, at := range l.continues {
		b.fn.Code[at].A = int32(cont)
	}
}

func (b *fb) branch(s *syntax.BranchStmt) {
	if s.Tok == "goto" {
		at := b.emit(OpJump, 0, 0)
		b.gotos = append(b.gotos, label{name: s.Label, pc: at, pos: s.Pos})
		return
	}
	if len(b.loops) == 0 {
		b.c.errorf(s.Pos, "%s is not inside a loop", s.Tok)
		return
	}
	l := b.loops[len(b.loops)-1]
	at := b.emit(OpJump, 0, 0)
	if s.Tok == "break" {
		l.breaks = append(l.breaks, at)
	} else {
		l.continues = append(l.continues, at)
	}
}

// assign compiles LHS op= RHS, LHS = RHS, LHS++ and LHS--.
func (b *fb) assign(s *syntax.AssignStmt) {
	op := syntax.ILLEGAL
	switch s.Op {
	case syntax.ASSIGN:
	case syntax.INC:
		op = syntax.ADD
	case syntax.DEC:
		op = syntax.SUB
	default:
		op, _ = s.Op.AssignBase()
	}
	rhs := func() {
		if s.RHS == nil {
			b.emit(OpInt, 1, 0)
		} else {
			b.value(s.RHS)
		}
	}
	lhs := syntax.Unparen(s.LHS)
	if id, ok := lhs.(*syntax.Ident); ok {
		slot := b.localSlot(id)
		if slot < 0 {
			return
		}
		if op != syntax.ILLEGAL {
			b.emit(OpLoad, int32(slot), 0)
			rhs()
			b.pos = s.OpPos
			b.emit(OpBinary, 0, int32(op))
		} else {
			rhs()
		}
		b.emit(OpStore, int32(slot), 0)
		return
	}
	if !b.address(lhs) {
		return
	}
	if op != syntax.ILLEGAL {
		b.emit(OpDup, 0, 0)
		b.plainAccess(machine.OpLoad, "load", s.LHS)
		rhs()
		b.pos = s.OpPos
		b.emit(OpBinary, 0, int32(op))
	} else {
		rhs()
	}
	b.plainAccess(machine.OpStore, "store", s.LHS)
}

// localSlot resolves an assigned name to a local slot.
func (b *fb) localSlot(id *syntax.Ident) int {
	if slot := b.lookup(id.Name); slot >= 0 {
		return slot
	}
	switch {
	case b.isParam(id.Name) || b.c.object(id.Name) >= 0:
		b.c.errorf(id.Pos, "cannot assign to %s: it is the address of a shared variable; write *%s = ... or WRITE_ONCE(*%s, ...)", id.Name, id.Name, id.Name)
	default:
		b.c.undefined(id.Pos, id.Name, "name", b.visibleNames())
	}
	return -1
}

// plainAccess emits a plain (unmarked) load or store through the address
// on the stack.
func (b *fb) plainAccess(kind machine.OpKind, what string, at syntax.Expr) {
	t := Tmpl{Op: machine.Op{Kind: kind, Mark: machine.MarkPlain, Name: "plain " + what, Pos: at.Start()}, HasAddr: true}
	if kind == machine.OpLoad {
		t.Result = true
	} else {
		t.NArgs = 1
	}
	b.visible(t)
}

func (b *fb) visible(t Tmpl) {
	b.c.prog.Tmpls = append(b.c.prog.Tmpls, t)
	b.emit(OpVisible, int32(len(b.c.prog.Tmpls)-1), 0)
}

// address compiles an lvalue that denotes shared memory, pushing its
// address. It reports false (after an error) if e is not one.
func (b *fb) address(e syntax.Expr) bool {
	switch e := syntax.Unparen(e).(type) {
	case *syntax.UnaryExpr:
		if e.Op == syntax.MUL {
			b.value(e.X)
			return true
		}
	case *syntax.IndexExpr:
		b.value(e.X)
		b.value(e.Index)
		b.emit(OpBinary, 0, int32(syntax.ADD))
		return true
	case *syntax.SelectorExpr:
		// p->field: the field's cell in the object p points to.
		off, ok := fieldOffset(e.Field)
		if !ok {
			b.c.errorf(e.Pos, "unknown field %s%s", e.Field, hint(e.Field, fieldNames()))
			return false
		}
		if !e.Arrow {
			b.c.errorf(e.Pos, "write p->%s: world objects are reached through pointers", e.Field)
			return false
		}
		b.value(e.X)
		if off != 0 {
			b.constant(machine.Int(off))
			b.emit(OpBinary, 0, int32(syntax.ADD))
		}
		return true
	case *syntax.Ident:
		if b.lookup(e.Name) < 0 && !b.thread {
			if o := b.c.object(e.Name); o >= 0 {
				b.emit(OpAddr, int32(o), 0)
				return true
			}
		}
		if b.isParam(e.Name) {
			b.c.errorf(e.Pos, "%s is a pointer to the shared variable; write *%s", e.Name, e.Name)
			return false
		}
	}
	b.c.errorf(e.Start(), "expected a shared location such as *x")
	return false
}

// value compiles e, which must produce a value.
func (b *fb) value(e syntax.Expr) {
	if !b.expr(e) {
		b.c.errorf(e.Start(), "%s does not return a value", describeCall(e))
		b.emit(OpInt, 0, 0)
	}
}

func describeCall(e syntax.Expr) string {
	if c, ok := syntax.Unparen(e).(*syntax.CallExpr); ok {
		return c.Fun.Name + "()"
	}
	return "expression"
}

// expr compiles e and reports whether it pushed a value.
func (b *fb) expr(e syntax.Expr) bool {
	saved := b.pos
	b.pos = e.Start()
	defer func() { b.pos = saved }()
	switch e := e.(type) {
	case *syntax.IntLit:
		b.constant(machine.Int(e.Val))
	case *syntax.ParenExpr:
		return b.expr(e.X)
	case *syntax.CastExpr:
		pushed := b.expr(e.X)
		if e.Type.Name == "void" && e.Type.Ptr == 0 && pushed {
			b.emit(OpPop, 0, 0)
			return false
		}
		return pushed
	case *syntax.Ident:
		b.ident(e)
	case *syntax.UnaryExpr:
		switch e.Op {
		case syntax.MUL:
			b.value(e.X)
			b.plainAccess(machine.OpLoad, "load", e)
		case syntax.AND:
			return b.addrOf(e)
		default:
			b.value(e.X)
			b.pos = e.OpPos
			b.emit(OpUnary, 0, int32(e.Op))
		}
	case *syntax.BinaryExpr:
		b.binary(e)
	case *syntax.CondExpr:
		b.value(e.Cond)
		jz := b.emit(OpJumpIfZero, 0, 0)
		b.value(e.X)
		jmp := b.emit(OpJump, 0, 0)
		b.patch(jz)
		b.value(e.Y)
		b.patch(jmp)
	case *syntax.CallExpr:
		return b.call(e)
	case *syntax.IndexExpr:
		b.address(e)
		b.plainAccess(machine.OpLoad, "load", e)
	case *syntax.SelectorExpr:
		if b.address(e) {
			b.plainAccess(machine.OpLoad, "load", e)
		} else {
			b.emit(OpInt, 0, 0)
		}
	default:
		b.c.errorf(e.Start(), "unsupported expression")
		b.emit(OpInt, 0, 0)
	}
	return true
}

func (b *fb) addrOf(e *syntax.UnaryExpr) bool {
	switch x := syntax.Unparen(e.X).(type) {
	case *syntax.Ident:
		if slot := b.lookup(x.Name); slot >= 0 {
			// A pointer to a local: out-parameters such as &ptl.
			b.emit(OpLocalAddr, int32(slot), 0)
			return true
		}
		if o := b.c.object(x.Name); o >= 0 && (!b.thread || b.isParam(x.Name)) {
			b.emit(OpAddr, int32(o), 0)
			return true
		}
		b.c.errorf(e.OpPos, "cannot take the address of %s", x.Name)
	case *syntax.UnaryExpr:
		if x.Op == syntax.MUL {
			b.value(x.X)
			return true
		}
		b.c.errorf(e.OpPos, "cannot take this address")
	case *syntax.SelectorExpr:
		if !b.address(x) {
			b.emit(OpInt, 0, 0)
		}
		return true
	default:
		b.c.errorf(e.OpPos, "cannot take this address")
	}
	b.emit(OpInt, 0, 0)
	return true
}

func (b *fb) binary(e *syntax.BinaryExpr) {
	switch e.Op {
	case syntax.LAND, syntax.LOR:
		// Short-circuit: x && y is x ? !!y : 0.
		b.value(e.X)
		jop := OpJumpIfZero
		if e.Op == syntax.LOR {
			jop = OpJumpIfNonZero
		}
		b.emit(OpDup, 0, 0)
		j := b.emit(jop, 0, 0)
		b.emit(OpPop, 0, 0)
		b.value(e.Y)
		b.patch(j)
		b.emit(OpUnary, 0, int32(syntax.NOT))
		b.emit(OpUnary, 0, int32(syntax.NOT))
		return
	}
	b.value(e.X)
	b.value(e.Y)
	b.pos = e.OpPos
	b.emit(OpBinary, 0, int32(e.Op))
}

// constants are the kernel's named constants a script may use.
var constants = map[string]int64{
	"NULL":                 0,
	"false":                0,
	"true":                 1,
	"SINGLE_DEPTH_NESTING": 1, // include/linux/lockdep.h
}

// namedConstant looks a name up in constants and worldConstants.
func namedConstant(name string) (int64, bool) {
	if v, ok := constants[name]; ok {
		return v, true
	}
	v, ok := worldConstants[name]
	return v, ok
}

// ident compiles a name used as a value.
func (b *fb) ident(e *syntax.Ident) {
	if slot := b.lookup(e.Name); slot >= 0 {
		b.emit(OpLoad, int32(slot), 0)
		return
	}
	if v, ok := namedConstant(e.Name); ok && !b.isParam(e.Name) {
		b.constant(machine.Int(v))
		return
	}
	if b.isParam(e.Name) {
		b.emit(OpAddr, int32(b.c.object(e.Name)), 0)
		return
	}
	if b.thread {
		if b.c.object(e.Name) >= 0 {
			b.c.warnf(e.Pos, "%s is a shared variable but not a parameter of %s: herd makes it a thread-local register (value 0) here; add %s to %s's parameters to share it", e.Name, b.fn.Name, e.Name, b.fn.Name)
			slot := b.newSlot(e.Name)
			b.scopes[0] = append(b.scopes[0], Reg{Name: e.Name, Slot: slot})
			b.emit(OpLoad, int32(slot), 0)
			return
		}
		for _, ri := range b.c.regIn[b.fn.Thread] {
			if ri.name == e.Name {
				slot := b.newSlot(e.Name)
				b.scopes[0] = append(b.scopes[0], Reg{Name: e.Name, Slot: slot})
				b.emit(OpLoad, int32(slot), 0)
				return
			}
		}
	} else if o := b.c.object(e.Name); o >= 0 {
		b.emit(OpAddr, int32(o), 0)
		return
	}
	b.c.undefined(e.Pos, e.Name, "name", b.visibleNames())
	b.emit(OpInt, 0, 0)
}
