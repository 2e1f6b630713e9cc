package sim

import (
	"context"
	"strings"
	"testing"
)

// Each case runs one thread (or a few) and checks the final states, one
// per line as herd prints them. Single-threaded cases pin down the value
// each primitive returns and stores (FORMAT.md §3, Documentation/atomic_t.txt).
var primitiveCases = []struct {
	name, body, cond, want string
}{
	{"xchg", `{ x=1; } P0(int *x) { int r0; r0 = xchg(x, 5); }`, "exists (0:r0=1 /\\ x=5)", "0:r0=1; [x]=5;"},
	{"cmpxchg-success", `{ x=1; } P0(int *x) { int r0; r0 = cmpxchg_acquire(x, 1, 7); }`, "exists (0:r0=1 /\\ x=7)", "0:r0=1; [x]=7;"},
	{"cmpxchg-failure", `{ x=2; } P0(int *x) { int r0; r0 = cmpxchg(x, 1, 7); }`, "exists (0:r0=2 /\\ x=2)", "0:r0=2; [x]=2;"},
	{"atomic_add_return", `{ atomic_t v = ATOMIC_INIT(3); } P0(atomic_t *v) { int r0; r0 = atomic_add_return(2, v); }`, "exists (0:r0=5 /\\ v=5)", "0:r0=5; [v]=5;"},
	{"atomic_fetch_sub", `{ v=3; } P0(atomic_t *v) { int r0; r0 = atomic_fetch_sub_release(1, v); }`, "exists (0:r0=3 /\\ v=2)", "0:r0=3; [v]=2;"},
	{"atomic_inc_dec", `{ v=3; } P0(atomic_t *v) { atomic_inc(v); atomic_inc(v); atomic_dec(v); }`, "exists (v=4)", "[v]=4;"},
	{"atomic_dec_and_test", `{ v=1; } P0(atomic_t *v) { int r0; r0 = atomic_dec_and_test(v); }`, "exists (0:r0=1 /\\ v=0)", "0:r0=1; [v]=0;"},
	{"atomic_sub_and_test", `{ v=5; } P0(atomic_t *v) { int r0; r0 = atomic_sub_and_test(2, v); }`, "exists (0:r0=0 /\\ v=3)", "0:r0=0; [v]=3;"},
	{"atomic_add_negative", `{ v=1; } P0(atomic_t *v) { int r0; r0 = atomic_add_negative(-3, v); }`, "exists (0:r0=1 /\\ v=-2)", "0:r0=1; [v]=-2;"},
	{"atomic_andnot", `{ v=7; } P0(atomic_t *v) { int r0; r0 = atomic_fetch_andnot(2, v); atomic_or(8, v); atomic_xor(1, v); }`, "exists (0:r0=7 /\\ v=12)", "0:r0=7; [v]=12;"},
	{"atomic_add_unless-adds", `{ v=1; } P0(atomic_t *v) { int r0; r0 = atomic_add_unless(v, 2, 0); }`, "exists (0:r0=1 /\\ v=3)", "0:r0=1; [v]=3;"},
	{"atomic_add_unless-refuses", `{ v=0; } P0(atomic_t *v) { int r0; r0 = atomic_add_unless(v, 2, 0); }`, "exists (0:r0=0 /\\ v=0)", "0:r0=0; [v]=0;"},
	{"atomic_read_set", `{} P0(atomic_t *v) { int r0; atomic_set(v, 4); r0 = atomic_read(v); }`, "exists (0:r0=4)", "0:r0=4;"},
	{"acquire_release", `{} P0(int *x) { int r0; smp_store_release(x, 2); smp_mb(); r0 = smp_load_acquire(x); }`, "exists (0:r0=2)", "0:r0=2;"},
	{"rcu_pointers", `{ int *p = &a; int a = 5; int b = 6; } P0(int **p, int *b) { int *r0; int r1; rcu_assign_pointer(*p, b); r0 = rcu_dereference(*p); r1 = READ_ONCE(*r0); }`, "exists (0:r0=b /\\ 0:r1=6)", "0:r0=b; 0:r1=6;"},
	{"trylock", `{} P0(spinlock_t *l) { int r0; int r1; int r2; r0 = spin_trylock(l); r1 = spin_trylock(l); r2 = spin_is_locked(l); spin_unlock(l); }`, "exists (0:r0=1 /\\ 0:r1=0 /\\ 0:r2=1)", "0:r0=1; 0:r1=0; 0:r2=1;"},
	{"plain", `{ x=3; } P0(int *x) { int r0; r0 = *x; *x = r0 * 2; *x += 1; }`, "exists (x=7)", "[x]=7;"},
	{"locals", `{} P0(int *x) { int i; int s = 0; for (i = 0; i < 5; i++) { if (i % 2) continue; s += i; } do { s--; } while (s > 4); WRITE_ONCE(*x, s << 1 | 1); }`, "exists (x=9)", "[x]=9;"},
	{"goto", `{} P0(int *x) { int n = 0; again: n++; if (n < 3) goto again; WRITE_ONCE(*x, n > 2 ? n : -1); }`, "exists (x=3)", "[x]=3;"},
	{"helper", `{} int twice(int v) { return 2 * v; } void put(int *p, int v) { WRITE_ONCE(*p, twice(v)); } P0(int *x) { put(x, 21); }`, "exists (x=42)", "[x]=42;"},
	{"srcu", `{} P0(struct srcu_struct *s, int *x) { int r0; int r1; r0 = srcu_read_lock(s); r1 = srcu_read_lock(s); srcu_read_unlock(s, r0); srcu_read_unlock(s, r1); synchronize_srcu(s); WRITE_ONCE(*x, 1); }`, "exists (0:r0=1001 /\\ 0:r1=1002)", "0:r0=1001; 0:r1=1002;"},
	{"init-register", `{ 0:r0=4; } P0(int *x) { WRITE_ONCE(*x, r0); }`, "exists (x=4)", "[x]=4;"},
	{"rwsem", `{} P0(struct rw_semaphore *s) { int r0; int r1; int r2; down_read(s); r0 = down_read_trylock(s); r1 = down_write_trylock(s); up_read(s); up_read(s); down_write(s); downgrade_write(s); r2 = down_read_trylock(s); up_read(s); up_read(s); }`, "exists (0:r0=1 /\\ 0:r1=0 /\\ 0:r2=1 /\\ s=0)", "0:r0=1; 0:r1=0; 0:r2=1; [s]=0;"},
	{"fields", `{ struct vm_area_struct vma; vma.vm_flags = VM_UFFD_WP; struct mm_struct mm; } P0(struct vm_area_struct *vma, struct mm_struct *mm) { int r0; int r1; r0 = userfaultfd_wp(vma); WRITE_ONCE(vma->anon_vma, 5); r1 = vma->anon_vma; spin_lock(&mm->page_table_lock); spin_unlock(&mm->page_table_lock); }`, "exists (0:r0=1 /\\ 0:r1=5)", "0:r0=1; 0:r1=5;"},
	{"warn-returns-condition", `{} P0(int *x) { int r0; r0 = WARN_ON(1 == 1); }`, "exists (0:r0=1)", "0:r0=1;"},
}

