// Package scratch holds the helper the engine's packages share for
// reusing storage between executions and searches (machine's worlds,
// explore's executors and race detector). It is a leaf: it imports
// nothing.
package scratch

// Zeroed returns s with length n and every element zero, reusing its
// storage when it is large enough.
func Zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}
