// Package examples lists the scripts the playground's Examples menu
// offers: the scenario catalogue (package scenarios) and a selection of
// classic LKMM litmus tests from the Linux kernel (litmus/, copied byte
// for byte from ../shared/litmus; origins and recorded verdicts in
// litmus/SOURCES.tsv; GPL-2.0, like the kernel).
package examples

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/ptlab/ptlab/scenarios"
)

//go:embed litmus/*.litmus litmus/SOURCES.tsv
var litmusFS embed.FS

// Example is one entry of the menu.
type Example struct {
	Group  string // "Scenarios" or "LKMM litmus tests"
	Name   string // the menu label
	File   string // file name
	Source string
	Note   string // one line shown with the example
}

// Groups are the menu's sections, in order.
var Groups = []string{"Scenarios", "LKMM litmus tests"}

// All returns every example: the scenarios, then the litmus tests, each
// sorted by file name.
func All() ([]Example, error) {
	var out []Example
	scs, err := scenarios.All()
	if err != nil {
		return nil, err
	}
	for _, s := range scs {
		name := strings.TrimSuffix(s.File, ".litmus")
		note := "the fixed version: exploring it must find nothing"
		if !strings.HasSuffix(name, ".fixed") {
			note = "the buggy version: exploring it must find " + s.Expect
		}
		out = append(out, Example{Group: Groups[0], Name: name, File: s.File, Source: s.Source, Note: note})
	}
	notes, err := litmusNotes()
	if err != nil {
		return nil, err
	}
	entries, err := litmusFS.ReadDir("litmus")
	if err != nil {
		return nil, err
	}
	var lit []Example
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".litmus") {
			continue
		}
		b, err := litmusFS.ReadFile("litmus/" + e.Name())
		if err != nil {
			return nil, err
		}
		note, ok := notes[e.Name()]
		if !ok {
			return nil, fmt.Errorf("examples: litmus/%s is not in litmus/SOURCES.tsv", e.Name())
		}
		lit = append(lit, Example{Group: Groups[1], Name: strings.TrimSuffix(e.Name(), ".litmus"), File: e.Name(), Source: string(b), Note: note})
	}
	sort.Slice(lit, func(i, j int) bool { return lit[i].File < lit[j].File })
	return append(out, lit...), nil
}

// litmusNotes reads SOURCES.tsv into one note per file: where it comes
// from and, when the kernel's memory model (herd7 LKMM) and ptlab's
// sequentially consistent exploration disagree, both verdicts.
func litmusNotes() (map[string]string, error) {
	b, err := litmusFS.ReadFile("litmus/SOURCES.tsv")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("examples: SOURCES.tsv line %d has %d fields, want 4", i+1, len(f))
		}
		origin, _, _ := strings.Cut(f[1], "@")
		lkmm, _, _ := strings.Cut(f[2], " ")
		note := "from " + origin
		switch {
		case f[3] == "DEADLOCK":
			note += "; expected: Never 0 0, no execution completes and passes the filter (herd's DEADLOCK)"
		case lkmm != f[3]:
			note += fmt.Sprintf("; LKMM says %s, but sequentially consistent exploration says %s (the outcome needs weak memory)", lkmm, f[3])
		default:
			note += "; expected: " + f[3]
		}
		out[f[0]] = note
	}
	return out, nil
}
