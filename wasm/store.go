//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/hack-pad/go-indexeddb/idb"

	"github.com/ptlab/ptlab/wasm/internal/experiment"
	"github.com/ptlab/ptlab/wasm/internal/reader"
)

// The playground's IndexedDB database "ptlab" holds three object
// stores: "drafts" (the editor's autosaved text under key "editor", and
// the text a load replaced under "previous"), "experiments" (one record
// per saved experiment, keyed by its id; see package experiment) and
// "progress" (where the reader stopped in the lessons and the exercises
// solved, under key "reader"; see package reader). Records are stored as
// plain objects parsed from the JSON that packages experiment and reader
// write, and read back through them, so a record that does not decode is
// reported, never silently used or dropped.
const (
	dbName        = "ptlab"
	dbVersion     = 3
	draftsStore   = "drafts"
	expStore      = "experiments"
	progressStore = "progress"
	positionKey   = "reader"
	draftKey      = "editor"
	previousKey   = "previous"
	draftSchema   = 1
	openTimeout   = 5 * time.Second
	opTimeout     = 5 * time.Second
	autosaveDelay = 400 * time.Millisecond
)

// store is the page's IndexedDB database.
type store struct {
	p      *page
	edited chan struct{} // signals the autosaver; capacity 1

	// db is the connection, set before opened is closed; dbErr says
	// why there is none. Everything that reads or writes waits for
	// opened (see connected).
	db     *idb.Database
	dbErr  error
	opened chan struct{}

	mu       sync.Mutex
	saveErr  string // the last autosave error shown, to show each once
	lastSave string // the text last saved as the draft
}

// openStore reads the draft and the reading position, saying in the
// message bar why it cannot when there is no database; the playground
// then works without saving. When boot.js read them (while the page
// program loaded: see bootStartup), the store takes over boot.js's
// connection later, in connect; otherwise openStore opens the database
// and reads them itself.
func openStore(p *page) (*store, startup) {
	s := &store{p: p, edited: make(chan struct{}, 1), opened: make(chan struct{})}
	first, booted, err := bootStartup()
	if !booted && err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		s.db, err = openDB(ctx)
		if err == nil {
			first = readStartup(s.db)
			close(s.opened)
		}
	}
	if err != nil {
		storageOff(p, err)
		return nil, startup{}
	}
	setData(body(), "storage", "on")
	go s.autosave()
	return s, first
}

// startupRead reports whether openStore can return without waiting: boot.js
// has read the draft and the reading position already, or the browser
// has no IndexedDB. (Otherwise it waits for boot.js's reads, or opens the
// database itself when boot.js did not.)
func startupRead() bool {
	if !js.Global().Get("indexedDB").Truthy() {
		return true
	}
	boot := js.Global().Get("ptlabBoot")
	return boot.Truthy() && boot.Get("got").Truthy()
}

// bootStartup returns the draft and the reading position that boot.js
// read (window.ptlabBoot.store), and whether it read them: on a fresh
// profile, creating the database takes 100-500 ms, which then overlaps
// the page program's download and compilation instead of following them.
// It reports booted false, and no error, when boot.js did not start them
// (no IndexedDB, or no boot.js) or could not open the database; then
// openStore opens it.
func bootStartup() (first startup, booted bool, err error) {
	boot := js.Global().Get("ptlabBoot")
	if !boot.Truthy() || !boot.Get("store").Truthy() {
		return first, false, nil
	}
	got := boot.Get("got") // set once the records are read
	if !got.Truthy() {
		got, err = awaitTimeout(boot.Get("store"), openTimeout)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return first, true, openError(err)
	case err != nil:
		// boot.js could not open the database (say, its schema is older
		// than dbVersion): openStore opens it itself.
		return first, false, nil
	}
	if e := got.Get("readError"); e.Truthy() {
		err := errors.New(e.String())
		first.draftErr, first.posErr = err, err
		return first, true, nil
	}
	first.draft, first.draftOK, first.draftErr = decodeDraft(got.Get("draft"))
	first.pos, first.posOK, first.posErr = decodePosition(got.Get("position"))
	return first, true, nil
}

