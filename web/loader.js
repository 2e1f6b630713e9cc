// loader.js starts the ptlab playground: the page program (ptlab.wasm,
// built from wasm/), which wires the page and sets body[data-ready], and
// the engine's Web Worker (worker.js, worker.wasm). It also registers the
// service worker that makes the site work offline. This file only
// reports load failures in the status line.
"use strict";

// The worker starts as soon as the page program is compiled: compiling
// both at once on a small machine delays the editor (measured: median
// time to an interactive editor about 30 % lower, the worker ready no
// later). Its messages are buffered until the page program takes over
// (it reads ptlabWorkerBuffer and sets onmessage).
window.ptlabWorkerBuffer = [];
const startWorker = () => {
  try {
    window.ptlabWorker = new Worker("worker.js");
    window.ptlabWorker.onmessage = (e) => window.ptlabWorkerBuffer.push(e.data);
    window.ptlabWorker.onerror = (e) => window.ptlabWorkerBuffer.push(JSON.stringify({ id: 0, type: "error", message: `The engine's worker failed: ${e.message || "could not load worker.js"}` }));
  } catch (e) {
    window.ptlabWorkerError = String(e.message || e);
  }
};

// The service worker is registered once the page is up, so its download
// of the app shell does not compete with the first load.
window.ptlabRegisterSW = () => {
  if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "localhost" || location.hostname === "127.0.0.1")) {
    navigator.serviceWorker.register("sw.js").catch((e) => console.warn("ptlab: no offline support:", e.message || e));
  }
};

(async () => {
  const status = document.getElementById("status");
  const fail = (msg) => {
    status.textContent = msg;
    status.classList.add("error");
  };
  if (typeof Go !== "function" || typeof instantiateGo !== "function") {
    fail("Could not load wasm_exec.js or wasm_load.js.");
    return;
  }
  const go = new Go();
  const url = "ptlab.wasm";
  let result;
  try {
    result = await instantiateGo(url, go);
  } catch (e) {
    fail(`Could not load ${url}: ${e.message || e}`);
    return;
  }
  document.body.dataset.wasmMs = Math.round(performance.now()); // compiled and instantiated
  startWorker();
  await go.run(result.instance);
  fail("ptlab stopped; reload the page to restart it.");
})();
