// Package experiment defines the playground's saved experiments: the
// record stored in IndexedDB, its validation, and the export file format.
// It is pure Go; the page (wasm/) stores and loads the JSON it produces.
//
// Every record carries a schema version. A record that does not decode,
// fails validation or comes from a newer schema is reported to the user
// by the page, never silently dropped or overwritten.
package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// Schema is the version of the records this package writes.
const Schema = 1

// Limits on what a record may hold.
const (
	MaxName   = 200
	MaxScript = 1 << 20
	MaxNotes  = 1 << 18
	MaxTokens = 1000
)

// Record is one saved experiment.
type Record struct {
	Schema  int              `json:"schema"`
	ID      string           `json:"id"`
	Name    string           `json:"name"`
	Script  string           `json:"script"`
	Options protocol.Options `json:"options"`
	Notes   string           `json:"notes"`             // Markdown
	Summary *Summary         `json:"summary,omitempty"` // of the last run, if any
	Tokens  []Token          `json:"tokens"`            // replay tokens of the last run's outcomes and findings
	Created int64            `json:"created"`           // ms since the Unix epoch
	Updated int64            `json:"updated"`
}

// Summary summarizes a run.
type Summary struct {
	Observation string   `json:"observation"`
	Exploration string   `json:"exploration"`
	Executions  int      `json:"executions"`
	Exhaustive  bool     `json:"exhaustive"`
	States      int      `json:"states"`
	Findings    []string `json:"findings"` // "KIND: message"
}

// Token is a replay token and what it shows.
type Token struct {
	What  string `json:"what"` // e.g. "outcome 0:r0=0; 1:r0=1;" or "finding DEADLOCK: ..."
	Token string `json:"token"`
}

// FromResult builds the summary and tokens of a run.
func FromResult(r *protocol.RunResult) (*Summary, []Token) {
	s := &Summary{Observation: r.Observation, Exploration: r.Exploration, Executions: r.Executions,
		Exhaustive: r.Exhaustive, States: len(r.States), Findings: []string{}}
	var toks []Token
	for _, st := range r.States {
		toks = append(toks, Token{What: "outcome " + st.Line, Token: st.Token})
	}
	for _, f := range r.Findings {
		line := strings.ToUpper(f.Kind) + ": " + f.Message
		s.Findings = append(s.Findings, line)
		toks = append(toks, Token{What: "finding " + line, Token: f.Token})
	}
	if len(toks) > MaxTokens {
		toks = toks[:MaxTokens]
	}
	return s, toks
}

// Validate reports the first problem of r.
func (r *Record) Validate() error {
	switch {
	case r.Schema != Schema:
		if r.Schema > Schema {
			return fmt.Errorf("it has schema %d, newer than this ptlab's %d (was it saved by a newer version?)", r.Schema, Schema)
		}
		return fmt.Errorf("it has schema %d; want %d", r.Schema, Schema)
	case r.ID == "" || len(r.ID) > 100:
		return errors.New("it has no valid id")
	case strings.TrimSpace(r.Name) == "":
		return errors.New("it has no name")
	case utf8.RuneCountInString(r.Name) > MaxName:
		return fmt.Errorf("its name is longer than %d characters", MaxName)
	case len(r.Script) > MaxScript:
		return fmt.Errorf("its script is longer than %d bytes", MaxScript)
	case len(r.Notes) > MaxNotes:
		return fmt.Errorf("its notes are longer than %d bytes", MaxNotes)
	case len(r.Tokens) > MaxTokens:
		return fmt.Errorf("it has more than %d replay tokens", MaxTokens)
	case r.Created < 0 || r.Updated < 0:
		return errors.New("it has a negative timestamp")
	}
	if err := r.Options.Validate(); err != nil {
		return fmt.Errorf("its options are invalid: %v", err)
	}
	for i, t := range r.Tokens {
		if t.Token == "" {
			return fmt.Errorf("its replay token %d is empty", i+1)
		}
	}
	return nil
}

