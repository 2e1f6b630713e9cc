// loader.js starts ptlab.wasm (the Go side of the playground, built from
// wasm/). Go wires the page itself and sets body[data-ready] when done;
// this file only reports load failures in the status line.
"use strict";

(async () => {
  const status = document.getElementById("status");
  const fail = (msg) => {
    status.textContent = msg;
    status.classList.add("error");
  };
  if (typeof Go !== "function") {
    fail("Could not load wasm_exec.js.");
    return;
  }
  const go = new Go();
  const url = "ptlab.wasm";
  let result;
  try {
    try {
      result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
    } catch (e) {
      // Old browsers lack instantiateStreaming, and hosts that serve .wasm
      // with the wrong MIME type make it fail: compile from bytes instead.
      const resp = await fetch(url);
      if (!resp.ok) {
        throw new Error(`${url}: HTTP ${resp.status}`);
      }
      result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    }
  } catch (e) {
    fail(`Could not load ${url}: ${e.message || e}`);
    return;
  }
  await go.run(result.instance);
  fail("ptlab stopped; reload the page to restart it.");
})();
