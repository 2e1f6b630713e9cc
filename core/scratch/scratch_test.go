package scratch

import "testing"

func TestZeroed(t *testing.T) {
	s := []int{1, 2, 3, 4}
	z := Zeroed(s, 3)
	if len(z) != 3 || &z[0] != &s[0] {
		t.Fatalf("Zeroed(4 elements, 3) = %v: want the same storage, length 3", z)
	}
	for i, v := range z {
		if v != 0 {
			t.Errorf("element %d is %d, want 0", i, v)
		}
	}
	if g := Zeroed(z, 10); len(g) != 10 || cap(g) < 10 {
		t.Errorf("Zeroed(3 elements, 10) has length %d, capacity %d", len(g), cap(g))
	}
}
