// Package kernel holds the prelude: the kernel's composite page-table
// helpers (pte_offset_map_lock() and friends) written in the script
// language, embedded, so that a script can call them and see every step
// they take. Each function's comment cites its kernel file, function and
// version.
package kernel

import (
	_ "embed"
	"strings"
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

// FuncSource returns the text of prelude function name with the comment
// above it, ready to paste into a script and change (a script's own
// definition replaces the prelude's).
func FuncSource(name string) (string, bool) {
	fs, err := Funcs()
	if err != nil {
		return "", false
	}
	lines := strings.Split(preludeSrc, "\n")
	for _, f := range fs {
		if f.Name != name {
			continue
		}
		start := int(f.Pos.Line) - 1 // 0-based line of the declaration
		if start > 0 && strings.HasSuffix(strings.TrimSpace(lines[start-1]), "*/") {
			for start--; start > 0 && !strings.Contains(lines[start], "/*"); start-- {
			}
		}
		return strings.Join(lines[start:f.End.Line], "\n") + "\n", true
	}
	return "", false
}

// Names returns the prelude's function names in source order.
func Names() []string {
	fs, _ := Funcs()
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}
