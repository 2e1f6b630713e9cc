package main

import (
	"fmt"
	"os"
)

func runMain(args []string) int { fmt.Fprintln(os.Stderr, "ptlab run: not implemented"); return 2 }
