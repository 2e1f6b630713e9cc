package sim

import (
	"context"
	"strings"
	"testing"
)

// FuzzRun compiles and explores arbitrary input under small bounds, with
// each strategy: it must never fail internally, every error must carry a position, and
// every token it prints must replay.
func FuzzRun(f *testing.F) {
	f.Add("C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0; r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n", uint8(0))
	f.Add("C t\n{}\nP0(spinlock_t *l) { spin_lock(l); spin_lock(l); }\nexists (true)\n", uint8(0))
	f.Add("C t\n{}\nP0(int *x) { rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }\nexists (x=0)\n", uint8(0))
	f.Add("C t\n{}\nP0(int *x) { int r; r = 1 / READ_ONCE(*x); BUG_ON(r); }\nexists (x=0)\n", uint8(0))
	f.Add("C t\n{ int o = 1; int *p = &o; }\nP0(int **p, int *o) { WRITE_ONCE(*p, 0); kvfree_rcu(o); }\nP1(int **p) { int *q; int r; rcu_read_lock(); q = rcu_dereference(*p); if (q) r = READ_ONCE(*q); rcu_read_unlock(); }\nexists (true)\n", uint8(3))
	strategies := []string{"dpor", "optimal", "naive", "pct", "random"}
	f.Fuzz(func(t *testing.T, src string, strategy uint8) {
		opt := Options{Executions: 50, Steps: 50, Strategy: strategies[int(strategy)%len(strategies)]}
		res, err := Run(context.Background(), "fuzz.litmus", src, opt)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		for _, s := range res.States {
			if s.Token == "" {
				continue
			}
			if _, err := Run(context.Background(), "fuzz.litmus", src, Options{Steps: 50, Replay: s.Token}); err != nil {
				t.Fatalf("token %s does not replay: %v", s.Token, err)
			}
		}
	})
}
