// sw.js is the playground's service worker: it keeps a copy of the app
// shell so the site works offline after the first load. Requests go to
// the network first (so a rebuilt site is never shadowed by a stale
// copy) and fall back to the cached copy when the network fails.
"use strict";

const CACHE = "ptlab-shell-v1";
const SHELL = ["./", "index.html", "embed.html", "app.css", "boot.js", "loader.js", "wasm_exec.js", "wasm_load.js", "ptlab.wasm", "worker.js", "worker.wasm"];

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) {
      if (k !== CACHE) {
        await caches.delete(k);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) {
    return;
  }
  e.respondWith((async () => {
    try {
      const resp = await fetch(req);
      if (resp.ok) {
        const copy = resp.clone();
        e.waitUntil(caches.open(CACHE).then((c) => c.put(req, copy)));
      }
      return resp;
    } catch (err) {
      const hit = await caches.match(req, { ignoreSearch: true });
      if (hit) {
        return hit;
      }
      throw err;
    }
  })());
});
