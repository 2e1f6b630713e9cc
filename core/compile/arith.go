package compile

import (
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/syntax"
)

// BinaryOp computes the OpBinary instruction whose B operand is op.
func BinaryOp(op int32, x, y machine.Value) (machine.Value, string) {
	return binop(syntax.Token(op), x, y)
}

// UnaryOp computes the OpUnary instruction whose B operand is op.
func UnaryOp(op int32, x machine.Value) machine.Value { return unop(syntax.Token(op), x) }

// binop computes x op y for the VM and for constant folding. Pointer
// arithmetic keeps the object; comparing a pointer with an integer
// compares unequal unless both are the same value. The second result is
// a runtime error message ("" if none).
func binop(op syntax.Token, x, y machine.Value) (machine.Value, string) {
	switch op {
	case syntax.EQL:
		return machine.Bool(x == y), ""
	case syntax.NEQ:
		return machine.Bool(x != y), ""
	case syntax.LSS:
		return machine.Bool(less(x, y)), ""
	case syntax.GTR:
		return machine.Bool(less(y, x)), ""
	case syntax.LEQ:
		return machine.Bool(!less(y, x)), ""
	case syntax.GEQ:
		return machine.Bool(!less(x, y)), ""
	case syntax.ADD:
		if x.IsPtr() && y.IsPtr() {
			return machine.Value{}, "cannot add two pointers"
		}
		return machine.Value{Int: x.Int + y.Int, Obj: x.Obj | y.Obj}, ""
	case syntax.SUB:
		switch {
		case x.IsPtr() && y.IsPtr():
			if x.Obj != y.Obj {
				return machine.Value{}, "subtraction of pointers into different objects"
			}
			return machine.Int(x.Int - y.Int), ""
		case y.IsPtr():
			return machine.Value{}, "cannot subtract a pointer from an integer"
		}
		return machine.Value{Int: x.Int - y.Int, Obj: x.Obj}, ""
	case syntax.LAND:
		return machine.Bool(x.Truth() && y.Truth()), ""
	case syntax.LOR:
		return machine.Bool(x.Truth() || y.Truth()), ""
	}
	a, b := x.Int, y.Int
	var r int64
	switch op {
	case syntax.MUL:
		r = a * b
	case syntax.QUO, syntax.REM:
		if b == 0 {
			return machine.Value{}, "division by zero"
		}
		if op == syntax.QUO {
			r = a / b
		} else {
			r = a % b
		}
	case syntax.AND:
		r = a & b
	case syntax.OR:
		r = a | b
	case syntax.XOR:
		r = a ^ b
	case syntax.SHL:
		if b < 0 || b > 63 {
			return machine.Value{}, "shift count out of range"
		}
		r = a << uint(b)
	case syntax.SHR:
		if b < 0 || b > 63 {
			return machine.Value{}, "shift count out of range"
		}
		r = a >> uint(b)
	default:
		return machine.Value{}, "unsupported operator " + op.String()
	}
	return machine.Int(r), ""
}

func less(x, y machine.Value) bool {
	if x.Obj != y.Obj {
		return x.Obj < y.Obj
	}
	return x.Int < y.Int
}

// unop computes op x for - ! ~.
func unop(op syntax.Token, x machine.Value) machine.Value {
	switch op {
	case syntax.SUB:
		return machine.Int(-x.Int)
	case syntax.NOT:
		return machine.Bool(!x.Truth())
	case syntax.TILDE:
		return machine.Int(^x.Int)
	}
	return x
}
