package source

import "testing"

func TestErrorFormat(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list is an error")
	}
	l.Warn("a.litmus", Pos{Line: 3, Col: 7}, "shadowed %s", "x")
	if l.Err() != nil {
		t.Error("warnings alone must not make an error")
	}
	l.Add("a.litmus", Pos{Line: 2, Col: 1}, "undefined %s", "y")
	l.Add("", Pos{}, "no position")
	l.Sort()
	want := "a.litmus:2:1: undefined y\nno position\na.litmus:3:7: warning: shadowed x"
	if got := l.Error(); got != "no position\na.litmus:2:1: undefined y\na.litmus:3:7: warning: shadowed x" && got != want {
		t.Errorf("got %q", got)
	}
	if len(l.Errors()) != 2 || len(l.Warnings()) != 1 || l.Err() == nil {
		t.Errorf("errors %d warnings %d", len(l.Errors()), len(l.Warnings()))
	}
}

func TestPos(t *testing.T) {
	a, b := Pos{Line: 1, Col: 9}, Pos{Line: 2, Col: 1}
	if !a.Before(b) || b.Before(a) || a.Before(a) {
		t.Error("Before is wrong")
	}
	if (Pos{}).String() != "-" || a.String() != "1:9" {
		t.Error("String is wrong")
	}
}
