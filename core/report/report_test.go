package report

import (
	"strings"
	"testing"
)

func sample() *Result {
	return &Result{
		File: "t.litmus", Name: "t", Quantifier: "~exists", Condition: "0:r0=1 /\\ [x]=2",
		Verdict: "Sometimes", Validated: false, Positive: 2, Negative: 1, Pos: 1, Neg: 2,
		Locations: []string{"0:r0", "x"},
		States: []State{
			{Values: []Value{{Int: 1}, {Int: 2}}, Count: 1, Satisfies: true, Token: "ptl1.A"},
			{Values: []Value{{Int: 0}, {Name: "y"}}, Count: 2, Token: "ptl1.B"},
		},
		Executions: 3, Exhaustive: true, Strategy: "dpor",
		Findings: []Finding{{Kind: "deadlock", Message: "deadlock: P0 ...", Report: "details", File: "t.litmus", Line: 3, Col: 4, Count: 1, Token: "ptl1.C"}},
		Stats:    Stats{Executions: 3, Complete: 3},
	}
}

func TestWriteText(t *testing.T) {
	var b strings.Builder
	WriteText(&b, sample())
	want := `Test t Forbidden
States 2
0:r0=1; [x]=2;
0:r0=0; [x]=y;
No
Witnesses
Positive: 2 Negative: 1
Condition ~exists (0:r0=1 /\ [x]=2)
Observation t Sometimes 1 2
Explored 3 executions (dpor): exhaustive; 3 complete

DEADLOCK: deadlock: P0 ...
  at t.litmus:3:4 (P0), seen in 1 execution
  details
  replay: ptl1.C
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestJSON(t *testing.T) {
	b, err := JSON(sample())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"name":"t"`, `"condition":"~exists (0:r0=1 /\\ [x]=2)"`, `"verdict":"Sometimes"`,
		`"values":{"0:r0":1,"x":2}`, `"values":{"0:r0":0,"x":"y"}`, `"token":"ptl1.C"`, `"exhaustive":true`, `"complete":3`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s:\n%s", want, s)
		}
	}
	r := sample()
	r.Quantifier, r.Verdict = "", ""
	b, _ = JSON(r)
	if !strings.Contains(string(b), `"condition":null,"verdict":null`) {
		t.Errorf("no condition: %s", b)
	}
}

func TestNotExhaustiveLine(t *testing.T) {
	r := sample()
	r.Exhaustive, r.StopReason, r.Executions = false, "execution bound (1 executions)", 1
	if got := r.ExplorationLine(); !strings.HasPrefix(got, "Explored 1 execution (dpor): NOT exhaustive: stopped by execution bound") {
		t.Errorf("line %q", got)
	}
}
