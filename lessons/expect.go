package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/report"
)

// Expect is what an exhaustive run of a "run" block must show, written
// in its info string as expect=TERM[,TERM...]. Every term must hold:
//
//   - Never, Sometimes, Always: the verdict of the script's condition;
//   - clean: no finding at all;
//   - finding:KIND: at least one finding of that kind (see FindingKinds).
//
// Every expectation also requires the exploration to be exhaustive.
type Expect struct {
	Verdict  string   // "Never", "Sometimes", "Always", or "" (not checked)
	Clean    bool     // no finding may be reported
	Findings []string // finding kinds that must be reported
}

// Goal is what the reader of an exercise block must reach in manual
// mode, written goal=exists or goal=finding:KIND.
type Goal struct {
	Exists  bool   // a complete execution whose final state satisfies the condition's proposition
	Finding string // an execution that reports a finding of this kind
}

// FindingKinds lists the finding kinds the engine reports (the Kind
// strings of core/explore and core/machine, and the assertion macros).
// An expectation naming another kind is an error, so that a typo cannot
// make a block vacuous.
var FindingKinds = append([]string{
	"deadlock", "recursive-locking", "lock-order", "data-race",
	"use-after-free", "double-free", "lost-pte", "detached-access",
	"sleep-in-atomic", "runtime-error", "step-bound", "bad-unlock",
	"rcu-unbalanced", "srcu-bad-unlock", "irq-unbalanced",
}, compile.CheckNames[:]...)

var verdicts = []string{"Never", "Sometimes", "Always"}

// ParseExpect parses the value of expect=.
func ParseExpect(s string) (Expect, error) {
	var e Expect
	if s == "" {
		return e, fmt.Errorf("empty expect= (want Never, Sometimes, Always, clean or finding:KIND, comma-separated)")
	}
	for _, term := range strings.Split(s, ",") {
		switch {
		case slices.Contains(verdicts, term):
			if e.Verdict != "" {
				return e, fmt.Errorf("expect=%s names two verdicts", s)
			}
			e.Verdict = term
		case term == "clean":
			e.Clean = true
		case strings.HasPrefix(term, "finding:"):
			k, err := parseKind(term)
			if err != nil {
				return e, err
			}
			e.Findings = append(e.Findings, k)
		default:
			return e, fmt.Errorf("unknown expectation %q (want Never, Sometimes, Always, clean or finding:KIND)", term)
		}
	}
	if e.Clean && len(e.Findings) > 0 {
		return e, fmt.Errorf("expect=%s asks for clean and for a finding", s)
	}
	return e, nil
}

// ParseGoal parses the value of goal=.
func ParseGoal(s string) (Goal, error) {
	switch {
	case s == "exists":
		return Goal{Exists: true}, nil
	case strings.HasPrefix(s, "finding:"):
		k, err := parseKind(s)
		return Goal{Finding: k}, err
	}
	return Goal{}, fmt.Errorf("unknown goal %q (want exists or finding:KIND)", s)
}

func parseKind(term string) (string, error) {
	k := strings.TrimPrefix(term, "finding:")
	if !slices.Contains(FindingKinds, k) {
		return "", fmt.Errorf("unknown finding kind %q (known: %s)", k, strings.Join(FindingKinds, ", "))
	}
	return k, nil
}

// String returns the expectation as written in an info string.
func (e Expect) String() string {
	var terms []string
	if e.Verdict != "" {
		terms = append(terms, e.Verdict)
	}
	if e.Clean {
		terms = append(terms, "clean")
	}
	for _, k := range e.Findings {
		terms = append(terms, "finding:"+k)
	}
	return strings.Join(terms, ",")
}

// String returns the goal as written in an info string.
func (g Goal) String() string {
	switch {
	case g.Exists:
		return "exists"
	case g.Finding != "":
		return "finding:" + g.Finding
	}
	return ""
}

// Check reports whether r, the result of an exhaustive run, meets the
// expectation; the error says what differs.
func (e Expect) Check(r *report.Result) error {
	if !r.Exhaustive {
		return fmt.Errorf("exploration not exhaustive (%s)", r.StopReason)
	}
	var errs []string
	if e.Verdict != "" && r.Verdict != e.Verdict {
		if r.Verdict == "" {
			errs = append(errs, fmt.Sprintf("want verdict %s, but the script has no condition", e.Verdict))
		} else {
			errs = append(errs, fmt.Sprintf("want verdict %s, got %s %d %d", e.Verdict, r.Verdict, r.Pos, r.Neg))
		}
	}
	if e.Clean && len(r.Findings) > 0 {
		errs = append(errs, "want no finding, got "+describe(r.Findings))
	}
	for _, k := range e.Findings {
		if !hasKind(r.Findings, k) {
			errs = append(errs, fmt.Sprintf("want a %s finding, got %s", k, describe(r.Findings)))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// Met reports whether one execution reaches the goal, given the kinds of
// the findings it reported and whether it completed in a final state that
// satisfies the condition's proposition. This is what the page calls when
// a manual-mode execution ends.
func (g Goal) Met(kinds []string, satisfies bool) bool {
	if g.Exists {
		return satisfies
	}
	return slices.Contains(kinds, g.Finding)
}

// MetBy reports whether r, the result of replaying one execution (a
// manual-mode session's token run with sim.Options{Replay: token}),
// reaches the goal.
func (g Goal) MetBy(r *report.Result) bool {
	var kinds []string
	for _, f := range r.Findings {
		kinds = append(kinds, f.Kind)
	}
	satisfies := false
	for _, s := range r.States {
		satisfies = satisfies || s.Satisfies
	}
	return g.Met(kinds, satisfies)
}

func hasKind(fs []report.Finding, kind string) bool {
	return slices.ContainsFunc(fs, func(f report.Finding) bool { return f.Kind == kind })
}

func describe(fs []report.Finding) string {
	if len(fs) == 0 {
		return "none"
	}
	var s []string
	for _, f := range fs {
		s = append(s, f.Kind+" ("+f.Message+")")
	}
	return strings.Join(s, ", ")
}
