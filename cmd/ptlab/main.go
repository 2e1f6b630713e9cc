// Command ptlab runs page-table litmus tests, formats them and serves the
// browser playground.
//
// Usage:
//
//	ptlab run [flags] FILE...   explore tests and print herd-style results
//	ptlab fmt [-w] [-l] FILE...  print FILE in canonical form
//	ptlab serve [--addr A] [--dir D]
//	                            serve the built playground (./build.sh build)
//	ptlab lessons check         run every lesson's litmus blocks against their expectations
//	ptlab bench [--json]        run the fixed benchmark suite
//	ptlab prelude [-l] [NAME...] print the prelude's kernel helpers and paths
//	ptlab help                  print this help
//
// Exit status: 0 when the command completed, 1 when a run asked to fail on
// findings found some (or serving failed), 2 on bad usage or bad input.
package main

import (
	"fmt"
	"io"
	"os"
)

const usageText = `usage: ptlab COMMAND [arguments]

commands:
  run [flags] FILE...          explore litmus tests and print herd-style results
  fmt [-w] [-l] FILE...        print FILEs in canonical form (-w rewrites, -l lists)
  serve [--addr A] [--dir D]   serve the built playground (default 127.0.0.1:8080, dist)
  lessons check                run every lesson's litmus blocks against their expectations
  bench [--json] [--corpus D]  run the fixed benchmark suite (scenarios, scaled variants, LKMM corpus)
  prelude [-l] [NAME...]       print the prelude (kernel helpers and paths) or named functions
  help                         print this help

Run 'ptlab COMMAND -h' for the flags of a command.
`

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// dispatch runs the command named by args[0] and returns the exit status.
// Help goes to stdout when asked for and to stderr on bad usage.
func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		io.WriteString(stderr, usageText)
		return 2
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		return runMain(rest)
	case "fmt":
		return fmtMain(rest)
	case "serve":
		return serveMain(rest, stdout, stderr)
	case "lessons":
		return lessonsMain(rest, stdout, stderr)
	case "bench":
		return benchMain(rest, stdout, stderr)
	case "prelude":
		return preludeMain(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		io.WriteString(stdout, usageText)
		return 0
	default:
		fmt.Fprintf(stderr, "ptlab: unknown command %q\n\n%s", cmd, usageText)
		return 2
	}
}
