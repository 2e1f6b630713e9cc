// Package lanes lays out an execution trace (report.Trace) as swimlanes:
// one column per thread plus RCU, one row per step, with the steps of a
// call (a prelude helper such as pte_offset_map_lock, or a script helper)
// collapsible into one row, and with lock-hold spans, RCU read-side
// sections and IRQ-disabled sections as bars. It is pure Go; the page
// draws what Layout returns.
package lanes

import (
	"strings"

	"github.com/ptlab/ptlab/core/report"
)

// Group is one call seen in a trace: a maximal run of consecutive steps
// (in the trace's global order) made by one thread inside one call.
// When other threads interleave with a call, the call shows as several
// groups, each marked as a part, so rows never reorder the trace.
type Group struct {
	ID       int    // index in Layout.Groups
	Thread   int    //
	Func     string // the called function
	Prelude  bool   // a kernel prelude helper (collapsed by default)
	Line     int    // the call site in the script (for nested calls: of the outermost call)
	Col      int    //
	Depth    int    // 1 for a call made by the thread body, 2 for a call inside it, ...
	First    int    // first and last step of the group
	Last     int    //
	Part     int    // 1, 2, ... when the call is split by other threads' steps; 0 when it is whole
	Parent   int    // enclosing group's ID, or -1
	Children []Item // in order

	inst int // the call instance the group is (part of)
}

// Item is a step or a nested group.
type Item struct {
	Step  int // index into the trace's steps, or -1
	Group int // group ID when Step is -1
}

// Span is a bar: a lock held, an RCU read-side section or an
// IRQ-disabled section, from the step that opened it to the step that
// closed it.
type Span struct {
	Thread int
	Kind   string // "lock", "read" (a lock held for read), "rcu", "irq"
	Name   string // the lock's name, "rcu" or "irq"
	Start  int    // step that opened it
	End    int    // step that closed it, or -1 if still open at the end
	Track  int    // position of the bar within its thread's column (0 = leftmost)
	Color  int    // colour index: one per lock name, in order of first use; -1 for rcu and irq
}

// Layout is a trace's swimlanes before choosing which calls are expanded.
type Layout struct {
	Trace  *report.Trace
	Top    []Item // the top-level items in trace order
	Groups []*Group
	Spans  []Span
	Tracks []int // per thread: how many bar tracks its column needs
}

// New lays out tr.
func New(tr *report.Trace) *Layout {
	l := &Layout{Trace: tr, Tracks: make([]int, len(tr.Threads))}
	l.group()
	l.spans()
	return l
}

