package machine

import (
	"slices"
	"testing"
)

// An SRCU unlock's footprint names the section's creator from the token,
// before and after the lock that makes the token: the footprint does not
// depend on which sections are active, so the unlock is dependent with
// that lock in either order (explorers rely on footprints being a valid
// independence relation).
func TestSRCUUnlockFootprintStateIndependent(t *testing.T) {
	w := newTestWorld(3)
	unlock := &Op{Kind: OpSRCUUnlock, Addr: s, Arg: Int(1001)} // thread 0's first token, unlocked by thread 2
	before := w.Footprint(2, unlock, nil)
	lockFp := w.Footprint(0, &Op{Kind: OpSRCULock, Addr: s}, nil)
	if tok := w.Apply(0, &Op{Kind: OpSRCULock, Addr: s}).Ret; tok != Int(1001) {
		t.Fatalf("token %v", tok)
	}
	after := w.Footprint(2, unlock, nil)
	if !slices.Equal(before, after) || !slices.Equal(before, lockFp) {
		t.Errorf("unlock footprint %v before the lock, %v after; the lock's %v", before, after, lockFp)
	}
	// A token no thread makes names the unlocking thread.
	odd := w.Footprint(2, &Op{Kind: OpSRCUUnlock, Addr: s, Arg: Int(5)}, nil)
	if want := []Access{{w.L.srcuLoc(2, 2), Write}}; !slices.Equal(odd, want) {
		t.Errorf("footprint of an unknown token %v, want %v", odd, want)
	}
	for _, c := range []struct {
		tok  Value
		want int
	}{{Int(1001), 0}, {Int(3999), 2}, {Int(4001), 1}, {Int(2<<32 | 1000), 1}, {Int(0), 1}, {Ptr(0, 1001), 1}} {
		if got := srcuCreator(c.tok, 1, 3); got != c.want {
			t.Errorf("srcuCreator(%v) = %d, want %d", c.tok, got, c.want)
		}
	}
}
