package reader

import (
	"strings"
	"testing"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Link
	}{
		{"", Link{Kind: None}},
		{"#", Link{Kind: None}},
		{"#lesson=3", Link{Kind: Lesson, Lesson: 3}},
		{"lesson=12", Link{Kind: Lesson, Lesson: 12}},
		{"#lesson=3&block=2", Link{Kind: Lesson, Lesson: 3, Block: 2}},
		{"#scenario=R1-retract-vs-uffdio-copy", Link{Kind: Scenario, Scenario: "R1-retract-vs-uffdio-copy"}},
		{"#scenario=R4-ro-nolock-write.fixed", Link{Kind: Scenario, Scenario: "R4-ro-nolock-write.fixed"}},
		{"#v1.abc", Link{Kind: Share}},
		{"#garbage", Link{Kind: Share}}, // package share explains what is wrong with it
	} {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if tc.want.Kind == Lesson || tc.want.Kind == Scenario {
			if back, err := Parse(got.String()); err != nil || back != got {
				t.Errorf("Parse(%q.String() = %q) = %+v, %v", tc.in, got.String(), back, err)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"#lesson=", `asks for lesson "": it should be a number from 1`},
		{"#lesson=x", `asks for lesson "x"`},
		{"#lesson=0", `asks for lesson "0"`},
		{"#lesson=-2", `asks for lesson "-2"`},
		{"#lesson=3&block=0", `asks for block "0"`},
		{"#lesson=3&block=", `asks for block ""`},
		{"#lesson=3&foo=1", `has "foo=1" where lesson=N or lesson=N&block=K was expected`},
		{"#lesson=3&block=1&block=2", `has "block=2"`},
		{"#scenario=", "is not a scenario name"},
		{"#scenario=<script>alert(1)</script>", `names scenario "<script>alert(1)</script…"`},
	} {
		_, err := Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) error %v, want one containing %q", tc.in, err, tc.want)
		}
	}
}

func TestPosition(t *testing.T) {
	p := Position{Lesson: 4, Scroll: 120, SavedAt: 99}
	if !p.Solve(3, 4) || p.Solve(3, 4) || !p.Solve(12, 7) {
		t.Errorf("Solve: %v", p.Solved)
	}
	if !p.IsSolved(3, 4) || p.IsSolved(4, 3) || p.IsSolved(1, 24) {
		t.Errorf("IsSolved with %v", p.Solved)
	}
	b := Encode(p)
	if string(b) != `{"schema":1,"lesson":4,"scroll":120,"solved":["3.4","12.7"],"saved_at":99}` {
		t.Errorf("Encode: %s", b)
	}
	got, err := Decode(b)
	if err != nil || got.Lesson != 4 || got.Scroll != 120 || strings.Join(got.Solved, ",") != "3.4,12.7" || got.Schema != Schema {
		t.Errorf("Decode: %+v, %v", got, err)
	}
	for _, tc := range []struct{ in, want string }{
		{`"just a string"`, "does not decode"},
		{`{"schema":2,"lesson":1}`, "schema 2, but this ptlab reads 1"},
		{`{"schema":1,"lesson":0}`, "names lesson 0"},
		{`{"schema":1}`, "names lesson 0"},
		{`{"schema":1,"lesson":"3"}`, "does not decode"},
	} {
		if _, err := Decode([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%s) error %v, want %q", tc.in, err, tc.want)
		}
	}
	if p, err := Decode([]byte(`{"schema":1,"lesson":2,"scroll":-5}`)); err != nil || p.Scroll != 0 {
		t.Errorf("a negative scroll: %+v, %v", p, err)
	}
}

// FuzzParse checks Parse never panics and that what it accepts as a
// lesson or scenario link comes back from String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "#lesson=3", "#lesson=3&block=2", "#scenario=R1-x", "#v1.abc", "#lesson=3&", "#scenario=a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil || l.Kind == None || l.Kind == Share {
			return
		}
		back, err := Parse(l.String())
		if err != nil || back != l {
			t.Errorf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", s, l, l.String(), back, err)
		}
	})
}

func TestWitness(t *testing.T) {
	res := &protocol.RunResult{
		Condition: "exists (0:r0=1)",
		States: []protocol.State{
			{Line: "0:r0=0;", Token: "ptl1.s0"},
			{Line: "0:r0=1;", Satisfies: true, Token: "ptl1.s1"},
		},
	}
	for _, tc := range []struct {
		findings      []protocol.Finding
		expect        string
		token, header string
	}{
		{nil, "Sometimes", "ptl1.s1", "Witness of 0:r0=1; (satisfies exists (0:r0=1))"},
		{[]protocol.Finding{{Kind: "data-race", Message: "race", Token: "ptl1.f0"}, {Kind: "lost-pte", Message: "lost", Token: "ptl1.f1"}}, "finding:lost-pte", "ptl1.f1", "LOST-PTE: lost"},
		{[]protocol.Finding{{Kind: "data-race", Message: "race", Token: "ptl1.f0"}}, "Sometimes,clean", "ptl1.f0", "DATA-RACE: race"},
	} {
		res.Findings = tc.findings
		tok, h := Witness(res, tc.expect)
		if tok != tc.token || h != tc.header {
			t.Errorf("Witness(%v, %q) = %q, %q; want %q, %q", tc.findings, tc.expect, tok, h, tc.token, tc.header)
		}
	}
	res.Findings, res.Condition = nil, ""
	if tok, h := Witness(res, ""); tok != "ptl1.s0" || h != "Witness of 0:r0=0;" {
		t.Errorf("no condition: %q, %q", tok, h)
	}
	if tok, _ := Witness(&protocol.RunResult{}, ""); tok != "" {
		t.Errorf("an empty result gave %q", tok)
	}
}
