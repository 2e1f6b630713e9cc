//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/ptlab/ptlab/wasm/internal/protocol"
	"github.com/ptlab/ptlab/wasm/internal/share"
)

// page is the playground (or the embed page) and its state.
type page struct {
	embed bool // embed.html: no storage, no experiments, no manual mode

	ed      *editor
	eng     *engine
	store   *store // nil when IndexedDB is unavailable (and in embed mode)
	trace   *traceView
	manual  *manualMode
	exps    *experiments
	lessons *lessonPane // nil on the embed page

	run, cancelBtn, manualBtn *elem
	status, output, summary   *elem
	outcomes, findings        *elem
	findingsCount             *elem
	progress, progressText    *elem
	progressBar               *elem
	msg, msgText, msgAction   *elem

	mu         sync.Mutex
	runID      int                 // the exploration under way, or 0
	runOpts    protocol.Options    // its options
	last       *protocol.RunResult // the last result shown
	lastScript string              // the script it is for
	msgAct     func()              // the message bar's action
	checkGen   int                 // generation of the pending background check
	loaded     *loadedBlock        // the lesson block last loaded into the editor
	first      startup             // the draft and reading position, read at startup

	// restoreLater says that the editor was made interactive before
	// the saved state was read (startPlayground); shown is the share
	// link's script it was given meanwhile, if any.
	restoreLater bool
	shown        string
}

func newPage() *page {
	p := &page{
		embed:         document.Get("body").Get("dataset").Get("mode").String() == "embed",
		run:           byID("run"),
		cancelBtn:     byID("cancel"),
		manualBtn:     byID("manual"),
		status:        byID("status"),
		output:        byID("output"),
		summary:       byID("summary"),
		outcomes:      byID("outcomes"),
		findings:      byID("findings"),
		findingsCount: byID("findings-count"),
		progress:      byID("progress"),
		progressText:  byID("progress-text"),
		progressBar:   byID("progress-bar"),
		msg:           byID("message"),
		msgText:       byID("message-text"),
		msgAction:     byID("message-action"),
	}
	p.ed = newEditor()
	p.trace = newTraceView(p)
	return p
}

// start wires the page. It runs in main, before the editor is marked
// interactive; it does not wait for IndexedDB (see startPlayground).
func (p *page) start() {
	p.eng = newEngine(func() {
		setData(body(), "workerMs", strconv.Itoa(int(perfNow())))
		setData(body(), "worker", "ready")
		if p.status != nil && strings.HasPrefix(p.status.TextContent(), "Loading") {
			p.setStatus("Ready.")
		}
	}, func(msg string) {
		p.showMessage("The engine is not available: "+msg, "", nil)
	})
	wireTabs()
	onClick(byID("message-close"), func() { show(p.msg, false) })
	onClick(p.msgAction, func() {
		p.mu.Lock()
		f := p.msgAct
		p.mu.Unlock()
		show(p.msg, false)
		if f != nil {
			f()
		}
	})
	p.ed.onRun = p.runScript
	p.ed.onEdit = p.edited
	onClick(p.run, p.runScript)
	onClick(p.cancelBtn, p.cancelRun)
	p.wireOptions()

	if p.embed {
		p.startEmbed()
		p.ed.render()
		markStarted()
	} else {
		p.startPlayground()
	}
	setDisabled(p.run, false)
	if p.status != nil && strings.HasPrefix(p.status.TextContent(), "Loading") {
		p.setStatus("Ready.")
	}
}

// startPlayground draws the editor and wires what does not need the
// saved state (the draft and the reading position, which boot.js reads
// from IndexedDB in the browser's own threads while this program
// downloads and compiles). If boot.js has them already, it also restores
// them and opens what the URL names (restoreStartup), before the editor
// is marked interactive, so the first frame shows the restored page.
// Otherwise the editor is made interactive without them, showing the
// page's default script or the share link's, and restoreStartup runs
// once they arrive (afterReady): creating the database on a first visit
// takes 100-500 ms, and a page that waited for it would not answer
// input meanwhile. Edits made in that window are kept (restoreDraft,
// loadFragment).
func (p *page) startPlayground() {
	p.manual = newManualMode(p)
	p.lessons = newLessonPane(p)
	p.wireExamples()
	p.wireShare()
	if startupRead() {
		p.restoreStartup()
	} else {
		p.restoreLater = true
		p.showSharedScript()
	}
	p.ed.render()
}

