//go:build !js

package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// long has about 17 million executions under DPOR (three threads each
// writing one location six times): every run of it ends by a bound or a
// cancel.
const long = `C long

{}

P0(int *x)
{
	WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 1);
	WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 1); WRITE_ONCE(*x, 1);
}

P1(int *x)
{
	WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 2);
	WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 2); WRITE_ONCE(*x, 2);
}

P2(int *x)
{
	WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 3);
	WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 3); WRITE_ONCE(*x, 3);
}

exists (x=1)
`

// TestCancelKeepsPartialResult starts a run that would take hours,
// waits for progress, cancels it and expects the partial result,
// labelled as not exhaustive.
func TestCancelKeepsPartialResult(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	setScript(t, ctx, long)
	setValue(t, ctx, "opt-timeout", "0") // no time limit: only Cancel stops it
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; return true })()`)
	click(t, ctx, "#run")
	waitFor(t, ctx, `/^[1-9]\d* executions, [\d.]+ executions\/s/.test(document.getElementById("progress-text").textContent)`, runWait, "progress with a rate")
	// An unbounded exhaustive run has no bound to measure against, but
	// the engine estimates the search's size (sim.Options.Estimate), so
	// the page shows an ETA and a determinate bar.
	waitFor(t, ctx, `/an estimated .* in all; about .* left/.test(document.getElementById("progress-text").textContent)`, runWait, "an estimate of the search's size and the time left")
	progress := text(t, ctx, "progress-text")
	t.Logf("progress: %s", progress)
	if v := eval[float64](t, ctx, `document.getElementById("progress-bar").position`); v < 0 {
		t.Errorf("the progress bar is indeterminate (%v) although the engine gave an estimate", v)
	}
	if !eval[bool](t, ctx, `!document.getElementById("run").disabled === false && !document.getElementById("cancel").disabled`) {
		t.Errorf("while running, Run should be disabled and Cancel enabled")
	}
	screenshot(t, ctx, "running.png")
	start := time.Now()
	click(t, ctx, "#cancel")
	waitFor(t, ctx, `document.body.dataset.result === "partial"`, runWait, "the partial result")
	measure("Cancel to partial result: %v\n", time.Since(start).Round(time.Millisecond))
	sum := text(t, ctx, "summary")
	for _, want := range []string{"NOT exhaustive: stopped by the user (Cancel)", "partial result", "Observation long"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#outcomes .outcome").length`); n == 0 {
		t.Errorf("the partial result shows no outcomes")
	}
	if s := text(t, ctx, "status"); !strings.HasPrefix(s, "Cancelled after ") {
		t.Errorf("status %q", s)
	}
	screenshot(t, ctx, "cancelled.png")
	// The worker still works.
	setScript(t, ctx, abba)
	run(t, ctx)
	if r := attr(t, ctx, "body", "data-result"); r != "done" {
		t.Errorf("a run after the cancel: %q", r)
	}
}

// TestResponsiveDuringLongRun runs the long script for 6 seconds under a
// time limit and records the main thread's long tasks (a
// PerformanceObserver) and the largest gap between 10 ms timer ticks,
// while also typing into the editor. No task may exceed 200 ms. (The
// startup time and the wasm sizes are TestBrowserPerformance's.)
func TestResponsiveDuringLongRun(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	// The page has finished loading once the lesson pane shows its
	// lesson (the worker renders it): its first layout belongs to the
	// startup, not to the run.
	waitFor(t, ctx, `document.getElementById("lesson-body").dataset.state === "shown"`, runWait, "the lesson pane")
	setScript(t, ctx, long)
	setValue(t, ctx, "opt-timeout", "6")
	eval[bool](t, ctx, `(() => {
		window.__long = [];
		new PerformanceObserver(l => { for (const e of l.getEntries()) window.__long.push(e.duration); }).observe({type: "longtask"});
		window.__gap = 0;
		let last = performance.now();
		window.__tick = setInterval(() => { const n = performance.now(); window.__gap = Math.max(window.__gap, n - last); last = n; }, 10);
		return true;
	})()`)
	// The probes can fail: a deliberate 250 ms task must show up in both.
	eval[bool](t, ctx, `setTimeout(() => { const t0 = performance.now(); while (performance.now() - t0 < 250) {} }, 0), true`)
	waitFor(t, ctx, `window.__long.some(d => d >= 250) && window.__gap >= 250`, runWait, "the probes to see a deliberate 250 ms task")
	eval[bool](t, ctx, `(() => { window.__long = []; window.__gap = 0; delete document.body.dataset.result; return true })()`)
	start := time.Now()
	click(t, ctx, "#run")
	waitFor(t, ctx, `/^[1-9]/.test(document.getElementById("progress-text").textContent)`, runWait, "progress")
	// A time-limited run has an estimate and a determinate progress bar.
	if pt := text(t, ctx, "progress-text"); !strings.Contains(pt, "s left") {
		t.Errorf("progress %q: want an estimate of the time left", pt)
	}
	if v := eval[float64](t, ctx, `document.getElementById("progress-bar").position`); v < 0 {
		t.Errorf("the progress bar is indeterminate (%v) for a time-limited run", v)
	}
	// Type while it runs: the editor must keep up.
	for i := 0; i < 5; i++ {
		eval[bool](t, ctx, `(() => { const e = document.getElementById("editor"); e.value += "\n// typing during the run"; e.dispatchEvent(new Event("input")); return true })()`)
		time.Sleep(300 * time.Millisecond)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#highlight .line").length`); n != strings.Count(long, "\n")+6 {
		t.Errorf("the highlight overlay has %d lines while running, want %d", n, strings.Count(long, "\n")+6)
	}
	waitFor(t, ctx, `document.body.dataset.result !== undefined`, 60*time.Second, "the time-limited run to end")
	elapsed := time.Since(start)
	longest := eval[float64](t, ctx, `Math.max(0, ...window.__long)`)
	count := eval[int](t, ctx, `window.__long.length`)
	gap := eval[float64](t, ctx, `(clearInterval(window.__tick), window.__gap)`)
	sum := text(t, ctx, "summary")
	measure("during a %v run: %d long tasks on the main thread, longest %.0f ms; largest gap between 10 ms ticks %.0f ms\n",
		elapsed.Round(time.Millisecond), count, longest, gap)
	if elapsed < 5*time.Second {
		t.Errorf("the run took %v; the test needs at least 5 s", elapsed)
	}
	if !strings.Contains(sum, "time bound") {
		t.Errorf("summary %q: want the run stopped by its time bound", sum)
	}
	if longest > 200 {
		t.Errorf("a main-thread task took %.0f ms during the run (limit 200 ms)", longest)
	}
	// Timer gaps also count time the whole browser waited for a CPU (the
	// worker and other processes compete for it), so they get a looser
	// bound: a page frozen by the run would show gaps of seconds.
	if gap > 1000 {
		t.Errorf("the main thread's timer stalled for %.0f ms during the run", gap)
	}
}

