package sim

import (
	"context"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/report"
)

// Session is manual mode: step threads by hand, undo, and continue with
// any strategy from the current point. It wraps explore.Session.
type Session struct {
	*explore.Session
	Prog *compile.Program
}

// NewSession compiles src and starts a session at its initial state.
func NewSession(file, src string) (*Session, error) {
	prog, _, err := Compile(file, src)
	if err != nil {
		return nil, err
	}
	return &Session{Session: explore.NewSession(prog), Prog: prog}, nil
}

// Continue explores every execution extending the steps taken so far and
// reports it like Run.
func (s *Session) Continue(ctx context.Context, opt Options) (*report.Result, error) {
	opt.Prefix = s.Schedule()
	return Explore(ctx, s.Prog, opt)
}