// connect takes over the connection boot.js opened (window.ptlabBoot.db),
// or opens one if that one is not the database this program expects
// (boot.js's schema differs from dbVersion and the stores). It runs once
// the editor is interactive (page.afterReady): wrapping the connection
// for go-indexeddb is work the editor does not need before. Reads and
// writes wait for it. Without a connection, saving is off, as openStore
// would have said.
func (s *store) connect() {
	select {
	case <-s.opened:
		return // openStore opened the database itself
	default:
	}
	var err error
	defer func() {
		if err != nil {
			s.dbErr = err
			storageOff(s.p, err)
		}
		close(s.opened)
	}()
	req, err := awaitTimeout(js.Global().Get("ptlabBoot").Get("db"), openTimeout)
	if err != nil {
		err = openError(err)
		return
	}
	jsDB := req.Get("result")
	names := jsDB.Get("objectStoreNames")
	if jsDB.Get("version").Int() == dbVersion && names.Call("contains", draftsStore).Bool() &&
		names.Call("contains", expStore).Bool() && names.Call("contains", progressStore).Bool() {
		if s.db, err = adoptDB(req); err != nil {
			err = fmt.Errorf("IndexedDB failed: %v.", err)
		}
		return
	}
	jsDB.Call("close")
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	s.db, err = openDB(ctx)
}

// connected waits until the store has its connection and returns the
// error if it has none.
func (s *store) connected() error {
	<-s.opened
	return s.dbErr
}

// adoptDB wraps req, an IDBOpenDBRequest that succeeded, as go-indexeddb
// does a request it made itself: through a factory whose open returns
// req. (go-indexeddb wraps databases only as the results of its open
// requests.)
func adoptDB(req js.Value) (db *idb.Database, err error) {
	defer func() {
		if p := recover(); p != nil {
			db, err = nil, fmt.Errorf("%v", p)
		}
	}()
	open := js.FuncOf(func(js.Value, []js.Value) any { return req })
	defer open.Release()
	factory, err := idb.WrapFactory(js.ValueOf(map[string]any{"open": open}))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // drops the listeners Open added (the request is done: they never fire)
	r, err := factory.Open(ctx, dbName, dbVersion, func(*idb.Database, uint, uint) error {
		return errors.New("unexpected upgrade")
	})
	if err != nil {
		return nil, err
	}
	return r.Result()
}

// awaitTimeout waits at most d (d <= 0: as long as it takes) for a
// JavaScript promise; when d passes first, it returns
// context.DeadlineExceeded. It must not be called from a JavaScript
// callback (see main).
func awaitTimeout(promise js.Value, d time.Duration) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var ok, fail js.Func
	settle := func(r result) {
		ch <- r
		ok.Release()
		fail.Release()
	}
	ok = js.FuncOf(func(_ js.Value, args []js.Value) any {
		settle(result{v: args[0]})
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "failed"
		if len(args) > 0 {
			msg = js.Global().Call("String", args[0]).String()
		}
		settle(result{err: errors.New(msg)})
		return nil
	})
	promise.Call("then", ok, fail)
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-ch:
		return r.v, r.err
	case <-timeout:
		return js.Undefined(), context.DeadlineExceeded
	}
}

