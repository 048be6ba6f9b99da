import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { assertNoLeak, testEachConfig } from "./_reference.ts";

const CONFIGS = ["cpu", "wasm"];

testEachConfig("clone and same-dtype cast share memory safely: each outlives the other", () => {
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const c = tf.clone(x);
  const f = tf.cast(x, "float32");
  x.dispose();
  assert.deepEqual([...c.dataSync()], [1, 2, 3, 4]);
  c.dispose();
  assert.deepEqual([...f.dataSync()], [1, 2, 3, 4]);
  f.dispose();
  const ints = tf.tensor1d([1.7, -2.2]);
  const i = tf.cast(ints, "int32"); // a real conversion still converts
  assert.equal(i.dtype, "int32");
  assert.deepEqual([...i.dataSync()], [1, -2]);
  tf.dispose([ints, i]);
}, CONFIGS);

testEachConfig("clone and cast leave no tensors or buffers behind", () => {
  const x = tf.randomNormal([3, 4]);
  assertNoLeak(() => tf.clone(x).dispose());
  assertNoLeak(() => tf.cast(x, "float32").dispose());
  assertNoLeak(() => tf.tidy(() => void tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, t)))(x)));
  x.dispose();
}, CONFIGS);
