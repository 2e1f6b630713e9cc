// Package bench is ptlab's fixed benchmark suite (ptlab bench): every
// scenario of the page-table suite, buggy and fixed, alone and together; scaled variants of
// two scenarios with 3 and 4 threads; and the LKMM litmus corpus when it
// is available. For each benchmark it measures executions explored,
// distinct Mazurkiewicz traces (counted independently by naive search,
// where that search finishes within a bound), visible steps per second,
// wall time and peak heap.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ptlab/ptlab/core/compile"
	"github.com/ptlab/ptlab/core/explore"
	"github.com/ptlab/ptlab/core/sim"
	"github.com/ptlab/ptlab/scenarios"
)

// NaiveBound bounds the naive search that counts traces: beyond it the
// trace count is left unknown (null).
const NaiveBound = 200_000

// Case is one benchmark: one or more programs explored together.
type Case struct {
	Name  string
	Progs []*compile.Program
}

// Result is one benchmark's measurements. Traces is nil where naive
// search could not count them.
type Result struct {
	Name           string  `json:"name"`
	Programs       int     `json:"programs"`
	Executions     int     `json:"executions"`
	SleepBlocked   int     `json:"sleep_blocked"`
	Traces         *int    `json:"traces"`
	Ratio          float64 `json:"explored_per_trace,omitempty"`
	Steps          int     `json:"steps"`
	StepsPerSecond float64 `json:"steps_per_second"`
	WallSeconds    float64 `json:"wall_seconds"`
	PeakBytes      uint64  `json:"peak_bytes"`
	Workers        int     `json:"workers,omitempty"` // > 0: a parallel search (-j) on this many workers
}

// Config is how Run measures a case.
type Config struct {
	Strategy    string // dpor, optimal or naive
	CountTraces bool   // count the traces independently (naive searches)
	Workers     int    // > 0: explore.ExploreParallel with this many workers (dpor, naive)
}

// Suite returns the fixed suite. corpusDir is the LKMM corpus
// (../shared/litmus); "" or a missing directory leaves it out.
func Suite(corpusDir string) ([]Case, error) {
	var out []Case
	all, err := scenarios.All()
	if err != nil {
		return nil, err
	}
	suite := Case{Name: "scenario-suite"}
	for _, s := range all {
		p, _, err := sim.Compile(s.File, s.Source)
		if err != nil {
			return nil, err
		}
		out = append(out, Case{Name: strings.TrimSuffix(s.File, ".litmus"), Progs: []*compile.Program{p}})
		suite.Progs = append(suite.Progs, p)
	}
	out = append(out, suite) // every scenario, buggy and fixed, as one run
	for _, n := range []int{3, 4} {
		for _, sc := range []struct{ name, src string }{
			{"R6-scaled", scaledR6(n)},
			{"R11-scaled", scaledR11(n)},
		} {
			p, _, err := sim.Compile(sc.name+".litmus", sc.src)
			if err != nil {
				return nil, fmt.Errorf("%s-%d: %v", sc.name, n, err)
			}
			out = append(out, Case{Name: fmt.Sprintf("%s-%dthreads", sc.name, n), Progs: []*compile.Program{p}})
		}
	}
	if corpusDir != "" {
		c, err := corpus(corpusDir)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

// scaledR6 is R6's fixed code with n-1 faulting threads against one
// detacher: each fault maps and locks the table and writes its own
// entry; the detacher reclaims the table if empty and frees it after a
// grace period.
func scaledR6(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "C R6-scaled-%d\n{\n\tstruct mm_struct mm;\n\tpte_table_t pt0;\n\tpmd_t pmd = pt0;\n}\n", n)
	for i := 0; i < n-1; i++ {
		fmt.Fprintf(&b, "P%d(struct mm_struct *mm, pmd_t *pmd)\n{\n\tspinlock_t *ptl;\n\tpte_t *pte;\n\n\tpte = pte_offset_map_lock(mm, pmd, %d * PAGE_SIZE, &ptl);\n\tif (pte) {\n\t\tset_pte_at(mm, %d * PAGE_SIZE, pte, %d);\n\t\tpte_unmap_unlock(pte, ptl);\n\t}\n}\n", i, i, i, i+1)
	}
	fmt.Fprintf(&b, "P%d(struct mm_struct *mm, pmd_t *pmd)\n{\n\ttry_to_free_pte(mm, pmd, 0);\n}\n", n-1)
	return b.String()
}

// scaledR11 has n threads faulting on a none PMD: each allocates a table
// with __pte_alloc() and maps its own entry (the benign pmd_install() race).
func scaledR11(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "C R11-scaled-%d\n{\n\tstruct mm_struct mm;\n\tstruct vm_area_struct vma;\n\tpmd_t pmd;\n", n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\tpte_table_t t%d = UNALLOCATED;\n", i)
	}
	b.WriteString("}\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "P%d(struct mm_struct *mm, struct vm_area_struct *vma, pmd_t *pmd)\n{\n\tint r;\n\n\tr = do_anonymous_page(mm, vma, pmd, %d * PAGE_SIZE, %d);\n}\n", i, i, i+1)
	}
	return b.String()
}

