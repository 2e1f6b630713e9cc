// wasm_load.js instantiates a Go wasm binary for go (a new Go()), for
// the page (loader.js) and the engine's worker (worker.js) alike.
"use strict";

async function instantiateGo(url, go) {
  try {
    return await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
  } catch (e) {
    // Old browsers lack instantiateStreaming, and hosts that serve .wasm
    // with the wrong MIME type make it fail: compile from bytes instead.
    const resp = await fetch(url);
    if (!resp.ok) {
      throw new Error(`${url}: HTTP ${resp.status}`);
    }
    return await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }
}
