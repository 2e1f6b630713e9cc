//go:build js && wasm

package main

import (
	"fmt"
	"strings"
	"sync"
	"syscall/js"

	"github.com/ptlab/ptlab/wasm/internal/experiment"
	"github.com/ptlab/ptlab/wasm/internal/protocol"
)

// experiments is the Experiments tab: save the editor's script with its
// options, notes and last result; list, open, rename, duplicate, delete,
// export and import saved experiments. Names and notes are only ever
// inserted as text; notes are shown rendered by goldmark (raw HTML off).
type experiments struct {
	p                        *page
	name, notes, notesView   *elem
	list, problems, current  *elem
	form, saveNew, exportBtn *elem
	importInput              *elem

	mu   sync.Mutex
	recs []experiment.Record
	open *experiment.Record // the experiment the editor holds, if any
}

func newExperiments(p *page) *experiments {
	x := &experiments{p: p, name: byID("exp-name"), notes: byID("exp-notes"), notesView: byID("exp-notes-view"),
		list: byID("exp-list"), problems: byID("exp-problems"), current: byID("exp-current"),
		form: byID("save-form"), saveNew: byID("exp-save-new"), exportBtn: byID("exp-export"), importInput: byID("exp-import")}
	if x.list == nil {
		return nil
	}
	x.form.AddEventListener("submit", false, func(ev *event) {
		ev.PreventDefault()
		go x.save(false)
	})
	onClick(x.saveNew, func() { x.save(true) })
	onClick(x.exportBtn, x.exportAll)
	x.importInput.AddEventListener("change", false, func(*event) { go x.importFile() })
	x.notes.AddEventListener("input", false, func(*event) { x.renderNotes() })
	if p.store == nil {
		for _, e := range []*elem{byID("exp-save"), x.saveNew, x.exportBtn, x.importInput} {
			setDisabled(e, true)
		}
		x.problems.AppendChild(mk("p", "error", "Experiments cannot be saved: IndexedDB is not available."))
	}
	return x
}

// renderNotes previews the notes as Markdown. The worker renders them
// with goldmark (package notes), which escapes text and omits raw HTML:
// this is the only HTML the page inserts that comes from user input.
func (x *experiments) renderNotes() {
	md := value(x.notes)
	if strings.TrimSpace(md) == "" {
		show(x.notesView, false)
		return
	}
	x.p.eng.send(protocol.Request{Type: protocol.Markdown, Script: md}, func(r protocol.Response) {
		if r.Type != protocol.HTML || value(x.notes) != md {
			return // failed, or stale: a later edit sent its own request
		}
		x.notesView.SetInnerHTML(r.HTML)
		show(x.notesView, true)
		setData(x.notesView, "rendered", "1")
	})
}

// refresh reloads the list from IndexedDB.
func (x *experiments) refresh() {
	if x == nil || x.p.store == nil {
		return
	}
	recs, problems, err := x.p.store.listExperiments()
	if err != nil {
		x.p.showMessage("Could not read the saved experiments: "+storageError(err)+".", "", nil)
		return
	}
	x.mu.Lock()
	x.recs = recs
	x.mu.Unlock()
	x.renderList(problems)
}

func (x *experiments) renderList(problems []experimentProblem) {
	clear(x.problems)
	for _, pr := range problems {
		pr := pr
		row := mk("div", "problem", "")
		row.AppendChild(mk("span", "", "⚠ "+pr.Err))
		row.AppendChild(button("Delete it", "link", func() {
			if err := x.p.store.deleteExperiment(pr.Key); err != nil {
				x.p.showMessage("Could not delete it: "+storageError(err)+".", "", nil)
			}
			x.refresh()
		}))
		x.problems.AppendChild(row)
	}
	if len(problems) > 0 {
		x.p.showMessage(fmt.Sprintf("%d saved experiment%s could not be read; see the Experiments tab.", len(problems), plural(len(problems))), "Show", func() { selectTab("experiments") })
	}
	clear(x.list)
	x.mu.Lock()
	recs := append([]experiment.Record(nil), x.recs...)
	open := x.open
	x.mu.Unlock()
	if len(recs) == 0 {
		x.list.AppendChild(mk("li", "muted", "No saved experiments yet."))
	}
	for _, r := range recs {
		r := r
		li := mk("li", "exp", "")
		li.SetAttribute("data-id", r.ID)
		if open != nil && open.ID == r.ID {
			li.Class().Add("open")
		}
		name := mk("span", "exp-name", r.Name)
		li.AppendChild(name)
		meta := "saved " + js.Global().Get("Date").New(float64(r.Updated)).Call("toLocaleString").String()
		if r.Summary != nil {
			meta += " · " + r.Summary.Observation
			if n := len(r.Summary.Findings); n > 0 {
				meta += fmt.Sprintf(" · %d finding%s", n, plural(n))
			}
		}
		li.AppendChild(mk("div", "muted small", meta))
		acts := mk("div", "exp-actions", "")
		acts.AppendChild(button("Open", "secondary exp-open", func() { x.openRecord(r) }))
		acts.AppendChild(button("Rename", "link exp-rename", func() { x.startRename(li, name, r) }))
		acts.AppendChild(button("Duplicate", "link exp-duplicate", func() { x.duplicate(r) }))
		del := button("Delete", "link exp-delete", nil)
		armed := false
		onClick(del, func() {
			if !armed {
				armed = true
				del.SetTextContent("Really delete?")
				return
			}
			x.remove(r)
		})
		acts.AppendChild(del)
		li.AppendChild(acts)
		x.list.AppendChild(li)
	}
	setData(x.list, "count", fmt.Sprint(len(recs)))
}