// Decode decodes and validates one stored record. The error says what is
// wrong, in words a user can act on.
func Decode(b []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		var probe struct {
			Schema int `json:"schema"`
		}
		if json.Unmarshal(b, &probe) == nil && probe.Schema > Schema {
			return Record{}, fmt.Errorf("it has schema %d, newer than this ptlab's %d (was it saved by a newer version?)", probe.Schema, Schema)
		}
		return Record{}, fmt.Errorf("it does not decode: %v", err)
	}
	if dec.More() {
		return Record{}, errors.New("it does not decode: extra data after the record")
	}
	if err := r.Validate(); err != nil {
		return Record{}, err
	}
	if r.Tokens == nil {
		r.Tokens = []Token{}
	}
	return r, nil
}

// Encode returns r as stored JSON.
func Encode(r Record) []byte {
	if r.Tokens == nil {
		r.Tokens = []Token{}
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // plain data always marshals
	}
	return b
}

// RecordName returns a short, quoted label for a stored record in error
// messages: its name if it has one, else its key.
func RecordName(b []byte, key string) string {
	var probe struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(b, &probe) == nil && strings.TrimSpace(probe.Name) != "" {
		n := probe.Name
		if utf8.RuneCountInString(n) > 40 {
			n = string([]rune(n)[:40]) + "…"
		}
		return fmt.Sprintf("%q", n)
	}
	return "with key " + fmt.Sprintf("%q", key)
}

// CopyName is the name of a duplicate of an experiment named name, given
// the names already taken: "name (copy)", then "name (copy 2)", ...
func CopyName(name string, taken []string) string {
	has := map[string]bool{}
	for _, t := range taken {
		has[t] = true
	}
	base := name + " (copy)"
	if utf8.RuneCountInString(base) > MaxName {
		base = string([]rune(base)[:MaxName])
	}
	for i, n := 2, base; ; i++ {
		if !has[n] {
			return n
		}
		n = fmt.Sprintf("%s (copy %d)", name, i)
		if utf8.RuneCountInString(n) > MaxName {
			n = fmt.Sprintf("copy %d", i)
		}
	}
}

// The export file format.
const (
	FileFormat  = "ptlab-experiments"
	FileVersion = 1
)

// File is an export file: a JSON object holding experiments.
type File struct {
	Format      string            `json:"format"`
	Version     int               `json:"version"`
	Exported    int64             `json:"exported"` // ms since the Unix epoch
	Experiments []json.RawMessage `json:"experiments"`
}

// Export returns the export file of rs.
func Export(rs []Record, now int64) []byte {
	f := File{Format: FileFormat, Version: FileVersion, Exported: now, Experiments: []json.RawMessage{}}
	for _, r := range rs {
		f.Experiments = append(f.Experiments, Encode(r))
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// Import reads an export file. It returns the records that are valid and,
// for each one that is not, an error naming it; err is non-nil when the
// file as a whole is not an export file.
func Import(b []byte) (rs []Record, problems []error, err error) {
	var f File
	if e := json.Unmarshal(b, &f); e != nil {
		return nil, nil, fmt.Errorf("this file is not a ptlab export (it is not JSON of the right shape: %v)", e)
	}
	if f.Format != FileFormat {
		return nil, nil, fmt.Errorf("this file is not a ptlab export (format %q, want %q)", f.Format, FileFormat)
	}
	if f.Version != FileVersion {
		return nil, nil, fmt.Errorf("this export has version %d; this ptlab reads version %d", f.Version, FileVersion)
	}
	for i, raw := range f.Experiments {
		r, e := Decode(raw)
		if e != nil {
			problems = append(problems, fmt.Errorf("experiment %d (%s) was not imported: %v", i+1, RecordName(raw, fmt.Sprint(i+1)), e))
			continue
		}
		rs = append(rs, r)
	}
	return rs, problems, nil
}

// Merge decides what an import adds to the existing records: a record
// identical to an existing one (same id, same update time and script) is
// skipped; one whose id is taken by a different record gets a new id from
// newID. It returns the records to add and how many were skipped.
func Merge(existing, incoming []Record, newID func() string) (add []Record, skipped int) {
	byID := map[string]Record{}
	for _, r := range existing {
		byID[r.ID] = r
	}
	for _, r := range incoming {
		if old, ok := byID[r.ID]; ok {
			if old.Updated == r.Updated && old.Script == r.Script && old.Name == r.Name {
				skipped++
				continue
			}
			r.ID = newID()
		}
		byID[r.ID] = r
		add = append(add, r)
	}
	return add, skipped
}
