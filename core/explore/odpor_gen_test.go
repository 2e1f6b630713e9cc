package explore

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

var genBlocks = []string{
	"WRITE_ONCE(*x, N);",
	"rK = READ_ONCE(*x);",
	"WRITE_ONCE(*y, N);",
	"rK = READ_ONCE(*y);",
	"spin_lock(l); WRITE_ONCE(*x, N); spin_unlock(l);",
	"spin_lock(l); rK = READ_ONCE(*y); spin_unlock(l);",
	"spin_lock(l); spin_lock(m); WRITE_ONCE(*y, N); spin_unlock(m); spin_unlock(l);",
	"spin_lock(m); spin_lock(l); rK = READ_ONCE(*x); spin_unlock(l); spin_unlock(m);",
	"rK = spin_trylock(l); if (rK) { WRITE_ONCE(*x, N); spin_unlock(l); }",
	"rK = spin_is_locked(l);",
	"spin_lock(l);",
	"spin_unlock(l);",
	"down_read(s); rK = READ_ONCE(*x); up_read(s);",
	"down_write(s); WRITE_ONCE(*x, N); up_write(s);",
	"rK = down_read_trylock(s); if (rK) up_read(s);",
	"rK = down_write_trylock(s); if (rK) up_write(s);",
	"down_write(s); WRITE_ONCE(*y, N); downgrade_write(s); rK = READ_ONCE(*x); up_read(s);",
	"down_read(s);",
	"rcu_read_lock(); rK = READ_ONCE(*x); rcu_read_unlock();",
	"synchronize_rcu();",
	"WRITE_ONCE(*x, N); synchronize_rcu(); WRITE_ONCE(*y, N);",
	"rcu_read_lock(); q = rcu_dereference(*p); if (q) rK = READ_ONCE(*q); rcu_read_unlock();",
	"WRITE_ONCE(*p, 0); kvfree_rcu(obj);",
	"WRITE_ONCE(*p, 0); synchronize_rcu(); kfree(obj);",
	"kfree(obj);",
	"q = READ_ONCE(*p); if (q) rK = READ_ONCE(*q);",
	"local_irq_disable(); rK = READ_ONCE(*y); local_irq_enable();",
	"WRITE_ONCE(*y, N); tlb_remove_table_sync_one();",
	"rK = cmpxchg(x, 0, N);",
	"rK = xchg(y, N);",
	"rK = atomic_add_unless(x, 1, 0);",
	"rK = srcu_read_lock(ss); WRITE_ONCE(*y, N); srcu_read_unlock(ss, rK);",
	"synchronize_srcu(ss);",
	"rcu_read_lock(); spin_lock(l); WRITE_ONCE(*y, N); spin_unlock(l); rcu_read_unlock();",
	"spin_lock(l); synchronize_rcu(); spin_unlock(l);",
	"local_irq_disable(); spin_lock(l); rK = READ_ONCE(*x); spin_unlock(l); local_irq_enable();",
	"rK = srcu_down_read(ss); WRITE_ONCE(*y, rK);",
	"rK = READ_ONCE(*y); if (rK > 999) srcu_up_read(ss, rK);",
	"srcu_up_read(ss, 1001);",
	"rcu_read_lock(); rcu_read_lock(); rK = READ_ONCE(*x); rcu_read_unlock(); synchronize_rcu(); rcu_read_unlock();",
	"local_irq_disable(); local_irq_disable(); rK = READ_ONCE(*y); local_irq_enable(); local_irq_enable();",
	"rK = atomic_inc_return(x);",
	"WRITE_ONCE(*p, obj); rK = READ_ONCE(*obj);",
}

func genProgram(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("C gen\n{ int obj = 1; int *p = &obj; }\n")
	nt := 2 + rng.IntN(genThreads)
	var cond []string
	for t := 0; t < nt; t++ {
		fmt.Fprintf(&b, "P%d(int *x, int *y, spinlock_t *l, spinlock_t *m, struct rw_semaphore *s, struct srcu_struct *ss, int **p, int *obj) {\n\tint r0 = 0; int r1 = 0; int r2 = 0; int *q;\n", t)
		nb := 1 + rng.IntN(genBlocksMax)
		for k := 0; k < nb; k++ {
			blk := genBlocks[rng.IntN(len(genBlocks))]
			blk = strings.ReplaceAll(blk, "rK", fmt.Sprintf("r%d", k))
			blk = strings.ReplaceAll(blk, ", N)", fmt.Sprintf(", %d)", t+1))
			b.WriteString("\t" + blk + "\n")
		}
		b.WriteString("}\n")
		cond = append(cond, fmt.Sprintf("%d:r0=0 /\\ %d:r1=0", t, t))
	}
	b.WriteString("exists (x=0 /\\ y=0 /\\ " + strings.Join(cond, " /\\ ") + ")\n")
	return b.String()
}

func TestOptimalRandomPrograms(t *testing.T) {
	n, seed := 150, uint64(1)
	if testing.Short() {
		n = 40
	}
	// PTLAB_GEN=n,seed runs more programs from another seed (a longer
	// cross-check than the default run, e.g. PTLAB_GEN=2000,7).
	if v := os.Getenv("PTLAB_GEN"); v != "" {
		if _, err := fmt.Sscanf(v, "%d,%d", &n, &seed); err != nil {
			t.Fatalf("PTLAB_GEN=%q: want n,seed", v)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	compared, blocked, dporExec, optExec := 0, 0, 0, 0
	for i := 0; i < n; i++ {
		src := genProgram(rng)
		prog := mustCompile(t, src)
		naive := run(t, prog, Options{Strategy: "naive", CountTraces: true, MaxExecutions: 30000})
		if !naive.Exhaustive {
			continue
		}
		compared++
		opt := run(t, prog, Options{Strategy: "optimal", CountTraces: true})
		dpor := run(t, prog, Options{Strategy: "dpor", CountTraces: true})
		blocked += opt.SleepBlocked
		bad := ""
		if opt.Traces != naive.Traces {
			bad += fmt.Sprintf(" traces %d want %d;", opt.Traces, naive.Traces)
		}
		if opt.Executions-opt.SleepBlocked != naive.Traces {
			bad += fmt.Sprintf(" executions %d (%d sleep-blocked), traces %d;", opt.Executions, opt.SleepBlocked, naive.Traces)
		}
		if outcomeSet(opt) != outcomeSet(naive) || findingSet(opt) != findingSet(naive) {
			bad += " states/findings differ;"
		}
		if opt.Note != "" {
			bad += " note " + opt.Note
		}
		// Source-DPOR explores at least one execution of every trace.
		if dpor.Traces != naive.Traces {
			bad += fmt.Sprintf(" dpor traces %d want %d;", dpor.Traces, naive.Traces)
		}
		if outcomeSet(dpor) != outcomeSet(naive) || findingSet(dpor) != findingSet(naive) {
			bad += " dpor states/findings differ;"
		}
		dporExec += dpor.Executions
		optExec += opt.Executions
		if bad != "" {
			t.Errorf("program %d:%s\n%s", i, bad, src)
		}
	}
	t.Logf("%d random programs compared, %d sleep-blocked; executions: optimal %d, dpor %d", compared, blocked, optExec, dporExec)
}

var genThreads, genBlocksMax = 2, 3
