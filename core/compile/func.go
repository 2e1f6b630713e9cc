package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/syntax"
)

// fb builds one function's code.
type fb struct {
	c      *compiler
	fn     *Func
	decl   *syntax.FuncDecl
	thread bool
	scopes [][]Reg
	loops  []*loop
	labels []label
	gotos  []label // pending: pc of the jump to patch
	pos    source.Pos
}

type loop struct {
	breaks, continues []int
}

type label struct {
	name string
	pc   int
	pos  source.Pos
}

func (c *compiler) compileFunc(decl *syntax.FuncDecl, fn *Func) {
	b := &fb{c: c, fn: fn, decl: decl, thread: decl.Thread >= 0, pos: decl.Pos}
	b.scopes = [][]Reg{nil}
	if !b.thread {
		for _, p := range decl.Params {
			b.declare(p.Pos, p.Name)
		}
	} else {
		b.declareImplicit(decl.Body)
	}
	b.block(decl.Body.List)
	b.pos = decl.End
	if b.thread || !fn.Returns {
		b.emit(OpReturnVoid, 0, 0)
	} else {
		b.emit(OpReturnVoid, 0, 0) // falling off a non-void helper returns 0
	}
	for _, g := range b.gotos {
		pc := -1
		for _, l := range b.labels {
			if l.name == g.name {
				pc = l.pc
			}
		}
		if pc < 0 {
			c.errorf(g.pos, "goto %s: label %s is not defined in %s", g.name, g.name, fn.Name)
			continue
		}
		fn.Code[g.pc].A = int32(pc)
	}
	if b.thread {
		b.initRegisters()
	}
}

// initRegisters gives registers their init-section values (0:r0=1).
func (b *fb) initRegisters() {
	for _, ri := range b.c.regIn[b.fn.Thread] {
		slot := b.fn.Reg(ri.name)
		if slot < 0 {
			slot = b.newSlot(ri.name)
		}
		b.fn.Init = append(b.fn.Init, SlotInit{Slot: slot, Val: ri.val})
	}
}

// declareImplicit gives a slot to every name a thread assigns without
// declaring it: herd accepts "r0 = READ_ONCE(*x);" with r0 undeclared.
func (b *fb) declareImplicit(body *syntax.BlockStmt) {
	var declared, assigned []string
	has := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	walkStmts(body, func(s syntax.Stmt) {
		switch s := s.(type) {
		case *syntax.DeclStmt:
			for _, v := range s.Specs {
				declared = append(declared, v.Name)
			}
		case *syntax.AssignStmt:
			if id, ok := syntax.Unparen(s.LHS).(*syntax.Ident); ok && !has(assigned, id.Name) {
				assigned = append(assigned, id.Name)
			}
		}
	})
	for _, name := range assigned {
		if has(declared, name) || b.isParam(name) {
			continue
		}
		if b.c.object(name) >= 0 {
			b.c.warnf(b.findAssign(body, name), "%s is a shared variable but not a parameter of %s: herd makes it a thread-local register here; add %s to %s's parameters to share it", name, b.fn.Name, name, b.fn.Name)
		}
		b.declare(b.decl.Pos, name)
	}
}

func (b *fb) findAssign(body *syntax.BlockStmt, name string) source.Pos {
	pos := b.decl.Pos
	found := false
	walkStmts(body, func(s syntax.Stmt) {
		if a, ok := s.(*syntax.AssignStmt); ok && !found {
			if id, ok := syntax.Unparen(a.LHS).(*syntax.Ident); ok && id.Name == name {
				pos, found = id.Pos, true
			}
		}
	})
	return pos
}

// walkStmts calls f for every statement in s, depth first.
func walkStmts(s syntax.Stmt, f func(syntax.Stmt)) {
	if s == nil {
		return
	}
	f(s)
	switch s := s.(type) {
	case *syntax.BlockStmt:
		for _, x := range s.List {
			walkStmts(x, f)
		}
	case *syntax.IfStmt:
		walkStmts(s.Then, f)
		walkStmts(s.Else, f)
	case *syntax.WhileStmt:
		walkStmts(s.Body, f)
	case *syntax.DoStmt:
		walkStmts(s.Body, f)
	case *syntax.ForStmt:
		walkStmts(s.Init, f)
		walkStmts(s.Post, f)
		walkStmts(s.Body, f)
	case *syntax.LabeledStmt:
		walkStmts(s.Stmt, f)
	}
}

func (b *fb) isParam(name string) bool {
	if !b.thread {
		return false
	}
	for _, p := range b.decl.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func (b *fb) newSlot(name string) int {
	slot := b.fn.NLocals
	b.fn.NLocals++
	if name != "" {
		b.fn.Regs = append(b.fn.Regs, Reg{Name: name, Slot: slot})
	}
	return slot
}

func (b *fb) declare(pos source.Pos, name string) int {
	top := b.scopes[len(b.scopes)-1]
	for _, r := range top {
		if r.Name == name {
			b.c.errorf(pos, "%s redeclared in this block", name)
		}
	}
	slot := b.newSlot(name)
	b.scopes[len(b.scopes)-1] = append(top, Reg{Name: name, Slot: slot})
	return slot
}

// lookup finds a local's slot, innermost scope first.
func (b *fb) lookup(name string) int {
	for i := len(b.scopes) - 1; i >= 0; i-- {
		s := b.scopes[i]
		for j := len(s) - 1; j >= 0; j-- {
			if s[j].Name == name {
				return s[j].Slot
			}
		}
	}
	return -1
}

// visibleNames lists every name usable at this point, for hints.
func (b *fb) visibleNames() []string {
	var names []string
	for _, s := range b.scopes {
		for _, r := range s {
			names = append(names, r.Name)
		}
	}
	if b.thread {
		for _, p := range b.decl.Params {
			names = append(names, p.Name)
		}
	} else {
		names = append(names, b.c.shared...)
	}
	names = append(names, b.c.funcs...)
	return append(names, builtinOrder...)
}

func (b *fb) emit(op Opcode, a, bb int32) int {
	b.fn.Code = append(b.fn.Code, Instr{Op: op, A: a, B: bb})
	b.fn.Pos = append(b.fn.Pos, b.pos)
	return len(b.fn.Code) - 1
}

func (b *fb) pc() int { return len(b.fn.Code) }

func (b *fb) patch(at int) { b.fn.Code[at].A = int32(b.pc()) }

func (b *fb) constant(v machine.Value) {
	if v.Obj == 0 && v.Int == int64(int32(v.Int)) {
		b.emit(OpInt, int32(v.Int), 0)
		return
	}
	for i, c := range b.c.prog.Consts {
		if c == v {
			b.emit(OpConst, int32(i), 0)
			return
		}
	}
	b.c.prog.Consts = append(b.c.prog.Consts, v)
	b.emit(OpConst, int32(len(b.c.prog.Consts)-1), 0)
}
