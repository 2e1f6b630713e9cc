// Package reader is the pure logic of the playground's lesson reader:
// the links the page routes (index.html#lesson=N, embed.html#lesson=N&block=K,
// #scenario=NAME, and share links, which package share decodes) and the
// reading position the page keeps in IndexedDB (which lesson the reader
// stopped at, and the exercises solved). It is pure Go, tested natively.
package reader

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// Kind is what a URL fragment asks for.
type Kind int

const (
	None     Kind = iota // no fragment
	Lesson               // lesson=N, optionally &block=K
	Scenario             // scenario=NAME
	Share                // anything else: a share link (package share decodes it, or says why not)
)

// Link is a parsed fragment.
type Link struct {
	Kind     Kind
	Lesson   int    // Lesson: the lesson's number, from 1
	Block    int    // Lesson: the block's number, from 1, or 0
	Scenario string // Scenario: the scenario's name, e.g. "R1-retract-vs-uffdio-copy"
}

// Parse parses a URL fragment (with or without its leading '#'). A
// fragment that starts with "lesson=" or "scenario=" but is malformed is
// an error meant for the user; any other fragment is a share link.
func Parse(fragment string) (Link, error) {
	f := strings.TrimPrefix(fragment, "#")
	switch {
	case f == "":
		return Link{Kind: None}, nil
	case strings.HasPrefix(f, "lesson="):
		return parseLesson(f)
	case strings.HasPrefix(f, "scenario="):
		name := strings.TrimPrefix(f, "scenario=")
		if !validName(name) {
			return Link{}, fmt.Errorf("this link names scenario %q, which is not a scenario name (such as R1-retract-vs-uffdio-copy)", clip(name))
		}
		return Link{Kind: Scenario, Scenario: name}, nil
	}
	return Link{Kind: Share}, nil
}

func parseLesson(f string) (Link, error) {
	l := Link{Kind: Lesson}
	for i, part := range strings.Split(f, "&") {
		k, v, _ := strings.Cut(part, "=")
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			return Link{}, fmt.Errorf("this link asks for %s %q: it should be a number from 1", k, clip(v))
		}
		switch {
		case i == 0 && k == "lesson":
			l.Lesson = n
		case i == 1 && k == "block":
			l.Block = n
		default:
			return Link{}, fmt.Errorf("this lesson link has %q where lesson=N or lesson=N&block=K was expected", clip(part))
		}
	}
	return l, nil
}

// validName reports whether s may be a scenario name: letters, digits,
// '-', '_' and '.'.
func validName(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// String returns the link as a fragment, without the '#'.
func (l Link) String() string {
	switch l.Kind {
	case Lesson:
		if l.Block > 0 {
			return "lesson=" + strconv.Itoa(l.Lesson) + "&block=" + strconv.Itoa(l.Block)
		}
		return "lesson=" + strconv.Itoa(l.Lesson)
	case Scenario:
		return "scenario=" + l.Scenario
	}
	return ""
}

func clip(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}

// Schema is the version of Position records this package writes.
const Schema = 1

// Position is where the reader stopped, saved in IndexedDB.
type Position struct {
	Schema  int      `json:"schema"`
	Lesson  int      `json:"lesson"`           // the lesson shown last, from 1
	Scroll  int      `json:"scroll"`           // how far its text was scrolled, in pixels
	Solved  []string `json:"solved,omitempty"` // exercises solved, as ExerciseKey gives them, in the order solved
	SavedAt int64    `json:"saved_at"`         // milliseconds since the Unix epoch
}

// ExerciseKey names exercise block k of lesson n in Position.Solved.
func ExerciseKey(n, k int) string { return strconv.Itoa(n) + "." + strconv.Itoa(k) }

// IsSolved reports whether the exercise is in p.Solved.
func (p *Position) IsSolved(n, k int) bool {
	key := ExerciseKey(n, k)
	for _, s := range p.Solved {
		if s == key {
			return true
		}
	}
	return false
}

// Solve adds the exercise to p.Solved and reports whether it was new.
func (p *Position) Solve(n, k int) bool {
	if p.IsSolved(n, k) {
		return false
	}
	p.Solved = append(p.Solved, ExerciseKey(n, k))
	return true
}

// Encode returns p as JSON, with the current schema.
func Encode(p Position) []byte {
	p.Schema = Schema
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // plain data always marshals
	}
	return b
}

// Decode parses a saved position. A record that does not decode, has
// another schema or names no lesson is an error (the page then starts at
// lesson 1 and says why).
func Decode(b []byte) (Position, error) {
	var p Position
	if err := json.Unmarshal(b, &p); err != nil {
		return Position{}, errors.New("the saved reading position does not decode")
	}
	switch {
	case p.Schema != Schema:
		return Position{}, fmt.Errorf("the saved reading position has schema %d, but this ptlab reads %d", p.Schema, Schema)
	case p.Lesson < 1:
		return Position{}, fmt.Errorf("the saved reading position names lesson %d", p.Lesson)
	}
	p.Scroll = max(p.Scroll, 0)
	return p, nil
}

// Witness chooses the interleaving to show after a lesson block's Run:
// for a block that expects findings, the first finding of an expected
// kind; else the first finding; else the first final state that
// satisfies the condition; else the first final state. It returns its
// replay token and a heading for it, or "" when the run has none.
func Witness(res *protocol.RunResult, expect string) (token, heading string) {
	if res == nil {
		return "", ""
	}
	want := map[string]bool{}
	for _, term := range strings.Split(expect, ",") {
		if k, ok := strings.CutPrefix(term, "finding:"); ok {
			want[k] = true
		}
	}
	for _, f := range res.Findings {
		if want[f.Kind] && f.Token != "" {
			return f.Token, strings.ToUpper(f.Kind) + ": " + f.Message
		}
	}
	for _, f := range res.Findings {
		if f.Token != "" {
			return f.Token, strings.ToUpper(f.Kind) + ": " + f.Message
		}
	}
	for _, s := range res.States {
		if s.Satisfies && res.Condition != "" && s.Token != "" {
			return s.Token, "Witness of " + s.Line + " (satisfies " + res.Condition + ")"
		}
	}
	for _, s := range res.States {
		if s.Token != "" {
			return s.Token, "Witness of " + s.Line
		}
	}
	return "", ""
}
