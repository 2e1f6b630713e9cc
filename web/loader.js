// loader.js starts the ptlab playground's page program (ptlab.wasm, built
// from wasm/), which wires the page, sets body[data-ready] and then
// starts the engine's Web Worker (worker.js, worker.wasm) and registers
// the service worker that makes the site work offline. boot.js has
// already started downloading and compiling ptlab.wasm; this file
// instantiates and runs it, and only reports load failures in the status
// line.
"use strict";

// The service worker is registered once the page is up (the page
// program calls this), so its download of the app shell does not compete
// with the first load.
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
  let instance;
  try {
    // The module boot.js compiled; or, if its streaming compilation
    // failed (a host serving .wasm with the wrong MIME type, say), one
    // compiled here from the bytes, without trying to stream again; or,
    // without boot.js, one instantiated here.
    if (window.ptlabBoot && ptlabBoot.wasm) {
      const mod = await ptlabBoot.wasm.catch(() => null);
      instance = mod ? await WebAssembly.instantiate(mod, go.importObject) : (await instantiateGoBytes(url, go)).instance;
    } else {
      instance = (await instantiateGo(url, go)).instance;
    }
  } catch (e) {
    fail(`Could not load ${url}: ${e.message || e}`);
    return;
  }
  document.body.dataset.wasmMs = Math.round(performance.now()); // compiled and instantiated
  await go.run(instance);
  fail("ptlab stopped; reload the page to restart it.");
})();
