package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ptlab/ptlab/core/syntax"
)

// fmtMain implements "ptlab fmt [-w] [-l] FILE...".
func fmtMain(args []string) int {
	return fmtCmd(args, os.Stdout, os.Stderr)
}

// fmtCmd prints each file in canonical form (syntax.FormatSource, which
// keeps comments). With -l it lists the files whose formatting differs
// instead, and with -w it rewrites those files in place; both may be given.
// A file that does not parse gets its errors on stderr, one
// file:line:col: message per line, and is left alone. The exit status is
// 2 if any file could not be read, parsed or written, 0 otherwise.
func fmtCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "rewrite each file in place if its formatting differs")
	list := fs.Bool("l", false, "list the files whose formatting differs")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ptlab fmt [-w] [-l] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, file := range fs.Args() {
		if err := fmtFile(file, *write, *list, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			status = 2
		}
	}
	return status
}

// fmtFile formats one file. It returns the error to print on stderr, if
// any; a parse error prints every diagnostic on its own line.
func fmtFile(file string, write, list bool, stdout, stderr io.Writer) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("ptlab fmt: %w", err)
	}
	out, errs := syntax.FormatSource(file, string(src))
	if errs.Err() != nil {
		return errs
	}
	changed := !bytes.Equal(src, out)
	if list && changed {
		fmt.Fprintln(stdout, file)
	}
	if write && changed {
		info, err := os.Stat(file)
		if err != nil {
			return fmt.Errorf("ptlab fmt: %w", err)
		}
		if err := os.WriteFile(file, out, info.Mode().Perm()); err != nil {
			return fmt.Errorf("ptlab fmt: %w", err)
		}
	}
	if !write && !list {
		if _, err := stdout.Write(out); err != nil {
			return fmt.Errorf("ptlab fmt: %w", err)
		}
	}
	return nil
}
