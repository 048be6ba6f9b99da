import assert from "node:assert/strict";
import { engineInfo, initEngine, tf } from "../../lib/engine/mod.ts";

// This file runs in its own isolate: nothing has called initEngine yet.

Deno.test("tf works on the stock cpu backend before initEngine, and engineInfo says so", () => {
  const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  assert.equal(y, 3);
  const info = engineInfo();
  assert.equal(info.backend, "cpu");
  assert.equal(info.requested, null);
  assert.equal(info.blas, null);
  assert.match(info.notes[0], /initEngine\(\) was not called/);
});

Deno.test("engineInfo notices a backend switched behind the engine's back", async () => {
  await initEngine({ backend: "wasm", blas: "off" });
  await tf.setBackend("cpu");
  const info = engineInfo();
  assert.equal(info.backend, "cpu");
  assert.match(info.notes[0], /switched to cpu outside initEngine/);
});
