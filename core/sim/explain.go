package sim

import (
	"context"
	"fmt"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/report"
)

// maxExplainPreemptions bounds the search for a short explanation.
const maxExplainPreemptions = 4

// Explain finds the execution with the fewest preemptions that shows
// finding f (iterative preemption bounding: Musuvathi & Qadeer, PLDI
// 2007) and draws it as a CPU0/CPU1 diagram of the kind used on the mm
// mailing list: one column per thread, one row per step, consecutive
// steps of one thread at one source line folded into one row (a call
// into the prelude shows as the script line that made it).
func Explain(ctx context.Context, prog *compile.Program, src string, f report.Finding) (string, error) {
	for bound := 0; bound <= maxExplainPreemptions; bound++ {
		b := bound
		er, err := explore.Explore(ctx, prog, explore.Options{Strategy: "dpor", MaxPreemptions: b})
		if err != nil {
			return "", err
		}
		for _, g := range er.Findings {
			if g.Kind != f.Kind || g.Msg != f.Message {
				continue
			}
			rr, err := explore.Explore(ctx, prog, explore.Options{Strategy: "replay", Token: g.Token, MaxPreemptions: -1})
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Explanation: %s with %d preemption%s (replay %s)\n%s", f.Kind, b, plural(b), g.Token, diagram(prog, src, rr.Events)), nil
		}
	}
	return "", fmt.Errorf("no execution with at most %d preemptions shows this finding", maxExplainPreemptions)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// diagram draws events as columns per thread.
func diagram(prog *compile.Program, src string, events []explore.Event) string {
	lines := strings.Split(src, "\n")
	nth := len(prog.Threads)
	if prog.RCUCallbacks {
		nth++
	}
	const width = 38
	type row struct {
		thread int
		text   string
	}
	var rows []row
	for _, ev := range events {
		text := ev.Op.Name
		if l := int(ev.Op.Pos.Line); l > 0 && l <= len(lines) {
			text = strings.TrimSpace(lines[l-1])
		}
		if ev.Thread >= len(prog.Threads) {
			text = "RCU callback: " + text
		}
		if n := len(rows); n > 0 && rows[n-1].thread == ev.Thread && rows[n-1].text == text {
			continue // the same line, one more step of it
		}
		rows = append(rows, row{ev.Thread, text})
	}
	var b strings.Builder
	for t := 0; t < nth; t++ {
		name := fmt.Sprintf("CPU%d (P%d)", t, t)
		if t >= len(prog.Threads) {
			name = "RCU callbacks"
		}
		fmt.Fprintf(&b, "%-*s", width, name)
	}
	trim(&b)
	for t := 0; t < nth; t++ {
		fmt.Fprintf(&b, "%-*s", width, "----")
	}
	trim(&b)
	for _, r := range rows {
		text := r.text
		if len(text) > width-2 {
			text = text[:width-5] + "..."
		}
		b.WriteString(strings.Repeat(" ", width*r.thread))
		b.WriteString(strings.TrimRight(text, " ") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// trim ends the current line of b without trailing spaces.
func trim(b *strings.Builder) {
	s := strings.TrimRight(b.String(), " ")
	b.Reset()
	b.WriteString(s + "\n")
}
