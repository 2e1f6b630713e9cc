// Package report holds the result of exploring one litmus test and prints
// it: herd7-style text, kernel-style splats and JSON for the CLI and the UI.
package report

// Result is everything one run of one test produced. It is plain data:
// printing it twice gives byte-identical output.
type Result struct {
	File       string // file name as given
	Name       string // test name from the C header
	Quantifier string // "exists", "~exists", "forall" or "" (no condition)
	Condition  string // canonical text of the condition proposition, "" if none
	Verdict    string // "Never", "Sometimes", "Always" or "" (no condition)
	Validated  bool   // herd's Ok/No
	Positive   int    // herd's Positive (swapped for ~exists, as herd does)
	Negative   int    // herd's Negative
	Pos, Neg   int    // executions whose final state does / does not satisfy the proposition
	Locations  []string
	States     []State
	Executions int // executions explored, complete or not
	Exhaustive bool
	StopReason string // why a non-exhaustive run stopped ("" when exhaustive)
	Note       string // extra information, e.g. the PCT guarantee
	Strategy   string
	Seed       uint64
	Findings   []Finding
	Warnings   []string // positioned warnings from the checker
	Stats      Stats
}

// State is one distinct final state over Locations.
type State struct {
	Values    []Value // one per Locations entry, same order
	Count     int     // executions that ended in this state
	Satisfies bool    // whether the condition's proposition holds in it
	Token     string  // replay token of one witness execution
}

// Value is one location's final value: an integer, or the name of the
// shared variable a pointer points to.
type Value struct {
	Int  int64
	Name string // non-empty for pointer values
}

// Finding is one problem found during exploration.
type Finding struct {
	Kind    string // e.g. "deadlock", "BUG_ON", "WARN_ON", "step-bound", "runtime-error"
	Message string // one line
	Report  string // multi-line kernel-style report text
	File    string
	Line    int
	Col     int
	Thread  int    // -1: the RCU callback pseudo-thread
	Count   int    // executions in which it was found
	Token   string // replay token of the first execution that showed it
}

// Stats are counters about the exploration. They are deterministic; wall
// time is not part of a Result.
type Stats struct {
	Executions   int `json:"executions"`    // total executions explored
	Complete     int `json:"complete"`      // executions in which every thread finished
	Deadlocked   int `json:"deadlocked"`    // executions that ended with every unfinished thread blocked
	SleepBlocked int `json:"sleep_blocked"` // executions cut short by the sleep set (DPOR)
	Filtered     int `json:"filtered"`      // complete executions dropped by the filter clause
	Errored      int `json:"errored"`       // executions ended by a runtime error or the step bound
	Pruned       int `json:"pruned"`        // executions cut by the preemption bound
	Steps        int `json:"steps"`         // visible steps executed, replays included
	MaxDepth     int `json:"max_depth"`     // longest execution, in visible steps
}
