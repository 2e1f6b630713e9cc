package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ptlab/ptlab/core/report"
	"github.com/ptlab/ptlab/examples"
	"github.com/ptlab/ptlab/lessons"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// The lessons live in the worker: they are rendered by goldmark
// (package lessons), which the page program leaves out to stay small.

// listLessons answers ListLessons.
func listLessons() protocol.Response {
	ls, err := lessons.All()
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: "the lessons do not load: " + err.Error()}
	}
	out := []protocol.LessonInfo{}
	for _, l := range ls {
		out = append(out, protocol.LessonInfo{N: l.N, Title: l.Title, Slug: l.Slug})
	}
	return protocol.Response{Type: protocol.Lessons, Lessons: out}
}

// getLesson answers GetLesson.
func getLesson(req protocol.Request) protocol.Response {
	ls, err := lessons.All()
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: "the lessons do not load: " + err.Error()}
	}
	l, err := lessons.Get(req.Lesson)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	pg := &protocol.LessonPage{N: l.N, Count: len(ls), Title: l.Title, Slug: l.Slug, HTML: l.HTML, Blocks: []protocol.BlockInfo{}}
	for _, b := range l.Blocks {
		bi := protocol.BlockInfo{Index: b.Index, Kind: b.Kind, Name: b.Name, Code: b.Code, Describe: b.Describe()}
		if b.Kind == "exercise" {
			bi.Goal = b.Goal.String()
		} else {
			bi.Expect = b.Expect.String()
		}
		pg.Blocks = append(pg.Blocks, bi)
	}
	return protocol.Response{Type: protocol.Lesson, Lesson: pg}
}

// block returns block req.Block of lesson req.Lesson.
func block(req protocol.Request) (*lessons.Block, error) {
	l, err := lessons.Get(req.Lesson)
	if err != nil {
		return nil, err
	}
	return l.Block(req.Block)
}

// checkExercise answers CheckExercise: it replays the manual-mode
// execution req.Token on the exercise's script (Block.CheckExecution)
// and says whether it reaches the goal.
func checkExercise(req protocol.Request) protocol.Response {
	b, err := block(req)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	if b.Kind != "exercise" {
		return protocol.Response{Type: protocol.Error, Message: fmt.Sprintf("lesson %d, block %d is not an exercise", req.Lesson, req.Block)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	met, err := b.CheckExecution(ctx, req.Token)
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: "cannot check the exercise: " + err.Error()}
	}
	return protocol.Response{Type: protocol.Exercise, Exercise: &protocol.ExerciseCheck{Met: met, Goal: b.Goal.String(), Describe: b.Describe()}}
}

// expectCheck returns, for a Run naming a lesson's run block whose code
// it runs unchanged, a function that checks the result against the
// block's expectation; otherwise nil.
func expectCheck(req protocol.Request) func(*report.Result) *protocol.ExpectCheck {
	if req.Lesson == 0 {
		return nil
	}
	b, err := block(req)
	if err != nil || b.Kind != "run" || b.Code != req.Script {
		return nil
	}
	return func(r *report.Result) *protocol.ExpectCheck {
		c := &protocol.ExpectCheck{Met: true, Describe: b.Describe()}
		if err := b.Expect.Check(r); err != nil {
			c.Met, c.Problem = false, err.Error()
		}
		return c
	}
}

// getScenario answers GetScenario: the scenario a #scenario=NAME link
// names.
func getScenario(req protocol.Request) protocol.Response {
	all, err := examples.All()
	if err != nil {
		return protocol.Response{Type: protocol.Error, Message: err.Error()}
	}
	name := strings.TrimSuffix(req.Script, ".litmus")
	n := 0
	for _, ex := range all {
		if ex.Group != examples.Groups[0] {
			continue
		}
		if ex.Name == name {
			return protocol.Response{Type: protocol.Examples, Examples: []protocol.Example{{Group: ex.Group, Name: ex.Name, Note: ex.Note, Source: ex.Source}}}
		}
		n++
	}
	return protocol.Response{Type: protocol.Error, Message: fmt.Sprintf("there is no scenario %q (the Examples menu lists the %d there are)", name, n)}
}
