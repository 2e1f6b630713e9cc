package lessons

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/scenarios"
)

// Kernel links a lesson may contain: docs.kernel.org pages (optionally
// of one release) with an optional #anchor; source files on git.kernel.org
// or elixir.bootlin.com pinned to a release tag; lore.kernel.org messages.
var linkREs = []*regexp.Regexp{
	regexp.MustCompile(`^https://docs\.kernel\.org/(?:\d+\.\d+/)?[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.html(?:#[A-Za-z0-9_-]+)?$`),
	regexp.MustCompile(`^https://git\.kernel\.org/pub/scm/linux/kernel/git/torvalds/linux\.git/tree/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.+-]+)*\?h=v\d+\.\d+(?:\.\d+)?(?:-rc\d+)?(?:#n\d+)?$`),
	regexp.MustCompile(`^https://elixir\.bootlin\.com/linux/v\d+\.\d+(?:\.\d+)?(?:-rc\d+)?/source/[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*(?:#L\d+)?$`),
	regexp.MustCompile(`^https://lore\.kernel\.org/all/[A-Za-z0-9_.+=$-]+@[A-Za-z0-9_.-]+/$`),
}

// CheckLink reports whether u is a well-formed kernel link (see linkREs).
// Links to lessons and scenarios are checked by Validate.
func CheckLink(u string) error {
	for _, re := range linkREs {
		if re.MatchString(u) {
			return nil
		}
	}
	return fmt.Errorf("link %q is not a kernel documentation or source link "+
		"(https://docs.kernel.org/PATH.html[#anchor], "+
		"https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/PATH?h=vX.Y, "+
		"https://elixir.bootlin.com/linux/vX.Y/source/PATH, https://lore.kernel.org/all/MESSAGE-ID/) "+
		"nor #lesson=N or #scenario=NAME", u)
}

// Validate checks what can be checked without running anything: lesson
// numbers are 1..n without gaps and match the file names, every link is
// well formed and points to an existing lesson or scenario, every lesson
// has a litmus block, and every lesson from 3 on ends with an exercise.
func Validate(ls []*Lesson) error {
	scen, err := scenarios.All()
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, s := range scen {
		known[strings.TrimSuffix(s.File, ".litmus")] = true
	}
	var errs []error
	for i, l := range ls {
		if l.N != i+1 {
			errs = append(errs, fmt.Errorf("%s: order %d, want %d (orders are 1..%d, unique, without gaps)", l.File, l.N, i+1, len(ls)))
		}
		if number(l.File) != l.N {
			errs = append(errs, fmt.Errorf("%s: file number %02d differs from order %d", l.File, number(l.File), l.N))
		}
		for _, s := range l.Sources {
			if err := CheckLink(s.URL); err != nil {
				errs = append(errs, fmt.Errorf("%s: source %q: %v", l.File, s.Title, err))
			}
		}
		for _, u := range l.Links {
			if err := checkBodyLink(u, len(ls)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", l.File, err))
			}
		}
		for _, s := range l.Scenarios {
			if !known[s] {
				errs = append(errs, fmt.Errorf("%s: refers to scenario %s, which scenarios/ does not have", l.File, s))
			}
		}
		switch {
		case len(l.Blocks) == 0:
			errs = append(errs, fmt.Errorf("%s: no litmus block", l.File))
		case l.N >= 3 && l.Blocks[len(l.Blocks)-1].Kind != "exercise":
			errs = append(errs, fmt.Errorf("%s: lessons from 3 on end with a litmus exercise block", l.File))
		}
	}
	return errors.Join(errs...)
}

func checkBodyLink(u string, lessons int) error {
	if s, ok := strings.CutPrefix(u, "#lesson="); ok {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > lessons {
			return fmt.Errorf("link %q: no such lesson", u)
		}
		return nil
	}
	if _, ok := strings.CutPrefix(u, "#scenario="); ok {
		return nil // checked with the other scenario references
	}
	return CheckLink(u)
}

// Run explores the block's script exhaustively (DPOR, default bounds).
func (b *Block) Run(ctx context.Context) (*report.Result, error) {
	return sim.Run(ctx, b.FileName(), b.Code, sim.Options{})
}

