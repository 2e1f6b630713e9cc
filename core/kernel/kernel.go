// Package kernel holds the prelude: the kernel's composite page-table
// helpers (pte_offset_map_lock() and friends) written in the script
// language, embedded, so that a script can call them and see every step
// they take. Each function's comment cites its kernel file, function and
// version.
package kernel

import (
	_ "embed"
	"sync"

	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/syntax"
)

// PreludeFile is the name prelude positions are reported under.
const PreludeFile = "prelude.inc"

//go:embed prelude.inc
var preludeSrc string

var (
	once  sync.Once
	funcs []*syntax.FuncDecl
	errs  source.List
)

// Source returns the prelude's text.
func Source() string { return preludeSrc }

// Funcs returns the prelude's parsed functions (parsed once; callers must
// not modify them).
func Funcs() ([]*syntax.FuncDecl, error) {
	once.Do(func() { funcs, errs = syntax.ParseFuncs(PreludeFile, preludeSrc) })
	return funcs, errs.Err()
}
