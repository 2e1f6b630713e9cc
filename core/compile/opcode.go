package compile

// Opcode is a VM instruction. Stack pictures: before → after.
type Opcode uint8

// The instruction set. A, B are the instruction's operands.
const (
	OpNop           Opcode = iota
	OpConst                // → Consts[A]
	OpInt                  // → int(A)
	OpAddr                 // → Addrs[A], the address of shared variable A
	OpLoad                 // → slot A
	OpStore                // v → ; slot A = v
	OpPop                  // v →
	OpDup                  // v → v v
	OpUnary                // x → op(x); B = syntax token (SUB, NOT, TILDE)
	OpBinary               // x y → x op y; B = syntax token
	OpJump                 // pc = A
	OpJumpIfZero           // c → ; if !c: pc = A
	OpJumpIfNonZero        // c → ; if c: pc = A
	OpCall                 // args... → ret; call Funcs[A] with B args
	OpReturn               // v → (to caller) ; helper with a value
	OpReturnVoid           // → ; helper without a value, or end of thread
	OpVisible              // operands... → [ret]; yield Tmpls[A] to the scheduler
	OpCheck                // c → [c]; A = check kind (BUG_ON, WARN_ON, ...)
	OpPure                 // args... → v; the page-table helper PureNames[A] of B args
	OpLocalAddr            // → a pointer to local slot A of the current frame
)

var opcodeNames = [...]string{
	OpNop: "nop", OpConst: "const", OpInt: "int", OpAddr: "addr", OpLoad: "load",
	OpStore: "store", OpPop: "pop", OpDup: "dup", OpUnary: "unary", OpBinary: "binary",
	OpJump: "jump", OpJumpIfZero: "jz", OpJumpIfNonZero: "jnz", OpCall: "call",
	OpReturn: "ret", OpReturnVoid: "retv", OpVisible: "visible", OpCheck: "check", OpPure: "pure", OpLocalAddr: "localaddr",
}

func (o Opcode) String() string {
	if int(o) < len(opcodeNames) {
		return opcodeNames[o]
	}
	return "op?"
}

// Instr is one instruction.
type Instr struct {
	Op Opcode
	A  int32
	B  int32
}

// Check kinds for OpCheck.
const (
	CheckBUG_ON          = iota // oops when true
	CheckWARN_ON                // warn when true; value is the condition
	CheckWARN_ON_ONCE           // warn the first time it is true
	CheckVM_WARN_ON_ONCE        // same, CONFIG_DEBUG_VM=y
	CheckVM_BUG_ON              // oops when true, CONFIG_DEBUG_VM=y
)

// CheckNames are the kernel macro names, indexed by check kind.
var CheckNames = [...]string{"BUG_ON", "WARN_ON", "WARN_ON_ONCE", "VM_WARN_ON_ONCE", "VM_BUG_ON"}
