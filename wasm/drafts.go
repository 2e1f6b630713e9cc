//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/go-indexeddb/idb"
)

// The editor's draft lives in IndexedDB database "ptlab", object store
// "drafts", under one key. Records carry a schema number so a later
// version can migrate or ignore them.
const (
	dbName       = "ptlab"
	dbVersion    = 1
	draftsStore  = "drafts"
	draftKey     = "editor"
	draftSchema  = 1
	errNoStorage = "IndexedDB is not available"
)

// draftStore saves and loads the editor's draft.
type draftStore struct {
	db *idb.Database
}

// openDrafts opens (creating on first use) the drafts database.
func openDrafts(ctx context.Context) (s *draftStore, err error) {
	defer func() {
		// go-indexeddb panics on some failures; storage is optional, so
		// turn them into errors.
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%v", p)
		}
	}()
	global := js.Global().Get("indexedDB")
	if !global.Truthy() {
		return nil, errors.New(errNoStorage)
	}
	factory, err := idb.WrapFactory(global)
	if err != nil {
		return nil, err
	}
	req, err := factory.Open(ctx, dbName, dbVersion, func(db *idb.Database, oldVersion, _ uint) error {
		if oldVersion < 1 {
			_, err := db.CreateObjectStore(draftsStore, idb.ObjectStoreOptions{})
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db, err := req.Await(ctx)
	if err == nil && db == nil {
		err = ctx.Err() // Await returns nothing when ctx ends first.
	}
	if err != nil {
		return nil, err
	}
	return &draftStore{db: db}, nil
}

// load returns the saved draft; ok is false when there is none.
func (s *draftStore) load(ctx context.Context) (text string, ok bool, err error) {
	txn, err := s.db.Transaction(idb.TransactionReadOnly, draftsStore)
	if err != nil {
		return "", false, err
	}
	store, err := txn.ObjectStore(draftsStore)
	if err != nil {
		return "", false, err
	}
	req, err := store.Get(js.ValueOf(draftKey))
	if err != nil {
		return "", false, err
	}
	v, err := req.Await(ctx)
	if err == nil {
		err = ctx.Err() // Await returns nothing when ctx ends first.
	}
	if err != nil {
		return "", false, err
	}
	if v.Type() != js.TypeObject || v.Get("schema").Type() != js.TypeNumber ||
		v.Get("schema").Int() != draftSchema || v.Get("text").Type() != js.TypeString {
		return "", false, nil
	}
	return v.Get("text").String(), true, nil
}

// save stores text as the draft and waits for the transaction to commit.
func (s *draftStore) save(ctx context.Context, text string) error {
	txn, err := s.db.Transaction(idb.TransactionReadWrite, draftsStore)
	if err != nil {
		return err
	}
	store, err := txn.ObjectStore(draftsStore)
	if err != nil {
		return err
	}
	rec := map[string]any{
		"schema":  draftSchema,
		"text":    text,
		"savedAt": js.Global().Get("Date").Call("now"),
	}
	if _, err := store.PutKey(js.ValueOf(draftKey), js.ValueOf(rec)); err != nil {
		return err
	}
	return txn.Await(ctx)
}
