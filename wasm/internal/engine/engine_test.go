package engine

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

const sbLocks = `C SB+locks

{}

P0(int *x, int *y, spinlock_t *l)
{
	int r0;
	spin_lock(l);
	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
	spin_unlock(l);
}

P1(int *x, int *y, spinlock_t *l)
{
	int r0;
	spin_lock(l);
	WRITE_ONCE(*y, 1);
	r0 = READ_ONCE(*x);
	spin_unlock(l);
}

exists (0:r0=0 /\ 1:r0=0)
`

const abba = `C abba

{}

P0(spinlock_t *a, spinlock_t *b, int *x)
{
	spin_lock(a);
	spin_lock(b);
	WRITE_ONCE(*x, 1);
	spin_unlock(b);
	spin_unlock(a);
}

P1(spinlock_t *a, spinlock_t *b, int *x)
{
	spin_lock(b);
	spin_lock(a);
	WRITE_ONCE(*x, 2);
	spin_unlock(a);
	spin_unlock(b);
}

exists (x=2)
`

// Long has about 17 million executions under DPOR: every run of it
// ends by a bound or a cancel.
const Long = `C long

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

// recorder collects an engine's responses.
type recorder struct {
	mu   sync.Mutex
	got  []protocol.Response
	cond *sync.Cond
}

func newEngine() (*Engine, *recorder) {
	r := &recorder{}
	r.cond = sync.NewCond(&r.mu)
	e := New(func(resp protocol.Response) {
		r.mu.Lock()
		r.got = append(r.got, resp)
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	return e, r
}

// ask handles req and returns its final response.
func ask(t *testing.T, e *Engine, r *recorder, req protocol.Request) protocol.Response {
	t.Helper()
	e.Handle(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.got) - 1; i >= 0; i-- {
		if r.got[i].ID == req.ID && r.got[i].Type != protocol.Progress {
			return r.got[i]
		}
	}
	t.Fatalf("no final response to %+v", req)
	return protocol.Response{}
}

func TestRun(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Run, Script: sbLocks, Options: protocol.DefaultOptions()})
	if resp.Type != protocol.Result {
		t.Fatalf("response %+v", resp)
	}
	res := resp.Result
	if res.Name != "SB+locks" || !res.Exhaustive || res.Cancelled || res.Verdict != "Never" || len(res.States) != 2 {
		t.Errorf("result %+v", res)
	}
	for _, want := range []string{"Test SB+locks Allowed", "Observation SB+locks Never 0 2", "exhaustive"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, res.Text)
		}
	}
	if res.Observation != "Observation SB+locks Never 0 2" || res.Condition != "exists (0:r0=0 /\\ 1:r0=0)" {
		t.Errorf("observation %q, condition %q", res.Observation, res.Condition)
	}
	for _, s := range res.States {
		if s.Line == "" || s.Count == 0 || !strings.HasPrefix(s.Token, "ptl1.") {
			t.Errorf("state %+v", s)
		}
	}
}

func TestRunFindings(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Run, Script: abba, Options: protocol.DefaultOptions()})
	if resp.Type != protocol.Result || len(resp.Result.Findings) == 0 {
		t.Fatalf("response %+v", resp)
	}
	var f protocol.Finding
	for _, x := range resp.Result.Findings {
		if x.Kind == "deadlock" {
			f = x
		}
	}
	if f.Kind != "deadlock" || f.Thread != "P0" || f.Line != 8 || !strings.Contains(f.Text, "DEADLOCK: deadlock:") || !strings.Contains(f.Text, "replay: "+f.Token) {
		t.Errorf("finding %+v", f)
	}
	tr := ask(t, e, r, protocol.Request{ID: 2, Type: protocol.TraceReq, Script: abba, Token: f.Token})
	if tr.Type != protocol.Trace || tr.Trace == nil || tr.Trace.End != "deadlock" || len(tr.Trace.Steps) == 0 {
		t.Fatalf("trace response %+v", tr)
	}
	if len(tr.Findings) == 0 || tr.Findings[0].Kind != "deadlock" || !strings.Contains(tr.Findings[0].Text, "DEADLOCK: ") {
		t.Errorf("trace findings %+v", tr.Findings)
	}
}

func TestCompileErrors(t *testing.T) {
	e, r := newEngine()
	broken := "C broken\n\n{}\n\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1\n}\n\nexists (x=1)\n"
	for _, typ := range []string{protocol.Run, protocol.Check, protocol.SessionStart, protocol.TraceReq} {
		resp := ask(t, e, r, protocol.Request{ID: 1, Type: typ, Script: broken, Token: "ptl1.AA", Options: protocol.DefaultOptions()})
		want := protocol.Error
		if typ == protocol.Check {
			want = protocol.Compiled
		}
		if resp.Type != want || len(resp.Errors) == 0 {
			t.Fatalf("%s: response %+v", typ, resp)
		}
		d := resp.Errors[0]
		if d.Line != 8 || d.Col != 1 || d.Warning || !strings.HasPrefix(d.Text, "playground.litmus:8:1: ") {
			t.Errorf("%s: diagnostic %+v", typ, d)
		}
	}
	ok := ask(t, e, r, protocol.Request{ID: 2, Type: protocol.Check, Script: sbLocks})
	if ok.Type != protocol.Compiled || len(ok.Errors) != 0 {
		t.Errorf("a good script: %+v", ok)
	}
	typo := strings.Replace(sbLocks, "READ_ONCE(*y)", "READ_ONC(*y)", 1)
	bad := ask(t, e, r, protocol.Request{ID: 3, Type: protocol.Check, Script: typo})
	if len(bad.Errors) != 1 || !strings.Contains(bad.Errors[0].Message, "did you mean READ_ONCE") || bad.Errors[0].Line != 10 {
		t.Errorf("a typo: %+v", bad.Errors)
	}
}

func TestBadRequests(t *testing.T) {
	e, r := newEngine()
	for _, tc := range []struct {
		req  protocol.Request
		want string
	}{
		{protocol.Request{ID: 1, Type: "frobnicate"}, "unknown request type"},
		{protocol.Request{ID: 2, Type: protocol.Run, Script: sbLocks, Options: protocol.Options{Strategy: "bfs"}}, "unknown strategy"},
		{protocol.Request{ID: 3, Type: protocol.TraceReq, Script: sbLocks, Token: "ptl1.garbage"}, "playground.litmus:"},
		{protocol.Request{ID: 4, Type: protocol.SessionStep, Thread: 0}, "manual mode is not running"},
		{protocol.Request{ID: 5, Type: protocol.SessionContinue}, "manual mode is not running"},
	} {
		resp := ask(t, e, r, tc.req)
		if resp.Type != protocol.Error || !strings.Contains(resp.Message, tc.want) {
			t.Errorf("%+v: response %+v, want an error mentioning %q", tc.req, resp, tc.want)
		}
	}
}

// TestCancel cancels a run that would take minutes and expects its
// partial result, labelled as such, soon after; it also checks progress
// messages arrive and that Yield is called while the run goes on.
func TestCancel(t *testing.T) {
	e, r := newEngine()
	var yields sync.WaitGroup
	yields.Add(1)
	var once sync.Once
	e.Yield = func() { once.Do(yields.Done) }
	done := make(chan protocol.Response)
	go func() {
		done <- ask(t, e, r, protocol.Request{ID: 7, Type: protocol.Run, Script: Long, Options: protocol.Options{Strategy: "dpor", Preemptions: -1}})
	}()

	// Wait for a progress message, then cancel.
	r.mu.Lock()
	for !hasProgress(r.got, 7) {
		r.cond.Wait()
	}
	r.mu.Unlock()
	yields.Wait()
	start := time.Now()
	e.Handle(protocol.Request{ID: 7, Type: protocol.Cancel})
	var resp protocol.Response
	select {
	case resp = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not stop within 30 s of Cancel")
	}
	t.Logf("stopped %v after Cancel", time.Since(start))
	if resp.Type != protocol.Result {
		t.Fatalf("response %+v", resp)
	}
	res := resp.Result
	if !res.Cancelled || res.Exhaustive || res.Executions == 0 || !strings.Contains(res.Exploration, "NOT exhaustive: stopped by the user (Cancel)") {
		t.Errorf("partial result: cancelled %v, exhaustive %v, %d executions, %q", res.Cancelled, res.Exhaustive, res.Executions, res.Exploration)
	}
	if len(res.States) == 0 {
		t.Errorf("the partial result has no states")
	}
}

func hasProgress(rs []protocol.Response, id int) bool {
	for _, r := range rs {
		if r.ID == id && r.Type == protocol.Progress && r.Progress.Executions > 0 {
			return true
		}
	}
	return false
}

// TestTimeBound checks a time-bounded run is not reported as cancelled.
func TestTimeBound(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Run, Script: Long, Options: protocol.Options{Strategy: "dpor", Preemptions: -1, TimeoutMs: 300}})
	if resp.Type != protocol.Result || resp.Result.Cancelled || resp.Result.Exhaustive || !strings.Contains(resp.Result.StopReason, "time bound") {
		t.Errorf("result %+v", resp.Result)
	}
}

// TestProgressEstimate checks that an unbounded exhaustive run posts the
// engine's estimate of its size with its progress, so the page can show
// an ETA: Long's DPOR search has millions of executions.
func TestProgressEstimate(t *testing.T) {
	e, r := newEngine()
	resp := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Run, Script: Long, Options: protocol.Options{Strategy: "dpor", Preemptions: -1, TimeoutMs: 600}})
	if resp.Type != protocol.Result {
		t.Fatalf("result %+v", resp)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var last *protocol.ProgressInfo
	for _, m := range r.got {
		if m.ID == 1 && m.Type == protocol.Progress {
			last = m.Progress
		}
	}
	if last == nil {
		t.Fatal("no progress message in 600 ms")
	}
	if last.Estimate < float64(last.Executions) || last.Estimate < 10000 {
		t.Errorf("last progress %+v: want an estimate of at least the executions done, and of Long's millions", *last)
	}
	if s := protocol.Estimate(protocol.Options{Strategy: "dpor"}, *last); !strings.Contains(s, "an estimated") || !strings.Contains(s, "left") {
		t.Errorf("the page would show %q", s)
	}
}

func TestSession(t *testing.T) {
	e, r := newEngine()
	st := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.SessionStart, Script: abba})
	if st.Type != protocol.Session || st.Session.Steps != 0 || st.Session.End != "running" {
		t.Fatalf("start: %+v", st)
	}
	if th := st.Session.Threads; len(th) < 2 || !th[0].Enabled || th[0].Pending != "spin_lock" || !th[1].Enabled {
		t.Errorf("threads at start: %+v", th)
	}
	if tr := st.Session.Trace; tr == nil || len(tr.Steps) != 0 || tr.End != "running" || tr.Initial.Locks != nil {
		t.Errorf("trace at start: %+v", tr)
	}
	// P0 takes a and b: P1 cannot take b.
	ask(t, e, r, protocol.Request{ID: 2, Type: protocol.SessionStep, Thread: 0})
	st = ask(t, e, r, protocol.Request{ID: 3, Type: protocol.SessionStep, Thread: 0})
	s := st.Session
	if s.Steps != 2 || s.End != "running" || len(s.Events) != 2 || s.Events[1].Thread != 0 || s.Events[1].Line != 8 {
		t.Errorf("after two steps: %+v", s)
	}
	// The prefix is traced from the session's own token (sim.Trace of
	// an unfinished prefix), not from some execution extending it.
	if s.Trace == nil || len(s.Trace.Steps) != 2 || s.Trace.Steps[1].Span != "acquire" || s.Trace.Steps[1].Lock != "b" {
		t.Errorf("prefix trace: %+v", s.Trace)
	} else if s.Trace.End != "running" || s.Trace.Token != s.Token || len(s.Trace.Findings) != 0 {
		t.Errorf("prefix trace: end %q, token %q (session %q), findings %+v", s.Trace.End, s.Trace.Token, s.Token, s.Trace.Findings)
	}
	if p1 := s.Threads[1]; p1.Enabled || p1.Status != "ready" && p1.Status != "blocked" {
		t.Errorf("P1 while P0 holds both locks: %+v", p1)
	}
	if bad := ask(t, e, r, protocol.Request{ID: 4, Type: protocol.SessionStep, Thread: 1}); bad.Type != protocol.Error {
		t.Errorf("stepping a blocked thread: %+v", bad)
	}
	// From here the rest cannot deadlock (lockdep still sees the
	// inverted order): continuing is exhaustive, with one final state.
	cont := ask(t, e, r, protocol.Request{ID: 5, Type: protocol.SessionContinue, Options: protocol.DefaultOptions()})
	if cont.Type != protocol.Result || cont.Result.Prefix != 2 || !cont.Result.Exhaustive || len(cont.Result.States) != 1 {
		t.Errorf("continue after P0 took both locks: %+v", cont.Result)
	}
	for _, f := range cont.Result.Findings {
		if f.Kind != "lock-order" {
			t.Errorf("continue after P0 took both locks found %s", f.Kind)
		}
	}
	// Undo one step and let P1 take b: a deadlock.
	ask(t, e, r, protocol.Request{ID: 6, Type: protocol.SessionUndo})
	st = ask(t, e, r, protocol.Request{ID: 7, Type: protocol.SessionStep, Thread: 1})
	s = st.Session
	if s.End != "deadlock" || len(s.Findings) == 0 || s.Findings[0].Kind != "deadlock" {
		t.Errorf("after the deadlock: end %q, findings %+v", s.End, s.Findings)
	}
	if s.Trace == nil || len(s.Trace.Steps) != 2 || s.Trace.End != "deadlock" {
		t.Errorf("deadlocked trace: %+v", s.Trace)
	}
	for _, th := range s.Threads[:2] {
		if th.Enabled || th.Status != "blocked" || th.Why == "" {
			t.Errorf("thread %+v after the deadlock", th)
		}
	}
	cont = ask(t, e, r, protocol.Request{ID: 8, Type: protocol.SessionContinue, Options: protocol.DefaultOptions()})
	if cont.Type != protocol.Error || !strings.Contains(cont.Message, "has ended") {
		t.Errorf("continue after the end: %+v", cont)
	}
	// Continue with DPOR from P0's first step finds the deadlock.
	ask(t, e, r, protocol.Request{ID: 9, Type: protocol.SessionUndo})
	cont = ask(t, e, r, protocol.Request{ID: 10, Type: protocol.SessionContinue, Options: protocol.DefaultOptions()})
	if cont.Type != protocol.Result || cont.Result.Prefix != 1 || !cont.Result.Exhaustive || len(cont.Result.Findings) == 0 {
		t.Errorf("continue from one step: %+v", cont.Result)
	}
	ask(t, e, r, protocol.Request{ID: 11, Type: protocol.SessionUndo})
	if u := ask(t, e, r, protocol.Request{ID: 12, Type: protocol.SessionUndo}); u.Type != protocol.Error || !strings.Contains(u.Message, "nothing to undo") {
		t.Errorf("undo at the start: %+v", u)
	}
	ask(t, e, r, protocol.Request{ID: 13, Type: protocol.SessionStop})
	if u := ask(t, e, r, protocol.Request{ID: 14, Type: protocol.SessionUndo}); u.Type != protocol.Error {
		t.Errorf("undo after stop: %+v", u)
	}
}

func TestMarkdownAndExamples(t *testing.T) {
	e, r := newEngine()
	md := ask(t, e, r, protocol.Request{ID: 1, Type: protocol.Markdown, Script: "# Hi <img src=x onerror=alert(1)>\n\n*why*"})
	if md.Type != protocol.HTML || !strings.Contains(md.HTML, "<em>why</em>") || strings.Contains(md.HTML, "<img") {
		t.Errorf("markdown: %+v", md)
	}
	ex := ask(t, e, r, protocol.Request{ID: 2, Type: protocol.ListExamples})
	if ex.Type != protocol.Examples || len(ex.Examples) < 25 {
		t.Fatalf("examples: %d", len(ex.Examples))
	}
	for _, x := range ex.Examples {
		if x.Group == "" || x.Name == "" || !strings.HasPrefix(x.Source, "C ") {
			t.Errorf("example %+v", x.Name)
		}
	}
}

// The page offers every strategy: each runs as itself, and the
// exhaustive ones (dpor, optimal, naive) find the same findings.
func TestStrategies(t *testing.T) {
	e, r := newEngine()
	var kinds []string
	for i, s := range protocol.Strategies {
		o := protocol.DefaultOptions()
		o.Strategy = s
		resp := ask(t, e, r, protocol.Request{ID: i + 1, Type: protocol.Run, Script: abba, Options: o})
		if resp.Type != protocol.Result || resp.Result == nil {
			t.Fatalf("%s: response %+v", s, resp)
		}
		if resp.Result.Strategy != s || !strings.Contains(resp.Result.Exploration, "("+s+")") {
			t.Errorf("asked for %s: strategy %q, %q", s, resp.Result.Strategy, resp.Result.Exploration)
		}
		var k []string
		for _, f := range resp.Result.Findings {
			k = append(k, f.Kind)
		}
		kinds = append(kinds, fmt.Sprint(k))
		if s != "random" && s != "pct" && kinds[len(kinds)-1] != kinds[0] {
			t.Errorf("%s found %v, dpor %v", s, k, kinds[0])
		}
	}
}
