package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ptlab/ptlab/lessons"
)

// lessonsMain implements "ptlab lessons check": validate every lesson
// (front matter, links, scenario references) and run every litmus block
// against its expectation, as go test ./lessons does. Exit status 1 if
// anything fails, 2 on bad usage.
func lessonsMain(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: ptlab lessons check")
		return 2
	}
	n, blocks, errs := lessons.CheckAll(context.Background())
	for _, err := range errs {
		fmt.Fprintln(stderr, err)
	}
	if len(errs) > 0 {
		fmt.Fprintf(stdout, "%d lessons, %d blocks: %d problem(s)\n", n, blocks, len(errs))
		return 1
	}
	fmt.Fprintf(stdout, "%d lessons, %d blocks: ok\n", n, blocks)
	return 0
}
