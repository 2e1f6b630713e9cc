package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// String prints a value as herd does: a number, or a variable name.
func (v Value) String() string {
	if v.Name != "" {
		return v.Name
	}
	return strconv.FormatInt(v.Int, 10)
}

// kind is herd's word for the test after "Test name".
func (r *Result) kind() string {
	switch r.Quantifier {
	case "~exists":
		return "Forbidden"
	case "forall":
		return "Required"
	}
	return "Allowed"
}

// StateLine prints state s the way herd prints a final state.
func (r *Result) StateLine(s State) string {
	var b strings.Builder
	for i, loc := range r.Locations {
		if !strings.Contains(loc, ":") {
			loc = "[" + loc + "]"
		}
		fmt.Fprintf(&b, "%s=%s; ", loc, s.Values[i])
	}
	return strings.TrimSuffix(b.String(), " ")
}

// WriteText prints r the way herd7 prints a test, then a line on the
// exploration, then the findings as kernel-style reports.
func WriteText(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Test %s %s\n", r.Name, r.kind())
	fmt.Fprintf(&b, "States %d\n", len(r.States))
	for _, s := range r.States {
		b.WriteString(r.StateLine(s) + "\n")
	}
	if r.Validated || r.Quantifier == "" && r.Pos > 0 {
		b.WriteString("Ok\n")
	} else {
		b.WriteString("No\n")
	}
	b.WriteString("Witnesses\n")
	fmt.Fprintf(&b, "Positive: %d Negative: %d\n", r.Positive, r.Negative)
	q, c := r.Quantifier, r.Condition
	if q == "" {
		q, c = "exists", "true"
	}
	fmt.Fprintf(&b, "Condition %s (%s)\n", q, c)
	v := r.Verdict
	if v == "" {
		v = Verdict(r.Pos, r.Neg)
	}
	fmt.Fprintf(&b, "Observation %s %s %d %d\n", r.Name, v, r.Pos, r.Neg)
	b.WriteString(r.ExplorationLine() + "\n")
	if r.Note != "" {
		b.WriteString(r.Note + "\n")
	}
	for _, wn := range r.Warnings {
		b.WriteString(wn + "\n")
	}
	for _, f := range r.Findings {
		b.WriteString("\n" + f.Text())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Verdict is herd's Observation word for pos executions satisfying the
// proposition and neg not: Never when none does (including no complete
// execution at all), Always when all do, Sometimes otherwise.
func Verdict(pos, neg int) string {
	switch {
	case pos == 0:
		return "Never"
	case neg == 0:
		return "Always"
	}
	return "Sometimes"
}

// ExplorationLine says how many executions were explored, by which
// strategy, and whether the answer is exhaustive or which bound stopped it.
func (r *Result) ExplorationLine() string {
	s := fmt.Sprintf("Explored %d execution%s (%s): ", r.Executions, plural(r.Executions), r.Strategy)
	if r.Exhaustive {
		s += "exhaustive"
	} else {
		s += "NOT exhaustive: stopped by " + r.StopReason
	}
	st := r.Stats
	s += fmt.Sprintf("; %d complete", st.Complete)
	for _, x := range []struct {
		n    int
		what string
	}{{st.Deadlocked, "deadlocked"}, {st.Errored, "crashed or bounded"}, {st.SleepBlocked, "sleep-set blocked"}, {st.Filtered, "filtered out"}, {st.Pruned, "cut by the preemption bound"}} {
		if x.n > 0 {
			s += fmt.Sprintf(", %d %s", x.n, x.what)
		}
	}
	return s
}

// Text prints a finding as a report: its headline, position, how often it
// was seen, the kernel-style body and its replay token.
func (f *Finding) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", strings.ToUpper(f.Kind), f.Message)
	if f.Line > 0 {
		fmt.Fprintf(&b, "  at %s:%d:%d (%s), seen in %d execution%s\n", f.File, f.Line, f.Col, ThreadName(f.Thread), f.Count, plural(f.Count))
	}
	if f.Report != "" {
		for _, line := range strings.Split(f.Report, "\n") {
			b.WriteString(strings.TrimRight("  "+line, " ") + "\n")
		}
	}
	fmt.Fprintf(&b, "  replay: %s\n", f.Token)
	return b.String()
}

// ThreadName names thread t: P0, P1, ..., or "RCU" for the RCU callback
// pseudo-thread (t < 0).
func ThreadName(t int) string {
	if t < 0 {
		return "RCU"
	}
	return fmt.Sprintf("P%d", t)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// JSON returns r as the JSON object of DESIGN §7.
func JSON(r *Result) ([]byte, error) {
	type jstate struct {
		Values    json.RawMessage `json:"values"`
		Count     int             `json:"count"`
		Satisfies bool            `json:"satisfies"`
		Token     string          `json:"token"`
	}
	type jfinding struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
		Report  string `json:"report,omitempty"`
		File    string `json:"file"`
		Line    int    `json:"line"`
		Col     int    `json:"col"`
		Thread  int    `json:"thread"`
		Count   int    `json:"count"`
		Token   string `json:"token"`
	}
	out := struct {
		Name       string     `json:"name"`
		File       string     `json:"file"`
		Condition  *string    `json:"condition"`
		Verdict    *string    `json:"verdict"`
		Validated  bool       `json:"validated"`
		Positive   int        `json:"positive"`
		Negative   int        `json:"negative"`
		Locations  []string   `json:"locations"`
		States     []jstate   `json:"states"`
		Executions int        `json:"executions"`
		Exhaustive bool       `json:"exhaustive"`
		StopReason string     `json:"stop_reason,omitempty"`
		Strategy   string     `json:"strategy"`
		Seed       uint64     `json:"seed"`
		Note       string     `json:"note,omitempty"`
		Findings   []jfinding `json:"findings"`
		Warnings   []string   `json:"warnings"`
		Stats      Stats      `json:"stats"`
	}{
		Name: r.Name, File: r.File, Validated: r.Validated, Positive: r.Positive, Negative: r.Negative,
		Locations: r.Locations, Executions: r.Executions, Exhaustive: r.Exhaustive,
		StopReason: r.StopReason, Strategy: r.Strategy, Seed: r.Seed, Note: r.Note, Stats: r.Stats,
		States: []jstate{}, Findings: []jfinding{}, Warnings: r.Warnings,
	}
	if out.Locations == nil {
		out.Locations = []string{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if r.Quantifier != "" {
		c := r.Quantifier + " (" + r.Condition + ")"
		out.Condition, out.Verdict = &c, &r.Verdict
	}
	for _, s := range r.States {
		var vb bytes.Buffer
		vb.WriteByte('{')
		for i, loc := range r.Locations {
			if i > 0 {
				vb.WriteByte(',')
			}
			k, _ := json.Marshal(loc)
			vb.Write(k)
			vb.WriteByte(':')
			if s.Values[i].Name != "" {
				n, _ := json.Marshal(s.Values[i].Name)
				vb.Write(n)
			} else {
				vb.WriteString(strconv.FormatInt(s.Values[i].Int, 10))
			}
		}
		vb.WriteByte('}')
		out.States = append(out.States, jstate{Values: vb.Bytes(), Count: s.Count, Satisfies: s.Satisfies, Token: s.Token})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jfinding{f.Kind, f.Message, f.Report, f.File, f.Line, f.Col, f.Thread, f.Count, f.Token})
	}
	return json.Marshal(out)
}
