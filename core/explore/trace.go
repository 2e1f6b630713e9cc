package explore

import (
	"sort"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/machine"
)

// traceKey returns a canonical form of the current execution's
// Mazurkiewicz trace: its Foata normal form, where each event's level is
// one more than the highest level of an earlier event it depends on
// (same thread, or an access to a common location that is not two
// reads), and events are listed by level, then thread. Two executions
// have the same key exactly when one can be turned into the other by
// swapping adjacent independent steps. It needs an executor that tracks
// footprints.
func (x *executor) traceKey() string {
	level := make([]int, len(x.events))
	last := make([]int, x.n) // per thread: level of its last event
	for i := range x.events {
		ev := &x.events[i]
		l := last[ev.Thread] + 1
		for j := 0; j < i; j++ {
			if level[j] >= l && x.dependentEvents(j, i) {
				l = level[j] + 1
			}
		}
		level[i] = l
		last[ev.Thread] = l
	}
	idx := make([]int, len(x.events))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if level[i] != level[j] {
			return level[i] < level[j]
		}
		return x.events[i].Thread < x.events[j].Thread
	})
	var b strings.Builder
	for _, i := range idx {
		b.WriteString(strconv.Itoa(level[i]))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(x.events[i].Thread))
		b.WriteByte(' ')
	}
	return b.String()
}

// dependentEvents reports whether events i and j touch a common location
// where at least one writes.
func (x *executor) dependentEvents(i, j int) bool {
	a, b := &x.events[i], &x.events[j]
	for _, p := range x.accs[a.acc[0]:a.acc[1]] {
		for _, q := range x.accs[b.acc[0]:b.acc[1]] {
			if p.Loc == q.Loc && !(p.Mode == machine.Read && q.Mode == machine.Read) {
				return true
			}
		}
	}
	return false
}