// save stores the editor as an experiment: a new one, or the open one.
func (x *experiments) save(asNew bool) {
	if x.p.store == nil {
		return
	}
	name := strings.TrimSpace(value(x.name))
	if name == "" {
		name = scriptName(x.p.ed.text())
	}
	o, err := x.p.options()
	if err != nil {
		x.p.showMessage("Cannot save: "+err.Error(), "", nil)
		return
	}
	t := now()
	x.mu.Lock()
	var r experiment.Record
	if x.open != nil && !asNew {
		r = *x.open
	} else {
		r = experiment.Record{Schema: experiment.Schema, ID: newID(), Created: t}
	}
	x.mu.Unlock()
	r.Name, r.Script, r.Options, r.Notes, r.Updated = name, x.p.ed.text(), o, value(x.notes), t
	r.Summary, r.Tokens = nil, nil
	x.p.mu.Lock()
	if x.p.last != nil && x.p.lastScript == r.Script {
		r.Summary, r.Tokens = experiment.FromResult(x.p.last)
	}
	x.p.mu.Unlock()
	if err := r.Validate(); err != nil {
		x.p.showMessage("Cannot save: this experiment "+err.Error()+".", "", nil)
		return
	}
	if err := x.p.store.putExperiments(r); err != nil {
		x.p.showMessage("The experiment was not saved: "+storageError(err)+". Your text is still in the editor.", "", nil)
		setData(body(), "saved", "error")
		return
	}
	x.setOpen(&r)
	setValue(x.name, r.Name)
	x.p.setStatus("Saved “" + r.Name + "”.")
	setData(body(), "saved", r.ID)
	x.refresh()
}

func (x *experiments) setOpen(r *experiment.Record) {
	x.mu.Lock()
	x.open = r
	x.mu.Unlock()
	if r == nil {
		x.current.SetTextContent("")
		return
	}
	x.current.SetTextContent("Editing “" + r.Name + "”")
}

// openRecord puts an experiment in the editor.
func (x *experiments) openRecord(r experiment.Record) {
	x.p.manual.leave("")
	x.p.replaceText(r.Script, "Opened “"+r.Name+"”.")
	x.p.setOptions(r.Options)
	setValue(x.name, r.Name)
	setValue(x.notes, r.Notes)
	x.renderNotes()
	x.setOpen(&r)
	x.showSummary(r)
	x.refresh()
}

// showSummary shows an opened experiment's last result and its tokens.
func (x *experiments) showSummary(r experiment.Record) {
	clear(x.p.summary)
	p := x.p
	p.summary.AppendChild(mk("p", "", "“"+r.Name+"”, as saved:"))
	if r.Summary == nil {
		p.summary.AppendChild(mk("p", "muted", "It was saved without a result. Run it to explore."))
		return
	}
	p.summary.AppendChild(mk("p", "observation", r.Summary.Observation))
	p.summary.AppendChild(mk("p", "exploration", r.Summary.Exploration))
	for _, f := range r.Summary.Findings {
		p.summary.AppendChild(mk("p", "error", f))
	}
	if len(r.Tokens) > 0 {
		ul := mk("ul", "tokens", "")
		for _, t := range r.Tokens {
			t := t
			li := mk("li", "", "")
			b := button(t.What, "link", func() { p.openTrace(r.Script, t.Token, t.What) })
			b.SetTitle(t.Token)
			li.AppendChild(b)
			ul.AppendChild(li)
		}
		p.summary.AppendChild(ul)
	}
}