// callKey identifies the call at depth d (1-based) of a stack: the call
// sites of every frame up to it, the called function and the call's
// number (report.Frame.Call), so that two calls from one site, one after
// the other (a loop), are two calls, not one.
func callKey(stack []report.Frame, d int) string {
	var b strings.Builder
	for _, f := range stack[:d] {
		b.WriteString(f.Func)
		b.WriteByte('#')
		b.WriteString(itoa(f.Call))
		b.WriteByte('@')
		b.WriteString(itoa(f.Line))
		b.WriteByte(':')
		b.WriteString(itoa(f.Col))
		b.WriteByte('/')
	}
	b.WriteString(stack[d].Func)
	b.WriteByte('#')
	b.WriteString(itoa(stack[d].Call))
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// group builds the call groups. A thread's call instance at depth d
// continues from its previous step when that step had the same call key
// at every depth up to d; other threads' steps in between split it into
// parts.
func (l *Layout) group() {
	type inst struct {
		key string
		id  int
	} // a call instance of one thread
	nthreads := len(l.Trace.Threads)
	threadCalls := make([][]inst, nthreads) // per thread: the call instances its last step was in
	nextInst := 0
	instParts := map[int][]int{} // call instance → its groups, in order
	var open []int               // groups open at the previous step (outermost first)
	prevThread := -1
	for i, st := range l.Trace.Steps {
		t := st.Thread
		// The call instances this step is in, reusing the thread's
		// previous ones while the keys match.
		var calls []inst
		if t >= 0 && t < nthreads {
			prev := threadCalls[t]
			same := true
			for d := 1; d < len(st.Stack); d++ {
				k := callKey(st.Stack, d)
				if same && d-1 < len(prev) && prev[d-1].key == k {
					calls = append(calls, prev[d-1])
					continue
				}
				same = false
				calls = append(calls, inst{k, nextInst})
				nextInst++
			}
			threadCalls[t] = calls
		}
		// Keep the open groups this step continues; close the rest.
		keep := 0
		if t == prevThread {
			for keep < len(open) && keep < len(calls) && l.Groups[open[keep]].inst == calls[keep].id {
				keep++
			}
		}
		open = open[:keep]
		for d := keep; d < len(calls); d++ {
			f := st.Stack[d+1]
			g := &Group{ID: len(l.Groups), Thread: t, Func: f.Func, Prelude: f.Prelude, Line: st.Line, Col: st.Col,
				Depth: d + 1, First: i, Parent: -1, inst: calls[d].id}
			if len(st.Stack) > 0 {
				g.Line, g.Col = st.Stack[0].Line, st.Stack[0].Col
			}
			instParts[g.inst] = append(instParts[g.inst], g.ID)
			l.Groups = append(l.Groups, g)
			item := Item{Step: -1, Group: g.ID}
			if d == 0 {
				l.Top = append(l.Top, item)
			} else {
				g.Parent = open[d-1]
				p := l.Groups[g.Parent]
				p.Children = append(p.Children, item)
			}
			open = append(open, g.ID)
		}
		item := Item{Step: i, Group: -1}
		if len(open) == 0 {
			l.Top = append(l.Top, item)
		} else {
			p := l.Groups[open[len(open)-1]]
			p.Children = append(p.Children, item)
		}
		for _, g := range open {
			l.Groups[g].Last = i
		}
		prevThread = t
	}
	for _, parts := range instParts {
		if len(parts) > 1 {
			for n, g := range parts {
				l.Groups[g].Part = n + 1
			}
		}
	}
}

// spans pairs the steps that open and close bars.
func (l *Layout) spans() {
	colors := map[string]int{}
	var used [][]bool // per thread: tracks in use
	used = make([][]bool, len(l.Trace.Threads))
	openSpans := map[[2]string]int{} // (thread, kind+name) → index in l.Spans of the innermost open span
	key := func(t int, kind, name string) [2]string { return [2]string{itoa(t), kind + "\x00" + name} }
	start := func(i, t int, kind, name string) {
		if t < 0 || t >= len(used) {
			return
		}
		track := 0
		for track < len(used[t]) && used[t][track] {
			track++
		}
		if track == len(used[t]) {
			used[t] = append(used[t], false)
		}
		used[t][track] = true
		l.Tracks[t] = max(l.Tracks[t], track+1)
		c := -1
		if kind == "lock" || kind == "read" {
			var ok bool
			if c, ok = colors[name]; !ok {
				c = len(colors)
				colors[name] = c
			}
		}
		openSpans[key(t, kind, name)] = len(l.Spans)
		l.Spans = append(l.Spans, Span{Thread: t, Kind: kind, Name: name, Start: i, End: -1, Track: track, Color: c})
	}
	end := func(i, t int, kinds []string, name string) {
		for _, kind := range kinds {
			k := key(t, kind, name)
			if s, ok := openSpans[k]; ok {
				l.Spans[s].End = i
				used[t][l.Spans[s].Track] = false
				delete(openSpans, k)
				// An outer span of the same lock (recursive locking)
				// becomes the open one again.
				for j := s - 1; j >= 0; j-- {
					if sp := l.Spans[j]; sp.Thread == t && sp.Kind == kind && sp.Name == name && sp.End < 0 {
						openSpans[k] = j
						break
					}
				}
				return
			}
		}
	}
	for i, st := range l.Trace.Steps {
		t := st.Thread
		switch st.Span {
		case "acquire":
			kind := "lock"
			if strings.Contains(st.Op, "read") {
				kind = "read"
			}
			start(i, t, kind, st.Lock)
		case "release":
			if strings.Contains(st.Op, "read") {
				end(i, t, []string{"read", "lock"}, st.Lock)
			} else {
				end(i, t, []string{"lock", "read"}, st.Lock)
			}
		case "downgrade":
			end(i, t, []string{"lock"}, st.Lock)
			start(i, t, "read", st.Lock)
		case "rcu-enter":
			start(i, t, "rcu", "rcu")
		case "rcu-exit":
			end(i, t, []string{"rcu"}, "rcu")
		case "irq-off":
			start(i, t, "irq", "irq")
		case "irq-on":
			end(i, t, []string{"irq"}, "irq")
		}
	}
}

// Row is one visible row of the swimlanes.
type Row struct {
	Thread   int
	First    int  // first and last step the row stands for; -1 for none
	Last     int  //
	Step     int  // the step shown, or -1 for a group row
	Group    int  // the group shown, or -1 for a step row
	Expanded bool // a group row whose steps are shown below it
	Indent   int  // nesting depth of the row inside expanded calls
}

// DefaultExpanded reports whether group g starts expanded: script helpers
// do, prelude helpers (the kernel's composite functions) do not.
func (l *Layout) DefaultExpanded(g int) bool { return !l.Groups[g].Prelude }

// Rows returns the visible rows, given which groups are expanded.
func (l *Layout) Rows(expanded func(group int) bool) []Row {
	var rows []Row
	var walk func(items []Item, indent int)
	walk = func(items []Item, indent int) {
		for _, it := range items {
			if it.Step >= 0 {
				rows = append(rows, Row{Thread: l.Trace.Steps[it.Step].Thread, First: it.Step, Last: it.Step, Step: it.Step, Group: -1, Indent: indent})
				continue
			}
			g := l.Groups[it.Group]
			open := expanded(g.ID)
			rows = append(rows, Row{Thread: g.Thread, First: g.First, Last: g.Last, Step: -1, Group: g.ID, Expanded: open, Indent: indent})
			if open {
				walk(g.Children, indent+1)
			}
		}
	}
	walk(l.Top, 0)
	return rows
}

// Selectable reports whether row r stands for steps the world view can
// show: a step row or a collapsed group row (an expanded group's header
// row only heads its steps).
func (r Row) Selectable() bool { return r.Step >= 0 || r.Group >= 0 && !r.Expanded }

// Bar is a span's piece on one row.
type Bar struct {
	Span   int  // index in Layout.Spans
	Top    bool // the span starts on this row
	Bottom bool // the span ends on this row
}

// Bars returns, per thread, the bars crossing row r.
func (l *Layout) Bars(r Row) [][]Bar {
	out := make([][]Bar, len(l.Trace.Threads))
	if r.First < 0 {
		return out
	}
	for i, s := range l.Spans {
		if s.Start > r.Last || s.End >= 0 && s.End < r.First {
			continue
		}
		out[s.Thread] = append(out[s.Thread], Bar{Span: i, Top: s.Start >= r.First, Bottom: s.End >= 0 && s.End <= r.Last})
	}
	return out
}

// Label is the text of a row: a step's text, or for a group the call and
// how many steps it stands for.
func (l *Layout) Label(r Row) string {
	if r.Step >= 0 {
		return l.Trace.Steps[r.Step].Text
	}
	g := l.Groups[r.Group]
	s := g.Func + "(…)"
	if g.Part > 0 {
		s += " part " + itoa(g.Part)
	}
	n := countSteps(l, g)
	if n == 1 {
		return s + ": 1 step"
	}
	return s + ": " + itoa(n) + " steps"
}

func countSteps(l *Layout, g *Group) int {
	n := 0
	for _, it := range g.Children {
		if it.Step >= 0 {
			n++
		} else {
			n += countSteps(l, l.Groups[it.Group])
		}
	}
	return n
}

// World returns the world after row r, or the initial world for a row
// without steps.
func (l *Layout) World(r Row) report.World {
	if r.Last < 0 || r.Last >= len(l.Trace.Steps) {
		return l.Trace.Initial
	}
	return l.Trace.Steps[r.Last].World
}

// CallText extracts the call expression "fn(args)" starting at line:col
// of script, for labelling a call group with what the user wrote. It
// returns "" when the text there is not a call of fn.
func CallText(script string, line, col int, fn string) string {
	lines := strings.Split(script, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	rest := strings.Join(lines[line-1:], "\n")
	if col < 1 || col > len(rest) {
		return ""
	}
	rest = rest[col-1:]
	idx := strings.Index(rest, fn)
	if idx < 0 || strings.TrimSpace(rest[:idx]) != "" && !strings.HasSuffix(strings.TrimSpace(rest[:idx]), "=") {
		return ""
	}
	rest = rest[idx:]
	open := strings.IndexByte(rest, '(')
	if open < 0 || strings.TrimSpace(rest[len(fn):open]) != "" {
		return ""
	}
	depth := 0
	for i := open; i < len(rest) && i < 400; i++ {
		switch rest[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return strings.Join(strings.Fields(rest[:i+1]), " ")
			}
		}
	}
	return ""
}
