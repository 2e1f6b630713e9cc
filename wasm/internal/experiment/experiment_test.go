package experiment

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

func sample() Record {
	return Record{
		Schema: Schema, ID: "e1", Name: "SB with <b>locks</b>", Script: "C SB\n{}\n",
		Options: protocol.DefaultOptions(), Notes: "# Why\n<script>x</script>",
		Summary: &Summary{Observation: "Observation SB Never 0 2", Executions: 2, Exhaustive: true, States: 2, Findings: []string{}},
		Tokens:  []Token{{What: "outcome 0:r0=0; 1:r0=1;", Token: "ptl1.AQ"}},
		Created: 1700000000000, Updated: 1700000001000,
	}
}

func TestEncodeDecode(t *testing.T) {
	r := sample()
	got, err := Decode(Encode(r))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(got)
	b, _ := json.Marshal(r)
	if string(a) != string(b) {
		t.Errorf("round trip changed the record:\n got %s\nwant %s", a, b)
	}
	// A record without tokens stores [] and decodes to an empty list.
	r.Tokens = nil
	if !strings.Contains(string(Encode(r)), `"tokens":[]`) {
		t.Errorf("nil tokens encode as %s", Encode(r))
	}
}

func TestDecodeRejects(t *testing.T) {
	mod := func(f func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(Encode(sample()), &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"not JSON", []byte("{"), "does not decode"},
		{"an array", []byte("[1]"), "does not decode"},
		{"a string", []byte(`"hello"`), "does not decode"},
		{"extra data", append(Encode(sample()), []byte(" {}")...), "extra data"},
		{"script of the wrong type", mod(func(m map[string]any) { m["script"] = 42 }), "does not decode"},
		{"no schema", mod(func(m map[string]any) { delete(m, "schema") }), "schema 0"},
		{"newer schema", mod(func(m map[string]any) { m["schema"] = 7 }), "newer than this ptlab"},
		{"newer schema, other shape", mod(func(m map[string]any) { m["schema"] = 2; m["name"] = []int{1} }), "newer than this ptlab"},
		{"no id", mod(func(m map[string]any) { m["id"] = "" }), "no valid id"},
		{"blank name", mod(func(m map[string]any) { m["name"] = "  " }), "no name"},
		{"long name", mod(func(m map[string]any) { m["name"] = strings.Repeat("é", MaxName+1) }), "name is longer"},
		{"bad strategy", mod(func(m map[string]any) { m["options"].(map[string]any)["strategy"] = "bfs" }), "options are invalid"},
		{"negative time", mod(func(m map[string]any) { m["created"] = -1 }), "negative timestamp"},
		{"empty token", mod(func(m map[string]any) { m["tokens"] = []any{map[string]any{"what": "x", "token": ""}} }), "token 1 is empty"},
	} {
		_, err := Decode(tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %v, want an error mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestFromResult(t *testing.T) {
	r := &protocol.RunResult{
		Observation: "Observation x Sometimes 1 1", Exploration: "Explored 3 executions (dpor): exhaustive",
		Executions: 3, Exhaustive: true,
		States:   []protocol.State{{Line: "[x]=1;", Token: "ptl1.AA"}, {Line: "[x]=2;", Token: "ptl1.AB"}},
		Findings: []protocol.Finding{{Kind: "deadlock", Message: "deadlock: P0 waits", Token: "ptl1.AC"}},
	}
	s, toks := FromResult(r)
	if s.States != 2 || s.Executions != 3 || !s.Exhaustive || len(s.Findings) != 1 || s.Findings[0] != "DEADLOCK: deadlock: P0 waits" {
		t.Errorf("summary = %+v", s)
	}
	want := []Token{{"outcome [x]=1;", "ptl1.AA"}, {"outcome [x]=2;", "ptl1.AB"}, {"finding DEADLOCK: deadlock: P0 waits", "ptl1.AC"}}
	if fmt.Sprint(toks) != fmt.Sprint(want) {
		t.Errorf("tokens = %v, want %v", toks, want)
	}
}

func TestCopyName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		taken []string
		want  string
	}{
		{"SB", nil, "SB (copy)"},
		{"SB", []string{"SB", "SB (copy)"}, "SB (copy 2)"},
		{"SB", []string{"SB (copy)", "SB (copy 2)", "SB (copy 3)"}, "SB (copy 4)"},
	} {
		if got := CopyName(tc.name, tc.taken); got != tc.want {
			t.Errorf("CopyName(%q, %q) = %q, want %q", tc.name, tc.taken, got, tc.want)
		}
	}
	long := strings.Repeat("n", MaxName)
	if got := CopyName(long, nil); len([]rune(got)) > MaxName {
		t.Errorf("copy of a %d-character name has %d characters", MaxName, len([]rune(got)))
	}
}

func TestExportImport(t *testing.T) {
	a, b := sample(), sample()
	b.ID, b.Name, b.Summary, b.Tokens = "e2", "second", nil, nil
	file := Export([]Record{a, b}, 1700000002000)
	rs, problems, err := Import(file)
	if err != nil || len(problems) != 0 {
		t.Fatalf("Import(Export) = %v, %v", problems, err)
	}
	if len(rs) != 2 || rs[0].Name != a.Name || rs[1].Name != "second" || rs[0].Notes != a.Notes || rs[1].Summary != nil {
		t.Errorf("imported %+v", rs)
	}
	if !strings.Contains(string(file), `"format": "ptlab-experiments"`) {
		t.Errorf("export lacks its format marker:\n%s", file)
	}
}

func TestImportReportsBadRecords(t *testing.T) {
	good := Encode(sample())
	file := fmt.Sprintf(`{"format":"ptlab-experiments","version":1,"exported":0,"experiments":[%s,{"schema":1,"id":"x","name":"broken <img src=x>","script":5},{"schema":9,"id":"y","name":"future"},"junk"]}`, good)
	rs, problems, err := Import([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || len(problems) != 3 {
		t.Fatalf("got %d records and problems %v; want 1 record and 3 problems", len(rs), problems)
	}
	for i, want := range []string{`experiment 2 ("broken <img src=x>") was not imported: it does not decode`,
		`experiment 3 ("future") was not imported: it has schema 9, newer`, `experiment 4 (with key "4") was not imported`} {
		if !strings.Contains(problems[i].Error(), want) {
			t.Errorf("problem %d = %q, want it to contain %q", i, problems[i], want)
		}
	}
}

func TestImportRejectsFiles(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"hello", "not a ptlab export"},
		{`{"format":"other","version":1}`, `format "other"`},
		{`{"format":"ptlab-experiments","version":2,"experiments":[]}`, "version 2"},
		{`{"format":"ptlab-experiments","version":1,"experiments":{}}`, "not a ptlab export"},
	} {
		if _, _, err := Import([]byte(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Import(%q) = %v, want an error mentioning %q", tc.file, err, tc.want)
		}
	}
}

func TestMerge(t *testing.T) {
	a, b := sample(), sample()
	b.ID, b.Name = "e2", "other"
	changed := a
	changed.Updated++
	n := 0
	newID := func() string { n++; return fmt.Sprintf("new%d", n) }
	add, skipped := Merge([]Record{a}, []Record{a, b, changed}, newID)
	if skipped != 1 || len(add) != 2 || add[0].ID != "e2" || add[1].ID != "new1" {
		t.Errorf("Merge: skipped %d, added %+v", skipped, add)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(sample()))
	f.Add([]byte(`{"schema":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Decode accepted an invalid record: %v", err)
		}
		if _, err := Decode(Encode(r)); err != nil {
			t.Fatalf("re-encoding a decoded record: %v", err)
		}
	})
}
