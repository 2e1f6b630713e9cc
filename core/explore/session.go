package explore

import (
	"context"
	"fmt"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/machine"
	"github.com/ptlab/ptlab/core/source"
	"github.com/ptlab/ptlab/core/vm"
)

// Session steps a program by hand (the playground's manual mode): the
// user picks the next thread at each point, may undo, and may hand the
// rest of the exploration to any strategy with Continue.
type Session struct {
	prog *compile.Program
	x    *executor
}

// NewSession starts a session at the initial state.
func NewSession(prog *compile.Program) *Session {
	s := &Session{prog: prog, x: newExecutor(prog, DefaultMaxSteps, false)}
	s.x.reset()
	return s
}

// Enabled lists the threads that can step now, in order.
func (s *Session) Enabled() []int {
	if s.x.end != EndRunning {
		return nil
	}
	var out []int
	m := s.x.enabled()
	for t := 0; t < s.x.n; t++ {
		if m&(1<<uint(t)) != 0 {
			out = append(out, t)
		}
	}
	return out
}

// Step runs thread t's next visible operation.
func (s *Session) Step(t int) error {
	if s.x.end != EndRunning {
		return fmt.Errorf("the execution has ended (%s)", s.End())
	}
	if t < 0 || t >= s.x.n || s.x.enabled()&(1<<uint(t)) == 0 {
		return fmt.Errorf("P%d cannot step now; enabled: %v", t, s.Enabled())
	}
	s.x.step(t)
	return nil
}

// Undo takes back the last step (by re-executing the others). It reports
// false at the initial state.
func (s *Session) Undo() bool {
	n := len(s.x.sched)
	if n == 0 {
		return false
	}
	sched := append([]uint8(nil), s.x.sched[:n-1]...)
	s.x.reset()
	for _, t := range sched {
		s.x.step(int(t))
	}
	return true
}

// Schedule returns the threads stepped so far.
func (s *Session) Schedule() []int {
	out := make([]int, len(s.x.sched))
	for i, t := range s.x.sched {
		out[i] = int(t)
	}
	return out
}

// Events returns the steps so far.
func (s *Session) Events() []Event { return s.x.events }

// Findings returns what the current execution has reported so far.
func (s *Session) Findings() []Finding { return s.x.found }

// End describes how the execution ended, or "running".
func (s *Session) End() string {
	return [...]string{"running", "complete", "deadlock", "crash", "step bound", "sleep-blocked", "pruned"}[s.x.end]
}

// ThreadInfo describes one thread at the current point.
type ThreadInfo struct {
	Status  string     // "ready", "blocked", "done", "crashed"
	Pos     source.Pos // where it is
	Pending string     // its next visible operation, if ready or blocked
	Why     string     // why it is blocked
}

// Threads describes every thread at the current point.
func (s *Session) Threads() []ThreadInfo {
	var out []ThreadInfo
	for i, t := range s.x.threads {
		info := ThreadInfo{Pos: t.Pos(s.prog)}
		switch t.Status {
		case vm.Done:
			info.Status = "done"
		case vm.Crashed:
			info.Status = "crashed"
		default:
			info.Status, info.Pending = "ready", t.Pending.Name
			if !s.x.world.Enabled(i, &t.Pending) {
				info.Status, info.Why = "blocked", s.x.world.BlockedReason(i, &t.Pending)
			}
		}
		out = append(out, info)
	}
	return out
}

// World returns the current world; callers must not modify it.
func (s *Session) World() *machine.World { return s.x.world }

// Token returns the replay token of the steps so far.
func (s *Session) Token() string { return EncodeToken(Fingerprint(s.prog), s.x.sched) }

// Continue explores every execution that extends the steps taken so far,
// with any strategy ("continue from here").
func (s *Session) Continue(ctx context.Context, opt Options) (*Result, error) {
	opt.Prefix = s.Schedule()
	return Explore(ctx, s.prog, opt)
}

// Stack returns thread t's call stack at its pending operation, outermost
// first (nil for the RCU callback pseudo-thread and finished threads).
func (s *Session) Stack(t int) []vm.CallFrame {
	if t < 0 || t >= len(s.x.threads) || s.x.threads[t].Status != vm.Ready {
		return nil
	}
	return s.x.threads[t].CallStack(s.prog)
}

// Schedule decodes a replay token of prog into the threads it steps.
func Schedule(prog *compile.Program, token string) ([]int, error) {
	sched, err := DecodeToken(token, Fingerprint(prog))
	if err != nil {
		return nil, err
	}
	out := make([]int, len(sched))
	for i, t := range sched {
		out[i] = int(t)
	}
	return out, nil
}
