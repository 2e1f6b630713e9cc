package main

import (
	"fmt"
	"os"
)

func fmtMain(args []string) int { fmt.Fprintln(os.Stderr, "ptlab fmt: not implemented"); return 2 }
