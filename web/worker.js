// worker.js starts the playground's engine, worker.wasm, in a Web Worker.
// Messages that arrive while it loads are queued and handed to Go once
// its handler is installed.
"use strict";
importScripts("wasm_exec.js", "wasm_load.js");

const pending = [];
self.onmessage = (e) => pending.push(e);

(async () => {
  const go = new Go();
  const url = "worker.wasm";
  let result;
  try {
    result = await instantiateGo(url, go);
  } catch (e) {
    self.postMessage(JSON.stringify({ id: 0, type: "error", message: `Could not load the engine (${url}): ${e.message || e}` }));
    return;
  }
  const done = go.run(result.instance); // main installs self.onmessage synchronously
  for (const e of pending.splice(0)) {
    self.onmessage(e);
  }
  await done;
  self.postMessage(JSON.stringify({ id: 0, type: "error", message: "The engine stopped; reload the page to restart it." }));
})();