// openDB opens (creating or upgrading) the database.
func openDB(ctx context.Context) (db *idb.Database, err error) {
	defer func() {
		// go-indexeddb panics on some failures; storage is optional.
		if p := recover(); p != nil {
			db, err = nil, fmt.Errorf("IndexedDB failed: %v.", p)
		}
	}()
	global := js.Global().Get("indexedDB")
	if !global.Truthy() {
		return nil, errors.New("this browser offers no IndexedDB (a private window?).")
	}
	factory, err := idb.WrapFactory(global)
	if err != nil {
		return nil, fmt.Errorf("IndexedDB failed: %v.", err)
	}
	req, err := factory.Open(ctx, dbName, dbVersion, func(db *idb.Database, oldVersion, _ uint) error {
		if oldVersion < 1 {
			if _, err := db.CreateObjectStore(draftsStore, idb.ObjectStoreOptions{}); err != nil {
				return err
			}
		}
		if oldVersion < 2 {
			if _, err := db.CreateObjectStore(expStore, idb.ObjectStoreOptions{}); err != nil {
				return err
			}
		}
		if oldVersion < 3 {
			if _, err := db.CreateObjectStore(progressStore, idb.ObjectStoreOptions{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, openError(err)
	}
	db, err = req.Await(ctx)
	if err == nil && db == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, openError(err)
	}
	return db, nil
}

// openError words a failure to open the database for the user.
func openError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("IndexedDB did not open within %v (another ptlab tab with an older version may be blocking the upgrade: close it and reload).", openTimeout)
	}
	return fmt.Errorf("IndexedDB did not open: %v.", err)
}

// storageOff says in the message bar why nothing will be saved, and
// marks the page (body[data-storage="off"]).
func storageOff(p *page, err error) {
	p.showMessage("Saving is off: "+err.Error()+" Your edits are not saved across reloads; experiments cannot be saved.", "", nil)
	setData(body(), "storage", "off")
}

// storageError words an IndexedDB error for the user.
func storageError(err error) string {
	s := err.Error()
	if strings.Contains(s, "QuotaExceeded") || strings.Contains(strings.ToLower(s), "quota") {
		return "the browser's storage quota for this site is exhausted (" + s + ")"
	}
	return s
}

// decodeDraft reads a drafts record.
func decodeDraft(v js.Value) (text string, ok bool, err error) {
	if v.Type() != js.TypeObject {
		return "", false, nil
	}
	if v.Get("schema").Type() != js.TypeNumber || v.Get("schema").Int() != draftSchema || v.Get("text").Type() != js.TypeString {
		return "", false, fmt.Errorf("the saved draft does not decode (schema %v)", v.Get("schema"))
	}
	return v.Get("text").String(), true, nil
}

// startup is what the page reads from the database before it is ready:
// the editor's draft and the reading position, in one transaction.
type startup struct {
	draft    string
	draftOK  bool
	draftErr error
	pos      reader.Position
	posOK    bool
	posErr   error
}

// readStartup reads the draft and the reading position together (one
// transaction, both requests under way at once: a cold start waits for
// one round trip to IndexedDB, not two).
func readStartup(db *idb.Database) startup {
	var st startup
	fail := func(err error) startup {
		st.draftErr, st.posErr = err, err
		return st
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	txn, err := db.Transaction(idb.TransactionReadOnly, draftsStore, progressStore)
	if err != nil {
		return fail(err)
	}
	ds, err := txn.ObjectStore(draftsStore)
	if err != nil {
		return fail(err)
	}
	ps, err := txn.ObjectStore(progressStore)
	if err != nil {
		return fail(err)
	}
	dreq, err := ds.Get(js.ValueOf(draftKey))
	if err != nil {
		return fail(err)
	}
	preq, err := ps.Get(js.ValueOf(positionKey))
	if err != nil {
		return fail(err)
	}
	if v, err := dreq.Await(ctx); err != nil {
		st.draftErr = err
	} else {
		st.draft, st.draftOK, st.draftErr = decodeDraft(v)
	}
	if v, err := preq.Await(ctx); err != nil {
		st.posErr = err
	} else {
		st.pos, st.posOK, st.posErr = decodePosition(v)
	}
	if err := ctx.Err(); err != nil { // an await cut short returns no error
		st.draftOK, st.posOK = false, false
		st.draftErr, st.posErr = fmt.Errorf("reading the draft took longer than %v", opTimeout), fmt.Errorf("reading the reading position took longer than %v", opTimeout)
	}
	return st
}

// write runs fn on object store name in one read-write transaction and
// waits for the commit (at most opTimeout); if fn fails, the transaction
// is aborted, so nothing of it is kept.
func (s *store) write(name string, fn func(*idb.ObjectStore) error) error {
	if err := s.connected(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	txn, err := s.db.Transaction(idb.TransactionReadWrite, name)
	if err != nil {
		return err
	}
	st, err := txn.ObjectStore(name)
	if err != nil {
		return err
	}
	if err := fn(st); err != nil {
		txn.Abort()
		return err
	}
	return txn.Await(ctx)
}

// putDraft saves text under key and waits for the commit.
func (s *store) putDraft(key, text string) error {
	return s.write(draftsStore, func(st *idb.ObjectStore) error {
		rec := map[string]any{"schema": draftSchema, "text": text, "savedAt": now()}
		_, err := st.PutKey(js.ValueOf(key), js.ValueOf(rec))
		return err
	})
}

// draftChanged tells the autosaver the editor changed.
func (s *store) draftChanged(string) {
	select {
	case s.edited <- struct{}{}:
	default: // a save is already pending
	}
}

// autosave saves the editor's text once it has been quiet for
// autosaveDelay. A failure is shown once (until a save works again); the
// text stays in the editor.
func (s *store) autosave() {
	for range s.edited {
		time.Sleep(autosaveDelay)
		select {
		case <-s.edited: // typed again meanwhile; wait for quiet
			s.edited <- struct{}{}
			continue
		default:
		}
		text := s.p.ed.text()
		err := s.putDraft(draftKey, text)
		s.mu.Lock()
		shown := s.saveErr
		if err != nil {
			s.saveErr = storageError(err)
		} else {
			s.saveErr = ""
			s.lastSave = text
		}
		s.mu.Unlock()
		switch {
		case err != nil && shown != storageError(err):
			s.p.showMessage("Your draft could not be saved: "+storageError(err)+". The text stays in the editor; copy it somewhere safe before closing the page.", "", nil)
		case err == nil && !s.p.running():
			s.p.setStatus("Draft saved.")
		}
		if err == nil {
			setData(body(), "draft", "saved")
		} else {
			setData(body(), "draft", "error")
		}
	}
}

// decodePosition reads a progress record.
func decodePosition(v js.Value) (pos reader.Position, ok bool, err error) {
	if v.IsUndefined() {
		return pos, false, nil
	}
	raw, err := stringify(js.Global().Get("JSON"), v)
	if err != nil {
		return pos, false, errors.New("the saved reading position is not plain data")
	}
	pos, err = reader.Decode([]byte(raw))
	return pos, err == nil, err
}

// putPosition saves where the reader stopped and waits for the commit.
func (s *store) putPosition(pos reader.Position) error {
	pos.SavedAt = now()
	return s.write(progressStore, func(st *idb.ObjectStore) error {
		v := js.Global().Get("JSON").Call("parse", string(reader.Encode(pos)))
		_, err := st.PutKey(js.ValueOf(positionKey), v)
		return err
	})
}

// experimentProblem is a stored record that could not be read.
type experimentProblem struct {
	Key string
	Err string
}

// listExperiments returns the saved experiments (newest first) and the
// records that do not decode.
func (s *store) listExperiments() ([]experiment.Record, []experimentProblem, error) {
	if err := s.connected(); err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	txn, err := s.db.Transaction(idb.TransactionReadOnly, expStore)
	if err != nil {
		return nil, nil, err
	}
	st, err := txn.ObjectStore(expStore)
	if err != nil {
		return nil, nil, err
	}
	cur, err := st.OpenCursor(idb.CursorNext)
	if err != nil {
		return nil, nil, err
	}
	var recs []experiment.Record
	var problems []experimentProblem
	jsonObj := js.Global().Get("JSON")
	err = cur.Iter(ctx, func(c *idb.CursorWithValue) error {
		k, err := c.Key()
		if err != nil {
			return err
		}
		key := jsString(k)
		v, err := c.Value()
		if err != nil {
			return err
		}
		raw, jerr := stringify(jsonObj, v)
		if jerr != nil {
			problems = append(problems, experimentProblem{key, "it is not plain data: " + jerr.Error()})
			return nil
		}
		r, derr := experiment.Decode([]byte(raw))
		if derr != nil {
			problems = append(problems, experimentProblem{key, "the saved experiment " + experiment.RecordName([]byte(raw), key) + " cannot be opened: " + derr.Error()})
			return nil
		}
		if r.ID != key {
			problems = append(problems, experimentProblem{key, fmt.Sprintf("the saved experiment %s cannot be opened: it is stored under key %q but its id is %q", experiment.RecordName([]byte(raw), key), key, r.ID)})
			return nil
		}
		recs = append(recs, r)
		return nil
	})
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("reading the experiments took longer than %v", opTimeout)
	}
	if err != nil {
		return nil, nil, err
	}
	// Newest first.
	for i := 1; i < len(recs); i++ {
		for j := i; j > 0 && recs[j].Updated > recs[j-1].Updated; j-- {
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
	return recs, problems, nil
}

// jsString describes a key for messages.
func jsString(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return js.Global().Call("String", v).String()
}

// stringify is JSON.stringify(v), with a thrown exception as an error.
func stringify(jsonObj, v js.Value) (s string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	out := jsonObj.Call("stringify", v)
	if out.Type() != js.TypeString {
		return "", errors.New("it has no JSON form")
	}
	return out.String(), nil
}

// putExperiments stores records in one transaction and waits for the
// commit.
func (s *store) putExperiments(rs ...experiment.Record) error {
	return s.write(expStore, func(st *idb.ObjectStore) error {
		jsonObj := js.Global().Get("JSON")
		for _, r := range rs {
			v := jsonObj.Call("parse", string(experiment.Encode(r)))
			if _, err := st.PutKey(js.ValueOf(r.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteExperiment deletes the record stored under key.
func (s *store) deleteExperiment(key string) error {
	return s.write(expStore, func(st *idb.ObjectStore) error {
		_, err := st.Delete(js.ValueOf(key))
		return err
	})
}

// restoreDraft puts the saved draft (read at startup) in the editor,
// unless the user typed into the page while it loaded.
func (p *page) restoreDraft() {
	if p.store == nil {
		p.setStatus("Ready (without saving).")
		return
	}
	text, ok, err := p.first.draft, p.first.draftOK, p.first.draftErr
	switch {
	case err != nil:
		p.showMessage("Could not restore your saved draft: "+storageError(err)+".", "", nil)
	case ok && p.ed.text() != p.ed.ta.Underlying().Get("defaultValue").String():
		// Typed before the store opened: save the edits now, and keep
		// the draft they replace, as a load keeps the text it replaces
		// (replaceText).
		p.setStatus("Kept your new edits over the saved draft.")
		p.store.draftChanged(p.ed.text())
		if text != p.ed.text() {
			go p.store.putDraft(previousKey, text)
			p.showMessage("Kept your new edits over the saved draft; the draft is kept too.", "Restore saved draft", func() {
				p.replaceText(text, "Restored your saved draft.")
			})
		}
	case ok:
		p.ed.setText(text)
		p.setStatus("Restored your draft.")
	default:
		p.setStatus("Ready.")
	}
}

// replaceText puts text in the editor for a load (an example, an
// experiment, a share link, a lesson block). The text it replaces is kept
// in memory and in the drafts store, and the message bar offers to bring
// it back, unless it is a lesson block's code, unedited (the lesson still
// has it).
func (p *page) replaceText(text, what string) {
	old := p.ed.text()
	p.ed.setText(text)
	p.edited()
	if old == text || strings.TrimSpace(old) == "" || p.isBlockCode(old) {
		p.setStatus(what)
		return
	}
	if p.store != nil {
		go p.store.putDraft(previousKey, old)
	}
	p.showMessage(what+" The editor's previous text was kept.", "Restore previous text", func() {
		p.replaceText(old, "Restored the previous text.")
	})
}
