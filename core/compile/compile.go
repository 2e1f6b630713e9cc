package compile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/syntax"
)

// Compile checks f and compiles it. It returns the program (nil if there
// were errors) and every diagnostic, warnings included.
func Compile(file string, f *syntax.File) (*Program, source.List) {
	return CompileWith(file, f, "", nil)
}

// CompileWith compiles f together with the prelude functions (named
// preludeFile in messages) that f does not define itself: a script can
// replace a prelude function by defining one of the same name.
func CompileWith(file string, f *syntax.File, preludeFile string, prelude []*syntax.FuncDecl) (*Program, source.List) {
	c := &compiler{file: file, f: f, pmdTable: -1, prog: &Program{
		File: file, Name: f.Name, Doc: f.Doc, Layout: &machine.Layout{NThreads: len(f.Threads), Config: machine.DefaultConfig}, Syntax: f,
	}}
	c.declareShared()
	c.initMemory()
	c.declareFuncs()
	for _, fn := range prelude {
		if c.funcIndex(fn.Name) >= 0 {
			continue // the script defines its own
		}
		c.funcs = append(c.funcs, fn.Name)
		returns := fn.Result != nil && !(fn.Result.Name == "void" && fn.Result.Ptr == 0)
		c.prog.Funcs = append(c.prog.Funcs, &Func{Name: fn.Name, Thread: -1, NParams: len(fn.Params), Returns: returns, End: fn.End, Prelude: true})
		c.preludeDecls = append(c.preludeDecls, fn)
	}
	for _, fn := range f.Funcs {
		c.compileFunc(fn, c.prog.Funcs[c.funcIndex(fn.Name)])
	}
	saved := c.file
	c.file = preludeFile
	for _, fn := range c.preludeDecls {
		c.compileFunc(fn, c.prog.Funcs[c.funcIndex(fn.Name)])
	}
	c.file = saved
	for i, th := range f.Threads {
		c.compileFunc(th, c.prog.Funcs[c.prog.Threads[i]])
	}
	c.compileFinal()
	c.reachFlags()
	c.diags.Sort()
	c.prog.Warnings = c.diags.Warnings()
	if c.diags.Err() != nil {
		return nil, c.diags
	}
	return c.prog, c.diags
}

type compiler struct {
	file   string
	f      *syntax.File
	prog   *Program
	diags  source.List
	shared []string // shared variable names, in Program.Addrs order
	funcs  []string // helper names, Funcs index order
	regIn  [][]regInit

	preludeDecls []*syntax.FuncDecl

	pmdTable   int // the PMD table object, -1 until a pmd_t is declared
	pmdEntries int
	pmdSet     bool // CONFIG_SPLIT_PMD_PTLOCKS was set explicitly
}

type regInit struct {
	pos  source.Pos
	name string
	val  machine.Value
}

func (c *compiler) errorf(pos source.Pos, format string, args ...any) {
	c.diags.Add(c.file, pos, format, args...)
}

func (c *compiler) warnf(pos source.Pos, format string, args ...any) {
	c.diags.Warn(c.file, pos, format, args...)
}

// object returns the index of shared variable name, or -1.
func (c *compiler) object(name string) int {
	for i, n := range c.shared {
		if n == name {
			return i
		}
	}
	return -1
}

func isConfig(name string) bool {
	return name == "CONFIG_SPLIT_PTE_PTLOCKS" || name == "CONFIG_SPLIT_PMD_PTLOCKS"
}

func (c *compiler) addShared(name, typ string) {
	if c.object(name) >= 0 {
		return
	}
	kind, size := machine.KindVar, int32(1)
	if sd := machine.StructByType(typ); sd != nil {
		kind, size = sd.Kind, int32(len(sd.Fields))
	}
	o := c.prog.Layout.AddKind(name, kind, size)
	c.addSharedAt(name, machine.Ptr(o, 0), typ)
}

// addSharedAt names a shared location that is not an object of its own
// (a PMD entry inside the PMD table).
func (c *compiler) addSharedAt(name string, addr machine.Value, typ string) {
	c.shared = append(c.shared, name)
	c.prog.Addrs = append(c.prog.Addrs, addr)
	c.prog.Types = append(c.prog.Types, typ)
	if addr.Int != 0 {
		c.prog.Layout.Names = append(c.prog.Layout.Names, machine.CellName{Addr: addr, Name: name})
	}
}

func typeString(t *syntax.TypeSpec) string {
	if t == nil {
		return ""
	}
	return t.Name + strings.Repeat("*", t.Ptr)
}