func (x *experiments) startRename(li, name *elem, r experiment.Record) {
	in := mk("input", "rename", "")
	in.SetAttribute("type", "text")
	in.SetAttribute("maxlength", "200")
	setValue(in, r.Name)
	ok := button("OK", "secondary rename-ok", func() {
		n := strings.TrimSpace(value(in))
		if n == "" {
			x.p.showMessage("A name cannot be empty.", "", nil)
			return
		}
		r.Name, r.Updated = n, now()
		if err := x.p.store.putExperiments(r); err != nil {
			x.p.showMessage("Could not rename it: "+storageError(err)+".", "", nil)
			return
		}
		x.mu.Lock()
		if x.open != nil && x.open.ID == r.ID {
			x.open.Name = n
			setValue(x.name, n)
		}
		x.mu.Unlock()
		x.refresh()
	})
	in.AddEventListener("keydown", false, func(ev *event) {
		if ev.Key() == "Enter" {
			ev.PreventDefault()
			ok.Click()
		}
	})
	name.ParentNode().ReplaceChild(in, name)
	in.ParentNode().InsertBefore(ok, in.NextSibling())
	in.Focus()
}

func (x *experiments) duplicate(r experiment.Record) {
	x.mu.Lock()
	var names []string
	for _, o := range x.recs {
		names = append(names, o.Name)
	}
	x.mu.Unlock()
	t := now()
	r.ID, r.Name, r.Created, r.Updated = newID(), experiment.CopyName(r.Name, names), t, t
	if err := x.p.store.putExperiments(r); err != nil {
		x.p.showMessage("Could not duplicate it: "+storageError(err)+".", "", nil)
		return
	}
	x.refresh()
}

func (x *experiments) remove(r experiment.Record) {
	if err := x.p.store.deleteExperiment(r.ID); err != nil {
		x.p.showMessage("Could not delete it: "+storageError(err)+".", "", nil)
		return
	}
	x.mu.Lock()
	if x.open != nil && x.open.ID == r.ID {
		x.mu.Unlock()
		x.setOpen(nil)
	} else {
		x.mu.Unlock()
	}
	x.p.setStatus("Deleted “" + r.Name + "”.")
	x.refresh()
}

// exportAll downloads every saved experiment as one JSON file.
func (x *experiments) exportAll() {
	x.mu.Lock()
	recs := append([]experiment.Record(nil), x.recs...)
	x.mu.Unlock()
	b := experiment.Export(recs, now())
	download("ptlab-experiments.json", "application/json", b)
	x.p.setStatus(fmt.Sprintf("Exported %d experiment%s.", len(recs), plural(len(recs))))
}

// importFile reads the chosen export file and adds its experiments.
func (x *experiments) importFile() {
	files := x.importInput.Underlying().Get("files")
	if files.Length() == 0 {
		return
	}
	f := files.Index(0)
	text, err := await(f.Call("text"))
	setValue(x.importInput, "")
	if err != nil {
		x.p.showMessage("Could not read the file: "+err.Error(), "", nil)
		return
	}
	recs, problems, err := experiment.Import([]byte(text.String()))
	if err != nil {
		x.p.showMessage("Nothing was imported: "+err.Error()+".", "", nil)
		return
	}
	x.mu.Lock()
	existing := append([]experiment.Record(nil), x.recs...)
	x.mu.Unlock()
	add, skipped := experiment.Merge(existing, recs, newID)
	if len(add) > 0 {
		if err := x.p.store.putExperiments(add...); err != nil {
			x.p.showMessage("Nothing was imported: "+storageError(err)+".", "", nil)
			return
		}
	}
	msg := fmt.Sprintf("Imported %d experiment%s", len(add), plural(len(add)))
	if skipped > 0 {
		msg += fmt.Sprintf(" (%d already here)", skipped)
	}
	msg += "."
	if len(problems) > 0 {
		var ps []string
		for _, pr := range problems {
			ps = append(ps, pr.Error())
		}
		x.p.showMessage(msg+" "+strings.Join(ps, " "), "", nil)
	} else {
		x.p.setStatus(msg)
	}
	setData(body(), "imported", fmt.Sprint(len(add)))
	x.refresh()
}

// scriptName is the test name in a script's "C name" header, or
// "untitled".
func scriptName(src string) string {
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "C" {
			return f[1]
		}
		break
	}
	return "untitled"
}

// newID returns a fresh experiment id.
func newID() string {
	c := js.Global().Get("crypto")
	if c.Truthy() && c.Get("randomUUID").Truthy() {
		return c.Call("randomUUID").String()
	}
	return fmt.Sprintf("e%d-%d", now(), int64(js.Global().Get("Math").Call("random").Float()*1e9))
}

// download offers b as a file.
func download(name, mime string, b []byte) {
	g := js.Global()
	u8 := g.Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	blob := g.Get("Blob").New([]any{u8}, map[string]any{"type": mime})
	url := g.Get("URL").Call("createObjectURL", blob)
	a := mk("a", "", "")
	a.SetAttribute("href", url.String())
	a.SetAttribute("download", name)
	body().AppendChild(a)
	a.Click()
	a.Remove()
	g.Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		g.Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 10000)
}

// await waits for a JavaScript promise. It must not be called from a
// JavaScript callback (see main).
func await(promise js.Value) (js.Value, error) { return awaitTimeout(promise, 0) }