// corpus loads the LKMM corpus tests listed in INDEX.tsv whose naive
// search is small (Knuth's estimate at most NaiveBound executions), as
// one benchmark. It returns nil if the corpus is not there.
func corpus(dir string) (*Case, error) {
	index, err := os.ReadFile(filepath.Join(dir, "INDEX.tsv"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c := &Case{Name: "lkmm-corpus"}
	for i, line := range strings.Split(strings.TrimSpace(string(index)), "\n") {
		if i == 0 {
			continue // header
		}
		file := strings.Split(line, "\t")[0]
		src, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			return nil, err
		}
		p, _, err := sim.Compile(file, string(src))
		if err != nil {
			continue // the conformance test covers these; here only runnable ones count
		}
		est, err := explore.EstimateNaive(context.Background(), p, 50, 1)
		if err != nil {
			return nil, err
		}
		if est <= NaiveBound {
			c.Progs = append(c.Progs, p)
		}
	}
	return c, nil
}

// minTime is how long Run repeats a small case to time it.
const minTime = 200 * time.Millisecond

// Run measures one case: one run for the counts and the peak heap,
// repeated runs for the rate and the wall time (the mean over the
// repetitions).
func Run(ctx context.Context, c Case, cfg Config) (r Result, err error) {
	r = Result{Name: c.Name, Programs: len(c.Progs), Workers: cfg.Workers}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the heap while the case runs
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base && m.HeapAlloc-base > peak.Load() {
				peak.Store(m.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	once := func() (execs, blocked, steps int, err error) {
		for _, p := range c.Progs {
			opt := explore.Options{Strategy: cfg.Strategy, MaxPreemptions: -1}
			var res *explore.Result
			if cfg.Workers > 0 {
				res, err = explore.ExploreParallel(ctx, p, opt, cfg.Workers)
			} else {
				res, err = explore.Explore(ctx, p, opt)
			}
			if err != nil {
				return 0, 0, 0, fmt.Errorf("%s: %v", p.File, err)
			}
			execs, blocked, steps = execs+res.Executions, blocked+res.SleepBlocked, steps+res.Steps
		}
		return execs, blocked, steps, nil
	}
	start := time.Now()
	r.Executions, r.SleepBlocked, r.Steps, err = once()
	wall := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		return r, err
	}
	r.PeakBytes = peak.Load()
	// Small cases run again until they have taken minTime, so that their
	// rate is measured, not the timer's resolution or one GC.
	reps, steps := 1, r.Steps
	for wall < minTime {
		t := time.Now()
		_, _, n, err := once()
		if err != nil {
			return r, err
		}
		wall += time.Since(t)
		reps++
		steps += n
	}
	r.WallSeconds = wall.Seconds() / float64(reps)
	if wall > 0 {
		r.StepsPerSecond = float64(steps) / wall.Seconds()
	}
	if cfg.CountTraces {
		total := 0
		for _, p := range c.Progs {
			n, ok, err := Traces(ctx, p)
			if err != nil {
				return r, err
			}
			if !ok {
				return r, nil
			}
			total += n
		}
		r.Traces = &total
		r.Ratio = float64(r.Executions) / float64(total)
	}
	return r, nil
}

// Traces counts p's Mazurkiewicz traces independently of DPOR: by
// canonical trace form over a naive exhaustive search. ok is false when
// naive search needs more than NaiveBound executions.
func Traces(ctx context.Context, p *compile.Program) (n int, ok bool, err error) {
	res, err := explore.Explore(ctx, p, explore.Options{Strategy: "naive", MaxPreemptions: -1, CountTraces: true, MaxExecutions: NaiveBound})
	if err != nil {
		return 0, false, err
	}
	if !res.Exhaustive {
		return 0, false, nil
	}
	return res.Traces, true, nil
}