// CheckExecution replays one execution of an exercise block, given the
// replay token of a manual-mode session (sim.Session.Token()), and
// reports whether it reaches the block's goal. This is how the page
// decides to acknowledge an exercise.
func (b *Block) CheckExecution(ctx context.Context, token string) (bool, error) {
	if b.Kind != "exercise" {
		return false, fmt.Errorf("%s: block %d is not an exercise", b.FileName(), b.Index)
	}
	r, err := sim.Run(ctx, b.FileName(), b.Code, sim.Options{Replay: token})
	if err != nil {
		return false, err
	}
	return b.Goal.MetBy(r), nil
}

// Verify runs the block and checks it: a run block must meet its
// expectation; an exercise's goal must be reachable (an exhaustive run
// reaches it, and replaying that execution's token meets it) and
// avoidable (some execution, one that runs the threads one after the
// other, does not reach it). Errors name the lesson file and line.
func (b *Block) Verify(ctx context.Context) error {
	var err error
	if b.Kind == "exercise" {
		err = b.verifyExercise(ctx)
	} else {
		var r *report.Result
		if r, err = b.Run(ctx); err == nil {
			err = b.Expect.Check(r)
		}
	}
	if err != nil {
		return fmt.Errorf("%s:%d: %s block %d (%s): %v", b.File, b.Line, b.Kind, b.Index, b.Describe(), err)
	}
	return nil
}

func (b *Block) verifyExercise(ctx context.Context) error {
	r, err := b.Run(ctx)
	if err != nil {
		return err
	}
	if !r.Exhaustive {
		return fmt.Errorf("exploration not exhaustive (%s)", r.StopReason)
	}
	token := ""
	for _, s := range r.States {
		if b.Goal.Exists && s.Satisfies && token == "" {
			token = s.Token
		}
	}
	for _, f := range r.Findings {
		if f.Kind == b.Goal.Finding && token == "" {
			token = f.Token
		}
	}
	if token == "" {
		return fmt.Errorf("goal %s is unreachable: no execution reaches it (findings: %s)", b.Goal, describe(r.Findings))
	}
	if ok, err := b.CheckExecution(ctx, token); err != nil || !ok {
		return fmt.Errorf("replaying the witness %s does not reach goal %s (%v)", token, b.Goal, err)
	}
	return b.avoidable(ctx)
}

// avoidable finds an execution that does not reach the goal among the
// serial ones: each order of the threads (the RCU callback thread
// included) gives the schedule that always steps the first enabled
// thread in that order.
func (b *Block) avoidable(ctx context.Context) error {
	s, err := sim.NewSession(b.FileName(), b.Code)
	if err != nil {
		return err
	}
	ids := make([]int, len(s.Threads())+1)
	for i := range ids {
		ids[i] = i
	}
	var found error = fmt.Errorf("every serial execution reaches goal %s: the exercise would be solved by running the threads one after another", b.Goal)
	permute(ids, 0, func(order []int) bool {
		s, err := sim.NewSession(b.FileName(), b.Code)
		if err != nil {
			found = err
			return false
		}
		for en := s.Enabled(); len(en) > 0; en = s.Enabled() {
			if err := s.Step(first(order, en)); err != nil {
				found = err
				return false
			}
		}
		ok, err := b.CheckExecution(ctx, s.Token())
		if err != nil || !ok {
			found = err
			return false
		}
		return true
	})
	return found
}

// first returns the first of order that is in enabled.
func first(order, enabled []int) int {
	for _, t := range order {
		if slices.Contains(enabled, t) {
			return t
		}
	}
	return enabled[0]
}

// permute calls f with each permutation of a[k:] (a[:k] fixed) until f
// returns false; it reports whether f always returned true.
func permute(a []int, k int, f func([]int) bool) bool {
	if k == len(a) {
		return f(a)
	}
	for i := k; i < len(a); i++ {
		a[k], a[i] = a[i], a[k]
		ok := permute(a, k+1, f)
		a[k], a[i] = a[i], a[k]
		if !ok {
			return false
		}
	}
	return true
}

// CheckAll loads every lesson, validates them and verifies every block,
// and returns one error per problem (nil when all is well). It is what
// "ptlab lessons check" runs; the package's tests do the same, a block
// per subtest.
func CheckAll(ctx context.Context) (lessons, blocks int, errs []error) {
	ls, err := All()
	if err != nil {
		return 0, 0, []error{err}
	}
	if err := Validate(ls); err != nil {
		errs = append(errs, err)
	}
	for _, l := range ls {
		for _, b := range l.Blocks {
			blocks++
			if err := b.Verify(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return len(ls), blocks, errs
}
