// Package machine is the simulated kernel world that litmus threads act
// on: shared memory, spinlocks, RCU and SRCU. Every visible operation is
// an Op; the world says whether it is enabled, applies it, and reports
// its footprint (the locations it reads and writes), which defines the
// dependence relation the explorer's partial-order reduction uses.
//
// Semantics are sequentially consistent, as in
// ../shared/litmus/SUMMARY.md §4: fences are no-ops, marked and plain
// accesses are ordinary loads and stores, locks follow
// tools/memory-model/lock.cat, and a grace period is the two-step rule
// of SUMMARY.md §4.2 (explanation.txt, "RCU RELATIONS").
//
// The package holds no maps that are iterated and no randomness: the
// same operations in the same order give the same world.
package machine

import "strconv"

// Value is a machine word: an integer (Obj == 0), a pointer to offset
// Int of shared object Obj-1 (Obj > 0), or a pointer to a thread's own
// local variable, stack slot -Obj-1 (Obj < 0; see Local). Local pointers
// never reach shared memory: a thread uses them for out-parameters such
// as pte_offset_map_lock(mm, pmd, addr, &ptl).
type Value struct {
	Int int64
	Obj int32
}

// Int makes an integer value.
func Int(v int64) Value { return Value{Int: v} }

// Ptr makes a pointer to offset off of object obj.
func Ptr(obj int, off int64) Value { return Value{Int: off, Obj: int32(obj) + 1} }

// IsPtr reports whether v is a pointer.
func (v Value) IsPtr() bool { return v.Obj > 0 }

// Local makes a pointer to stack slot slot of the thread that makes it.
func Local(slot int) Value { return Value{Obj: -int32(slot) - 1} }

// IsLocal reports whether v points to a thread's local variable.
func (v Value) IsLocal() bool { return v.Obj < 0 }

// LocalSlot returns the stack slot a local pointer points to.
func (v Value) LocalSlot() int { return int(-v.Obj) - 1 }

// Object returns the object index v points into (v must be a pointer).
func (v Value) Object() int { return int(v.Obj) - 1 }

// Truth reports whether v is non-zero, as C's if does.
func (v Value) Truth() bool { return v.Int != 0 || v.Obj != 0 }

// Bool makes 1 or 0.
func Bool(b bool) Value {
	if b {
		return Value{Int: 1}
	}
	return Value{}
}

// String prints an integer in decimal and a pointer as &obj+off.
func (v Value) String() string {
	if v.Obj == 0 {
		return strconv.FormatInt(v.Int, 10)
	}
	if v.IsLocal() {
		return "&local" + strconv.Itoa(v.LocalSlot())
	}
	s := "&obj" + strconv.Itoa(v.Object())
	if v.Int != 0 {
		s += "+" + strconv.FormatInt(v.Int, 10)
	}
	return s
}