// declareShared makes an object for every shared variable: those of the
// init section, then the thread parameters, in order of appearance.
func (c *compiler) declareShared() {
	for _, it := range c.f.Init {
		if it.Thread >= 0 || c.worldDecl(it) {
			continue
		}
		if c.object(it.Name) >= 0 {
			c.errorf(it.Pos, "%s initialised twice", it.Name)
			continue
		}
		c.addShared(it.Name, typeString(it.Type))
	}
	for _, th := range c.f.Threads {
		for _, p := range th.Params {
			if p.Type.Ptr == 0 {
				c.errorf(p.Pos, "parameter %s of %s must be a pointer (herd binds thread parameters to shared variables by name: write %s *%s)", p.Name, th.Name, p.Type.Name, p.Name)
			}
			t := *p.Type
			t.Ptr = max(t.Ptr-1, 0)
			c.addShared(p.Name, typeString(&t))
		}
	}
}

// initMemory evaluates the init section.
func (c *compiler) initMemory() {
	c.prog.InitMem = make([]machine.Value, c.prog.Layout.NMem)
	c.regIn = make([][]regInit, len(c.f.Threads))
	for _, it := range c.f.Init {
		if it.Type != nil && it.Type.Name == "pte_table_t" && it.Type.Ptr == 0 {
			continue // its value is only a pool marker (worldDecl)
		}
		var v machine.Value
		if it.Value != nil && !isConfig(it.Name) {
			v = c.constValue(it.Value)
		}
		if it.Index != nil {
			c.initEntry(it, v)
			continue
		}
		if it.Field != "" {
			c.initField(it, v)
			continue
		}
		if isConfig(it.Name) {
			continue
		}
		if it.Thread >= 0 {
			if it.Thread >= len(c.f.Threads) {
				c.errorf(it.Pos, "%d:%s initialises a register of thread P%d, but the test has %d threads", it.Thread, it.Name, it.Thread, len(c.f.Threads))
				continue
			}
			c.regIn[it.Thread] = append(c.regIn[it.Thread], regInit{it.Pos, it.Name, v})
			continue
		}
		if o := c.object(it.Name); o >= 0 {
			if loc, ok := c.prog.Layout.Cell(c.prog.Addrs[o]); ok {
				c.prog.InitMem[loc] = v
			}
		}
	}
}

// constValue evaluates an init-section value. A bare shared-variable
// name denotes its address (litmus-tests.txt, "Initializers differ from
// their C-language counterparts").
func (c *compiler) constValue(e syntax.Expr) machine.Value {
	switch e := e.(type) {
	case *syntax.IntLit:
		return machine.Int(e.Val)
	case *syntax.ParenExpr:
		return c.constValue(e.X)
	case *syntax.CastExpr:
		return c.constValue(e.X)
	case *syntax.Ident:
		if o := c.object(e.Name); o >= 0 {
			return c.prog.Addrs[o]
		}
		if v, ok := namedConstant(e.Name); ok {
			return machine.Int(v)
		}
		c.undefined(e.Pos, e.Name, "shared variable", c.shared)
	case *syntax.UnaryExpr:
		switch e.Op {
		case syntax.AND:
			if id, ok := syntax.Unparen(e.X).(*syntax.Ident); ok {
				return c.constValue(id)
			}
		case syntax.SUB:
			v := c.constValue(e.X)
			return machine.Int(-v.Int)
		case syntax.TILDE:
			return machine.Int(^c.constValue(e.X).Int)
		}
		c.errorf(e.OpPos, "unsupported initialiser: expected a number or a shared variable's address")
	case *syntax.CallExpr:
		if e.Fun.Name == "ATOMIC_INIT" && len(e.Args) == 1 {
			return c.constValue(e.Args[0])
		}
		c.errorf(e.Fun.Pos, "unsupported initialiser %s(...): only ATOMIC_INIT(v) is allowed here", e.Fun.Name)
	case *syntax.BinaryExpr:
		x, y := c.constValue(e.X), c.constValue(e.Y)
		v, err := binop(e.Op, x, y)
		if err != "" {
			c.errorf(e.OpPos, "%s", err)
		}
		return v
	default:
		c.errorf(e.Start(), "unsupported initialiser: expected a number or a shared variable's address")
	}
	return machine.Value{}
}

// undefined reports an unknown name with a did-you-mean hint.
func (c *compiler) undefined(pos source.Pos, name, what string, candidates []string) {
	if s := Nearest(name, candidates); s != "" {
		c.errorf(pos, "undefined %s %s (did you mean %s?)", what, name, s)
		return
	}
	c.errorf(pos, "undefined %s %s", what, name)
}

