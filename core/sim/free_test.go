package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/ptlab/ptlab/core/explore"
)

// The reader follows p to obj inside an RCU read-side section; the
// updater unpublishes obj and frees it. Freeing at once is a
// use-after-free; waiting for a grace period, synchronously or through
// kvfree_rcu(), is not (Documentation/RCU/whatisRCU.rst, "RCU's core
// API"; kernel.md §4 R6a).
func freeScript(updater, reader string) string {
	return `C rcu-free
{ int obj = 1; int *p = &obj; }
P0(int **p, int *obj) { int *r0; int r1; ` + reader + ` }
P1(int **p, int *obj) { ` + updater + ` }
exists (0:r1=1)
`
}

const rcuReader = `rcu_read_lock(); r0 = rcu_dereference(*p); if (r0) r1 = READ_ONCE(*r0); rcu_read_unlock();`

func TestFreeAfterGracePeriod(t *testing.T) {
	cases := []struct {
		name, updater, reader string
		uaf                   bool
	}{
		{"kfree-at-once", "WRITE_ONCE(*p, 0); kfree(obj);", rcuReader, true},
		{"synchronize_rcu", "WRITE_ONCE(*p, 0); synchronize_rcu(); kfree(obj);", rcuReader, false},
		{"kvfree_rcu", "WRITE_ONCE(*p, 0); kvfree_rcu(obj);", rcuReader, false},
		{"kvfree_rcu-reader-outside-rcu", "WRITE_ONCE(*p, 0); kvfree_rcu(obj);", `r0 = READ_ONCE(*p); if (r0) r1 = READ_ONCE(*r0);`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := freeScript(c.updater, c.reader)
			var sets []string
			for _, s := range []string{"dpor", "naive"} {
				res, err := Run(context.Background(), "f.litmus", src, Options{Strategy: s})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Exhaustive {
					t.Fatalf("%s: not exhaustive: %s", s, res.StopReason)
				}
				var uaf []string
				for _, f := range res.Findings {
					if f.Kind == "use-after-free" {
						uaf = append(uaf, f.Message)
						// The token reproduces the report.
						rr, err := Run(context.Background(), "f.litmus", src, Options{Replay: f.Token})
						if err != nil || len(rr.Findings) == 0 || rr.Findings[0].Message != f.Message {
							t.Errorf("%s: token %s does not reproduce %q: %v %+v", s, f.Token, f.Message, err, rr)
						}
					}
				}
				if (len(uaf) > 0) != c.uaf {
					t.Errorf("%s: use-after-free findings %q, want any: %v", s, uaf, c.uaf)
				}
				for _, m := range uaf {
					if !strings.HasPrefix(m, "BUG: KASAN: use-after-free in READ_ONCE: read of obj by P0; freed by ") {
						t.Errorf("%s: message %q", s, m)
					}
				}
				sets = append(sets, strings.Join(uaf, "|"))
			}
			if sets[0] != sets[1] {
				t.Errorf("dpor and naive differ: %q vs %q", sets[0], sets[1])
			}
		})
	}
}

func TestDoubleFree(t *testing.T) {
	res, err := Run(context.Background(), "f.litmus", "C df\n{}\nP0(int *x) { kfree(x); }\nP1(int *x) { kvfree_rcu(x); }\nexists (true)\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range res.Findings {
		kinds = append(kinds, f.Kind+": "+f.Message)
	}
	if len(kinds) == 0 || !strings.Contains(strings.Join(kinds, "\n"), "double-free") {
		t.Errorf("findings %q", kinds)
	}
}

// With the RCU pseudo-thread in play, DPOR still covers every
// Mazurkiewicz trace naive search sees.
func TestRCUThreadTraces(t *testing.T) {
	for _, updater := range []string{"WRITE_ONCE(*p, 0); kvfree_rcu(obj);", "kvfree_rcu(obj); WRITE_ONCE(*p, 0); kfree(p);"} {
		prog, _, err := Compile("f.litmus", freeScript(updater, rcuReader))
		if err != nil {
			t.Fatal(err)
		}
		naive, _ := explore.Explore(context.Background(), prog, explore.Options{Strategy: "naive", MaxPreemptions: -1, CountTraces: true})
		dpor, _ := explore.Explore(context.Background(), prog, explore.Options{Strategy: "dpor", MaxPreemptions: -1, CountTraces: true})
		if naive.Traces == 0 || dpor.Traces != naive.Traces || dpor.Executions > naive.Executions {
			t.Errorf("%s: naive %d executions %d traces; dpor %d executions %d traces", updater, naive.Executions, naive.Traces, dpor.Executions, dpor.Traces)
		}
		if outcomeKey(prog, dpor) != outcomeKey(prog, naive) || findingKey(dpor) != findingKey(naive) {
			t.Errorf("%s: dpor and naive disagree", updater)
		}
	}
}

// Use-after-free messages are cached per world (machine.World.uaf): each
// message must still name its own freeing thread and site, search after
// search.
func TestUseAfterFreeNamesEachFree(t *testing.T) {
	src := `C uaf-sites
{ int obj = 1; }
P0(int *obj) { int r1; r1 = READ_ONCE(*obj); }
P1(int *obj) { kfree(obj); }
P2(int *obj) {
	kfree(obj);
}
exists (0:r1=1)
`
	var first string
	for round := 0; round < 3; round++ {
		res, err := Run(context.Background(), "f.litmus", src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var uaf []string
		for _, f := range res.Findings {
			if f.Kind == "use-after-free" {
				uaf = append(uaf, f.Message)
			}
		}
		got := strings.Join(uaf, "\n")
		for _, want := range []string{"freed by P1 at 4:16 (kfree)", "freed by P2 at 6:2 (kfree)"} {
			if !strings.Contains(got, want) {
				t.Errorf("round %d: no use-after-free message says %q in:\n%s", round, want, got)
			}
		}
		if round == 0 {
			first = got
		} else if got != first {
			t.Errorf("round %d: messages changed:\n%s\nwant\n%s", round, got, first)
		}
	}
}
