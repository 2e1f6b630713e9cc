// Package scenarios holds the race catalogue of kernel.md §4 as runnable
// litmus tests: for each race Rn, Rn-<slug>.litmus shows the buggy code
// and Rn-<slug>.fixed.litmus the fix. Each file's leading comment says
// what running it must find ("expect: <finding kind>" or "expect: none").
// The playground offers them as examples.
package scenarios

import (
	"embed"
	"regexp"
	"sort"
)

// FS holds the scenario files.
//
//go:embed *.litmus
var FS embed.FS

// Scenario is one file of the catalogue.
type Scenario struct {
	File   string
	Source string
	Expect string // the finding kind the run must report, or "none"
}

var expectRE = regexp.MustCompile(`(?m)^\s*\*?\s*expect:\s*([A-Za-z_-]+)`)

// All returns the scenarios, sorted by file name.
func All() ([]Scenario, error) {
	entries, err := FS.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []Scenario
	for _, e := range entries {
		b, err := FS.ReadFile(e.Name())
		if err != nil {
			return nil, err
		}
		s := Scenario{File: e.Name(), Source: string(b)}
		if m := expectRE.FindStringSubmatch(s.Source); m != nil {
			s.Expect = m[1]
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}
