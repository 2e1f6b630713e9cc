// wasm_load.js instantiates a Go wasm binary for go (a new Go()), for
// the page (loader.js) and the engine's worker (worker.js) alike.
"use strict";

async function instantiateGo(url, go) {
  try {
    return await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
  } catch (e) {
    // Old browsers lack instantiateStreaming, and hosts that serve .wasm
    // with the wrong MIME type make it fail: compile from bytes instead.
    return await instantiateGoBytes(url, go);
  }
}

// instantiateGoBytes downloads the whole binary, then compiles it: what
// works whatever MIME type the host gives .wasm files.
async function instantiateGoBytes(url, go) {
  const resp = await fetch(url);
  if (!resp.ok) {
    throw new Error(`${url}: HTTP ${resp.status}`);
  }
  return await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
}
