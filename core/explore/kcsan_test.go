package explore

import (
	"strings"
	"testing"
)

func races(t *testing.T, src string) []string {
	t.Helper()
	r := run(t, mustCompile(t, src), Options{Strategy: "dpor"})
	var out []string
	for _, f := range r.Findings {
		if f.Kind == "data-race" {
			out = append(out, f.Msg)
		}
	}
	// Naive search finds the same races.
	n := run(t, mustCompile(t, src), Options{Strategy: "naive"})
	var nout []string
	for _, f := range n.Findings {
		if f.Kind == "data-race" {
			nout = append(nout, f.Msg)
		}
	}
	if strings.Join(out, "|") != strings.Join(nout, "|") && len(out) != len(nout) {
		t.Errorf("dpor races %q, naive %q", out, nout)
	}
	return out
}

func TestDataRaces(t *testing.T) {
	cases := []struct {
		name, p0, p1 string
		race         bool
	}{
		{"plain-plain", "*x = 1;", "int r; r = *x;", true},
		{"plain-marked", "*x = 1;", "int r; r = READ_ONCE(*x);", true},
		{"marked-marked", "WRITE_ONCE(*x, 1);", "int r; r = READ_ONCE(*x);", false},
		{"reads", "int r; r = *x;", "int r; r = *x;", false},
		{"locked", "spin_lock(l); *x = 1; spin_unlock(l);", "int r; spin_lock(l); r = *x; spin_unlock(l);", false},
		{"half-locked", "spin_lock(l); *x = 1; spin_unlock(l);", "int r; r = *x;", true},
		{"message-passing", "*x = 1; smp_store_release(y, 1);", "int r; if (smp_load_acquire(y)) r = *x;", false},
		{"grace-period", "rcu_read_lock(); int r; r = *x; rcu_read_unlock();", "synchronize_rcu(); *x = 1;", true},
	}
	for _, c := range cases {
		src := "C t\n{}\nP0(int *x, int *y, spinlock_t *l) { " + c.p0 + " }\nP1(int *x, int *y, spinlock_t *l) { " + c.p1 + " }\nexists (true)"
		got := races(t, src)
		if (len(got) > 0) != c.race {
			t.Errorf("%s: races %q, want any: %v", c.name, got, c.race)
		}
	}
}

// A reader that reads inside its section, and an updater that writes
// only after a grace period that started while the reader was inside: the
// grace period orders them, so no race is reported when the reader's
// section began first; in executions where the reader starts after the
// grace period began, nothing orders them.
func TestDataRaceGracePeriodOrders(t *testing.T) {
	src := `C gp
{}
P0(int *x, int *f) { int r; rcu_read_lock(); WRITE_ONCE(*f, 1); r = *x; rcu_read_unlock(); }
P1(int *x, int *f) { int s; s = READ_ONCE(*f); synchronize_rcu(); if (s) *x = 1; }
exists (true)`
	if got := races(t, src); len(got) != 0 {
		t.Errorf("races %q: the grace period orders the reader's read before the write", got)
	}
}
