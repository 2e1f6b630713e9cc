package sim

import (
	"context"
	"os"
	"testing"
)

func BenchmarkProfileOne(b *testing.B) {
	f := os.Getenv("F")
	src, err := os.ReadFile(f)
	if err != nil {
		b.Skip(err)
	}
	for i := 0; i < b.N; i++ {
		Run(context.Background(), f, string(src), Options{Strategy: os.Getenv("S")})
	}
}