func (c *compiler) declareFuncs() {
	for _, fn := range c.f.Funcs {
		if _, ok := builtins[fn.Name]; ok {
			c.errorf(fn.Pos, "%s is a kernel primitive; choose another name for the helper", fn.Name)
		}
		for _, n := range c.funcs {
			if n == fn.Name {
				c.errorf(fn.Pos, "function %s defined twice", fn.Name)
			}
		}
		c.funcs = append(c.funcs, fn.Name)
		returns := fn.Result != nil && !(fn.Result.Name == "void" && fn.Result.Ptr == 0)
		c.prog.Funcs = append(c.prog.Funcs, &Func{Name: fn.Name, Thread: -1, NParams: len(fn.Params), Returns: returns, End: fn.End})
	}
	for i, th := range c.f.Threads {
		c.prog.Threads = append(c.prog.Threads, len(c.prog.Funcs))
		c.prog.Funcs = append(c.prog.Funcs, &Func{Name: th.Name, Thread: i, End: th.End})
	}
}

// funcIndex returns the index in Program.Funcs of helper name, or -1.
func (c *compiler) funcIndex(name string) int {
	for i, f := range c.prog.Funcs {
		if f.Thread < 0 && f.Name == name {
			return i
		}
	}
	return -1
}

// compileFinal resolves the condition, the filter and the printed
// locations.
func (c *compiler) compileFinal() {
	var locs []Loc
	add := func(l Loc) {
		for _, x := range locs {
			if x.Name == l.Name {
				return
			}
		}
		locs = append(locs, l)
	}
	for _, l := range c.f.Locations {
		if loc, ok := c.resolveLoc(l); ok {
			add(loc)
		}
	}
	if c.f.Filter != nil {
		c.prog.Filter = c.prop(c.f.Filter, nil)
	}
	if c.f.Cond != nil {
		p := c.prop(c.f.Cond.Prop, add)
		top := c.f.Cond.Prop
		if par, ok := top.(*syntax.PropParen); ok {
			top = par.P // herd prints the condition in one pair of parentheses
		}
		c.prog.Cond = &Cond{Quant: c.f.Cond.Quant, Prop: p, Text: PropString(top)}
	}
	// herd prints registers (by thread, then name), then memory (by name).
	sort.SliceStable(locs, func(i, j int) bool {
		a, b := locs[i], locs[j]
		if (a.Thread < 0) != (b.Thread < 0) {
			return a.Thread >= 0
		}
		if a.Thread != b.Thread {
			return a.Thread < b.Thread
		}
		return a.Name < b.Name
	})
	c.prog.Locs = locs
}

// resolveLoc finds a condition location.
func (c *compiler) resolveLoc(l *syntax.Loc) (Loc, bool) {
	if l.Thread < 0 {
		o := c.object(l.Name)
		if o < 0 {
			c.undefined(l.Pos, l.Name, "shared variable", c.shared)
			return Loc{}, false
		}
		return Loc{Thread: -1, Obj: o, Name: l.Name}, true
	}
	if l.Thread >= len(c.prog.Threads) {
		c.errorf(l.Pos, "%d:%s: the test has no thread P%d", l.Thread, l.Name, l.Thread)
		return Loc{}, false
	}
	fn := c.prog.Funcs[c.prog.Threads[l.Thread]]
	slot := fn.Reg(l.Name)
	if slot < 0 {
		// herd accepts a register the thread never uses; it stays 0.
		var names []string
		for _, r := range fn.Regs {
			names = append(names, r.Name)
		}
		hint := ""
		if s := Nearest(l.Name, names); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", s)
		}
		c.warnf(l.Pos, "P%d never uses register %s%s; herd reads it as 0", l.Thread, l.Name, hint)
		slot = fn.NLocals
		fn.NLocals++
		fn.Regs = append(fn.Regs, Reg{Name: l.Name, Slot: slot})
	}
	return Loc{Thread: l.Thread, Slot: slot, Name: fmt.Sprintf("%d:%s", l.Thread, l.Name)}, true
}

// reachFlags sets RCUCallbacks and PlainAccesses from the code the
// threads can reach: the prelude defines pte_free_defer() and plain
// accesses that most scripts never call, and neither the RCU pseudo-thread
// nor the data-race detector should cost them anything.
func (c *compiler) reachFlags() {
	p := c.prog
	seen := make([]bool, len(p.Funcs))
	work := append([]int(nil), p.Threads...)
	for _, f := range work {
		seen[f] = true
	}
	for len(work) > 0 {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		for _, in := range p.Funcs[f].Code {
			switch in.Op {
			case OpCall:
				if g := int(in.A); g >= 0 && g < len(p.Funcs) && !seen[g] {
					seen[g] = true
					work = append(work, g)
				}
			case OpVisible:
				op := p.Tmpls[in.A].Op
				if op.Kind == machine.OpFreeRCU {
					p.RCUCallbacks = true
				}
				if op.Mark == machine.MarkPlain && (op.Kind == machine.OpLoad || op.Kind == machine.OpStore) {
					p.PlainAccesses = true
				}
			}
		}
	}
}
