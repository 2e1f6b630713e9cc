// boot.js runs first, from the <head> of index.html and embed.html. It
// starts the slow steps the page program waits for before the editor is
// interactive, so that they overlap the browser's work on the rest of
// the page (parsing, layout) instead of following it:
//
//   - downloading and compiling the page program, ptlab.wasm
//     (window.ptlabBoot.wasm, a promise of its WebAssembly.Module, which
//     loader.js instantiates);
//   - with data-storage on the script element (index.html): opening the
//     IndexedDB database, creating it on a first visit (100-300 ms on a
//     fresh profile), and reading what the editor starts from, the draft
//     and the reading position (ptlabBoot.store, a promise of {draft,
//     position} or {readError}). wasm/store.go decodes them, and takes
//     over the connection (ptlabBoot.db, a promise of the
//     IDBOpenDBRequest) once the editor is interactive.
//
// The database's schema (name, version, object stores) is wasm/store.go's,
// which checks the connection and opens the database itself when they
// differ. Without IndexedDB, store.go says so.
//
// This is a file rather than an inline script so that the page has no
// inline script at all (the e2e tests check that none gets injected).
"use strict";

window.ptlabBoot = {};

try {
  ptlabBoot.wasm = WebAssembly.compileStreaming(fetch("ptlab.wasm"));
  ptlabBoot.wasm.catch(() => {}); // loader.js falls back to instantiateGo
} catch (e) {}

if (document.currentScript && document.currentScript.dataset.storage !== undefined && window.indexedDB) {
  let found, lost; // settle ptlabBoot.store
  ptlabBoot.store = new Promise((ok, fail) => {
    found = (v) => {
      ptlabBoot.got = v; // store.go need not wait for the promise then
      ok(v);
    };
    lost = fail;
  });
  // read reads the startup records in transaction tx and settles the
  // store with them.
  const read = (tx) => {
    const draft = tx.objectStore("drafts").get("editor");
    const pos = tx.objectStore("progress").get("reader");
    tx.addEventListener("complete", () => found({ draft: draft.result, position: pos.result }));
    tx.addEventListener("abort", () => found({ readError: String(tx.error) }));
  };
  ptlabBoot.db = new Promise((ok, fail) => {
    const failed = (err) => {
      fail(err);
      lost(err);
    };
    try {
      const req = indexedDB.open("ptlab", 3);
      let upgraded = false;
      req.onupgradeneeded = (e) => {
        upgraded = true;
        for (const name of ["drafts", "experiments", "progress"]) {
          if (!req.result.objectStoreNames.contains(name)) {
            req.result.createObjectStore(name);
          }
        }
        // Each IndexedDB event waits until the page's main thread is
        // free, which during startup can take 100 ms or more: read in
        // the upgrade's own transaction rather than in a new one once
        // the database is open, and not at all in a database just
        // created. (Should the upgrade then fail to commit, the open
        // fails: store.go reports it when it takes over the connection.)
        if (e.oldVersion === 0) {
          found({});
        } else {
          read(req.transaction);
        }
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => db.close(); // let a newer version upgrade it
        if (!upgraded) {
          try {
            read(db.transaction(["drafts", "progress"], "readonly"));
          } catch (e) {
            found({ readError: String(e) });
          }
        }
        ok(req);
      };
      // An older version open in another tab blocks an upgrade: the
      // request then waits (store.go gives up after a while and says
      // why).
      req.onerror = () => failed(String(req.error));
    } catch (e) {
      failed(String(e)); // a SecurityError, say
    }
  });
  ptlabBoot.db.catch(() => {}); // store.go reports it
  ptlabBoot.store.catch(() => {});
}
