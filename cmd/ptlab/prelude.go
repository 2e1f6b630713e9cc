package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/kernel"
)

// preludeMain prints the prelude (the kernel helpers and paths scripts
// can call), the named functions of it, or (-l) their names.
func preludeMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prelude", flag.ContinueOnError)
	fs.SetOutput(stderr)
	list := fs.Bool("l", false, "list the functions' names")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ptlab prelude [-l] [NAME...]\n\nPrint the prelude, or the named functions with their comments (paste one into a script to change it).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list {
		fmt.Fprintln(stdout, strings.Join(kernel.Names(), "\n"))
		return 0
	}
	if fs.NArg() == 0 {
		io.WriteString(stdout, kernel.Source())
		return 0
	}
	status := 0
	for i, name := range fs.Args() {
		src, ok := kernel.FuncSource(name)
		if !ok {
			fmt.Fprintf(stderr, "ptlab prelude: no function %s in the prelude%s\n", name, hintName(name))
			status = 2
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		io.WriteString(stdout, src)
	}
	return status
}

func hintName(name string) string {
	if s := compile.Nearest(name, kernel.Names()); s != "" {
		return " (did you mean " + s + "?)"
	}
	return ""
}