// workerReadyMs is when the worker reported ready, in ms since
// navigation.
func workerReadyMs(t *testing.T, ctx ctxT) string {
	t.Helper()
	waitFor(t, ctx, `document.body.dataset.worker === "ready"`, readyTimeout, "the engine's worker")
	return strconv.Itoa(int(eval[float64](t, ctx, `+document.body.dataset.workerMs || 0`)))
}

// setValue sets a form control's value and fires its change event.
func setValue(t *testing.T, ctx ctxT, id, v string) {
	t.Helper()
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event("change")); return true })()`, id, v))
}

// TestManualMode steps a thread by hand, checks only enabled threads are
// offered, undoes, and continues with DPOR from the prefix.
func TestManualMode(t *testing.T) {
	ctx := newBrowser(t)
	openPlayground(t, ctx, serveSite(t))
	setScript(t, ctx, abba)
	click(t, ctx, "#manual")
	waitFor(t, ctx, `document.getElementById("manual-pane").dataset.steps === "0"`, runWait, "manual mode")
	enabled := func() string {
		return eval[string](t, ctx, `[...document.querySelectorAll("#manual-threads button")].map(b => b.dataset.thread + (b.disabled ? "-" : "+")).join(" ")`)
	}
	if e := enabled(); e != "0+ 1+" {
		t.Errorf("at the start: threads %q, want both enabled", e)
	}
	step := func(thread, want int) {
		t.Helper()
		click(t, ctx, fmt.Sprintf(`#manual-threads button[data-thread="%d"]`, thread))
		waitFor(t, ctx, fmt.Sprintf(`document.getElementById("manual-pane").dataset.steps === "%d"`, want), runWait, fmt.Sprintf("step %d", want))
	}
	step(0, 1) // P0 takes a
	step(0, 2) // P0 takes b: P1 cannot take b now
	if e := enabled(); e != "0+ 1-" {
		t.Errorf("after P0 took a and b: threads %q, want P1 disabled", e)
	}
	if rows := eval[int](t, ctx, `document.querySelectorAll("#lanes tbody tr").length`); rows != 2 {
		t.Errorf("the interleaving so far has %d rows, want 2", rows)
	}
	if h := text(t, ctx, "world"); !strings.Contains(h, "aP0") || !strings.Contains(h, "bP0") {
		t.Errorf("world after two steps: %q", h)
	}
	screenshot(t, ctx, "manual.png")
	click(t, ctx, "#manual-undo")
	waitFor(t, ctx, `document.getElementById("manual-pane").dataset.steps === "1"`, runWait, "undo")
	step(1, 2) // P1 takes b: deadlock
	if end := attr(t, ctx, "#manual-pane", "data-end"); end != "deadlock" {
		t.Errorf("end %q, want deadlock", end)
	}
	if f := text(t, ctx, "manual-findings"); !strings.Contains(f, "DEADLOCK") {
		t.Errorf("manual findings %q", f)
	}
	if e := enabled(); e != "0- 1-" {
		t.Errorf("after the deadlock: threads %q, want none enabled", e)
	}
	click(t, ctx, "#manual-undo")
	waitFor(t, ctx, `document.getElementById("manual-pane").dataset.steps === "1"`, runWait, "undo")
	// Continue with DPOR from P0 holding a.
	eval[bool](t, ctx, `(() => { delete document.body.dataset.result; return true })()`)
	click(t, ctx, "#manual-continue")
	waitFor(t, ctx, `document.body.dataset.result === "done"`, runWait, "the continued exploration")
	sum := text(t, ctx, "summary")
	for _, want := range []string{"Continued with dpor from the 1 step taken in manual mode", "exhaustive"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll("#findings .kind")].filter(k => k.textContent === "DEADLOCK").length`); n != 1 {
		t.Errorf("continuing from P0's first step finds %d deadlocks, want 1", n)
	}
	screenshot(t, ctx, "manual-continued.png")
	click(t, ctx, "#manual-stop")
	waitFor(t, ctx, `document.getElementById("manual-pane").hidden`, runWait, "leaving manual mode")
}
