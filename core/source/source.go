// Package source holds source positions and positioned diagnostics.
//
// Every diagnostic ptlab prints has the form file:line:col: message, built
// from an Error value. The package is a leaf: every other package in core
// may import it, and it imports only the standard library.
package source

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Pos is a position in a source file. Line and Col count from 1; a zero
// Pos means "no position".
type Pos struct {
	Line, Col int32
}

// IsValid reports whether p is a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Before reports whether p comes strictly before q.
func (p Pos) Before(q Pos) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Col < q.Col
}

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	return strconv.Itoa(int(p.Line)) + ":" + strconv.Itoa(int(p.Col))
}

// Severity distinguishes errors, which reject the input, from warnings,
// which accept it but point at something a reader should know.
type Severity uint8

const (
	SevError Severity = iota
	SevWarning
)

// Error is a positioned diagnostic.
type Error struct {
	File string
	Pos  Pos
	Msg  string
	Sev  Severity
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Pos.IsValid() {
		fmt.Fprintf(&b, "%d:%d: ", e.Pos.Line, e.Pos.Col)
	} else if e.File != "" {
		b.WriteByte(' ')
	}
	if e.Sev == SevWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// List is a list of diagnostics. The zero value is an empty list.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(file string, pos Pos, format string, args ...any) {
	*l = append(*l, &Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// Warn appends a warning at pos.
func (l *List) Warn(file string, pos Pos, format string, args ...any) {
	*l = append(*l, &Error{File: file, Pos: pos, Msg: fmt.Sprintf(format, args...), Sev: SevWarning})
}

// Sort orders the list by position, keeping the insertion order of
// diagnostics at the same position.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Before(l[j].Pos) })
}

// Errors returns the entries of severity SevError.
func (l List) Errors() List { return l.filter(SevError) }

// Warnings returns the entries of severity SevWarning.
func (l List) Warnings() List { return l.filter(SevWarning) }

func (l List) filter(s Severity) List {
	var out List
	for _, e := range l {
		if e.Sev == s {
			out = append(out, e)
		}
	}
	return out
}

// Err returns the list as an error if it holds at least one error
// (warnings alone do not make an error), and nil otherwise.
func (l List) Err() error {
	if len(l.Errors()) == 0 {
		return nil
	}
	return l
}

// Error prints every diagnostic, one per line.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}