func TestPrimitives(t *testing.T) {
	for _, c := range primitiveCases {
		t.Run(c.name, func(t *testing.T) {
			src := "C " + c.name + "\n" + c.body + "\n" + c.cond + "\n"
			res, err := Run(context.Background(), "p.litmus", src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, s := range res.States {
				lines = append(lines, res.StateLine(s))
			}
			if got := strings.Join(lines, "\n"); got != c.want || res.Verdict != "Always" {
				t.Errorf("states %q verdict %s, want %q Always", got, res.Verdict, c.want)
			}
		})
	}
}

// Findings raised by assertions and rule violations, with their kinds.
func TestFindingKinds(t *testing.T) {
	cases := []struct{ name, body, kind, msg string }{
		{"BUG_ON", `P0(int *x) { BUG_ON(READ_ONCE(*x) == 0); }`, "BUG_ON", "kernel BUG at 3:14: BUG_ON() in P0"},
		{"WARN_ON_ONCE", `P0(int *x) { int i; for (i = 0; i < 3; i++) WARN_ON_ONCE(i >= 0); }`, "WARN_ON_ONCE", "WARNING: WARN_ON_ONCE at 3:45"},
		{"VM_WARN_ON_ONCE", `P0(int *x) { VM_WARN_ON_ONCE(1); }`, "VM_WARN_ON_ONCE", "WARNING: VM_WARN_ON_ONCE at 3:14"},
		{"null", `P0(int *x) { int *p; int r0; r0 = READ_ONCE(*p); }`, "runtime-error", "BUG: kernel NULL pointer dereference in READ_ONCE at 3:35 in P0"},
		{"div0", `P0(int *x) { int r0; r0 = 1 / READ_ONCE(*x); }`, "runtime-error", "division by zero at 3:29 in P0"},
		{"self-deadlock", `P0(spinlock_t *l) { spin_lock(l); spin_lock(l); }`, "recursive-locking", "possible recursive locking: P0 takes l at 3:35 while holding it (taken at 3:21)"},
		{"abba", `P0(spinlock_t *a, spinlock_t *b) { spin_lock(a); spin_lock(b); spin_unlock(b); spin_unlock(a); }
P1(spinlock_t *a, spinlock_t *b) { spin_lock(b); spin_lock(a); spin_unlock(a); spin_unlock(b); }`, "lock-order", "possible circular locking dependency: a -> b"},
		{"bad-unlock", `P0(spinlock_t *l) { spin_unlock(l); }`, "bad-unlock", "BUG: spinlock already unlocked: l released by P0"},
		{"rcu-unbalanced", `P0(int *x) { rcu_read_unlock(); }`, "rcu-unbalanced", "rcu_read_unlock() without a matching rcu_read_lock()"},
		{"rcu-exit-inside", `P0(int *x) { rcu_read_lock(); }`, "rcu-unbalanced", "P0 returned inside an RCU read-side critical section"},
		{"sync-in-reader", `P0(int *x) { rcu_read_lock(); synchronize_rcu(); rcu_read_unlock(); }`, "deadlock", "synchronize_rcu(): waiting for the RCU read-side critical section of P0 (itself: synchronize_rcu() inside rcu_read_lock())"},
		{"sleep-in-rcu", `P0(struct rw_semaphore *sem) { rcu_read_lock(); down_read(sem); up_read(sem); rcu_read_unlock(); }`, "sleep-in-atomic", "BUG: sleeping function called from invalid context: down_read in P0 at 3:49 inside an RCU read-side critical section"},
		{"sleep-under-spinlock", `P0(spinlock_t *l) { spin_lock(l); synchronize_rcu(); spin_unlock(l); }`, "sleep-in-atomic", "holding spinlock l (taken at 3:21)"},
		{"sleep-irqs-off", `P0(struct rw_semaphore *sem) { local_irq_disable(); down_write(sem); up_write(sem); local_irq_enable(); }`, "sleep-in-atomic", "with interrupts disabled"},
		{"irq-exit-disabled", `P0(int *x) { local_irq_disable(); }`, "irq-unbalanced", "P0 returned with interrupts disabled"},
		{"up_read-unheld", `P0(struct rw_semaphore *sem) { up_read(sem); }`, "bad-unlock", "up_read(sem) without a reader holding it"},
		{"rwsem-self-deadlock", `P0(struct rw_semaphore *sem) { down_read(sem); down_write(sem); }`, "deadlock", "down_write(sem): held for read by 1 reader(s)"},
		{"srcu-bad-unlock", `P0(struct srcu_struct *s) { srcu_read_unlock(s, 5); }`, "srcu-bad-unlock", "does not match an active srcu_read_lock()"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Run(context.Background(), "f.litmus", "C "+c.name+"\n{}\n"+c.body+"\nexists (true)\n", Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Kind == c.kind && strings.Contains(f.Message, c.msg) {
					if f.Token == "" || f.Line == 0 {
						t.Errorf("finding without token or position: %+v", f)
					}
					return
				}
			}
			t.Errorf("no %s finding containing %q in %+v", c.kind, c.msg, res.Findings)
		})
	}
}
