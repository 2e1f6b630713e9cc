package explore

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/syntax"
)

func TestDebugSched(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("F"))
	f, errs := syntax.Parse("f", string(src))
	if errs.Err() != nil {
		t.Fatal(errs)
	}
	prog, d := compile.Compile("f", f)
	if prog == nil {
		t.Fatal(d)
	}
	e := &explorer{prog: prog, opt: Options{Strategy: "dpor", MaxSteps: 100, MaxPreemptions: -1}, res: &Result{}, index: map[string]int{}, ctx: context.Background()}
	debugSched = true
	e.dpor(true)
	for _, o := range e.res.Outcomes {
		s, _ := DecodeToken(o.Token, 0)
		fmt.Println(o.Values, s)
	}
}