// restoreStartup opens the store (openStore: with the draft and the
// reading position read at startup, or why there are none), restores
// them, opens what the URL names (route) and wires what needs the store,
// then marks the page started (body[data-startup="done"]).
func (p *page) restoreStartup() {
	p.store, p.first = openStore(p)
	p.exps = newExperiments(p)
	p.lessons.restore()
	p.route(true)
	onWindow("hashchange", func() { p.route(false) })
	setDisabled(p.manualBtn, false)
	go p.exps.refresh()
	markStarted()
}

// showSharedScript puts the share link's script in the editor at once,
// when the page has to wait for the saved state before it routes
// (startPlayground): route then keeps it, or the user's edits to it
// (loadFragment).
func (p *page) showSharedScript() {
	if st, ok, err := share.Decode(fragment()); ok && err == nil {
		p.ed.setText(st.Script)
		p.shown = st.Script
	}
}

// afterReady starts what the editor does not need to be interactive:
// the engine's worker (and the requests held for it), the restoring of
// the saved state if it was not read in time (startPlayground), the
// store's connection and the service worker. It first gives the main thread
// back to the browser, and again between steps, so that the page
// answers input as soon as it is marked ready: each step costs tens of
// milliseconds the first time (the browser compiles the code it runs).
func (p *page) afterReady() {
	yieldToBrowser()
	p.eng.start()
	yieldToBrowser()
	if p.restoreLater {
		p.restoreStartup() // waits for boot.js's reads
	}
	if p.store != nil {
		go p.store.connect()
	}
	if f := js.Global().Get("ptlabRegisterSW"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
}

func body() *elem {
	return wrap(document.Get("body"))
}

func (p *page) setStatus(s string) {
	if p.status != nil {
		p.status.SetTextContent(s)
		p.status.Class().Remove("error")
	}
}

// showMessage shows text in the message bar, with an optional action
// button. Text is never parsed as HTML.
func (p *page) showMessage(text, action string, f func()) {
	if p.msg == nil {
		p.setStatus(text)
		return
	}
	p.msgText.SetTextContent(text)
	p.mu.Lock()
	p.msgAct = f
	p.mu.Unlock()
	if action != "" && f != nil {
		p.msgAction.SetTextContent(action)
		show(p.msgAction, true)
	} else {
		show(p.msgAction, false)
	}
	show(p.msg, true)
}

// edited runs after every edit: the draft is autosaved, manual mode
// ends (its session is for the old text) and a background check marks
// errors once typing pauses.
func (p *page) edited() {
	if p.store != nil {
		p.store.draftChanged(p.ed.text())
	}
	if p.manual != nil {
		p.manual.scriptChanged()
	}
	p.mu.Lock()
	p.checkGen++
	gen := p.checkGen
	p.mu.Unlock()
	go func() {
		time.Sleep(600 * time.Millisecond)
		p.mu.Lock()
		stale := gen != p.checkGen
		p.mu.Unlock()
		if stale {
			return
		}
		src := p.ed.text()
		p.eng.send(protocol.Request{Type: protocol.Check, Script: src}, func(r protocol.Response) {
			if r.Type == protocol.Compiled && p.ed.text() == src {
				p.ed.setDiags(r.Errors)
			}
		})
	}()
}

// wireTabs makes every .tabs bar switch the .tabpane siblings of its
// pane.
func wireTabs() {
	tabs := document.Call("querySelectorAll", ".tab")
	for i := 0; i < tabs.Length(); i++ {
		t := wrap(tabs.Index(i))
		name := t.GetAttribute("data-tab")
		t.AddEventListener("click", false, func(*event) { selectTab(name) })
	}
}

// selectTab shows pane name and hides its siblings.
func selectTab(name string) {
	tab := document.Call("querySelector", `.tab[data-tab="`+name+`"]`)
	if !tab.Truthy() {
		return
	}
	pane := tab.Call("closest", ".pane")
	tabs := pane.Call("querySelectorAll", ".tab")
	for i := 0; i < tabs.Length(); i++ {
		t := tabs.Index(i)
		on := t.Get("dataset").Get("tab").String() == name
		t.Get("classList").Call("toggle", "active", on)
		t.Call("setAttribute", "aria-selected", strconv.FormatBool(on))
	}
	panes := pane.Call("querySelectorAll", ".tabpane")
	for i := 0; i < panes.Length(); i++ {
		pn := panes.Index(i)
		pn.Set("hidden", pn.Get("dataset").Get("pane").String() != name)
	}
}

// optionInputs are the option controls, by option.
var optionIDs = []string{"opt-strategy", "opt-seed", "opt-executions", "opt-timeout", "opt-preemptions", "opt-steps", "opt-depth"}

func (p *page) wireOptions() {
	for _, id := range optionIDs {
		if e := byID(id); e != nil {
			e.AddEventListener("change", false, func(*event) { p.optionsChanged() })
		}
	}
	p.optionsChanged()
}

func (p *page) optionsChanged() {
	o, err := p.options()
	s := byID("options-summary")
	if s == nil {
		return
	}
	if err != nil {
		s.SetTextContent(err.Error())
		return
	}
	s.SetTextContent(optionsText(o))
}

// optionsText summarizes options in one line.
func optionsText(o protocol.Options) string {
	parts := []string{o.Strategy}
	if o.Strategy == "random" || o.Strategy == "pct" {
		parts = append(parts, "seed "+strconv.FormatUint(o.Seed, 10))
	}
	if o.Executions > 0 {
		parts = append(parts, strconv.Itoa(o.Executions)+" executions")
	}
	if o.TimeoutMs > 0 {
		parts = append(parts, strconv.FormatFloat(float64(o.TimeoutMs)/1000, 'f', -1, 64)+" s limit")
	}
	if o.Preemptions >= 0 {
		parts = append(parts, "≤"+strconv.Itoa(o.Preemptions)+" preemptions")
	}
	return strings.Join(parts, ", ")
}

// options reads the option controls (defaults on the embed page).
func (p *page) options() (protocol.Options, error) {
	o := protocol.DefaultOptions()
	if byID("opt-strategy") == nil {
		return o, nil
	}
	o.Strategy = value(byID("opt-strategy"))
	num := func(id string, def int64) (int64, error) {
		v := strings.TrimSpace(value(byID(id)))
		if v == "" {
			return def, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, errBadNumber(id, v)
		}
		return n, nil
	}
	var err error
	var n int64
	if n, err = num("opt-seed", 1); err != nil {
		return o, err
	}
	o.Seed = uint64(max(n, 0))
	if n, err = num("opt-executions", 0); err != nil {
		return o, err
	}
	o.Executions = int(n)
	if n, err = num("opt-preemptions", -1); err != nil {
		return o, err
	}
	o.Preemptions = int(n)
	if n, err = num("opt-steps", 0); err != nil {
		return o, err
	}
	o.Steps = int(n)
	if n, err = num("opt-depth", 0); err != nil {
		return o, err
	}
	o.Depth = int(n)
	t := strings.TrimSpace(value(byID("opt-timeout")))
	if t != "" {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || f < 0 {
			return o, errBadNumber("opt-timeout", t)
		}
		o.TimeoutMs = int(f * 1000)
	} else {
		o.TimeoutMs = 0
	}
	return o, o.Validate()
}

// setOptions puts o into the option controls.
func (p *page) setOptions(o protocol.Options) {
	if byID("opt-strategy") == nil {
		return
	}
	if o.Strategy == "" {
		o.Strategy = "dpor"
	}
	setValue(byID("opt-strategy"), o.Strategy)
	setValue(byID("opt-seed"), strconv.FormatUint(o.Seed, 10))
	setValue(byID("opt-executions"), strconv.Itoa(o.Executions))
	setValue(byID("opt-timeout"), strconv.FormatFloat(float64(o.TimeoutMs)/1000, 'f', -1, 64))
	setValue(byID("opt-preemptions"), strconv.Itoa(o.Preemptions))
	setValue(byID("opt-steps"), strconv.Itoa(o.Steps))
	setValue(byID("opt-depth"), strconv.Itoa(o.Depth))
	p.optionsChanged()
}

type optionError struct{ id, v string }

func (e optionError) Error() string {
	name := strings.TrimPrefix(e.id, "opt-")
	return "option " + name + ": " + strconv.Quote(e.v) + " is not a number"
}

func errBadNumber(id, v string) error { return optionError{id, v} }
