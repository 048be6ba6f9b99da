import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { assertClose, assertNoLeak, randn, tensorOf, testEachConfig } from "./_reference.ts";

/** These kernels do not use BLAS: the stock cpu kernels and the wasm overrides. */
const CONFIGS = ["cpu", "wasm"];

testEachConfig("unsortedSegmentSum sums rows per segment and drops ids out of range", (config) => {
  const x = randn([6, 3], 90);
  const ids = [2, 0, 2, 5, 1, -1];
  const expected = new Float64Array(4 * 3);
  ids.forEach((s, i) => {
    if (s < 0 || s >= 4) return;
    for (let j = 0; j < 3; j++) expected[s * 3 + j] += x.data[i * 3 + j];
  });
  const got = tf.tidy(() => tf.unsortedSegmentSum(tensorOf(x), tf.tensor1d(ids, "int32"), 4));
  assertClose(got, { shape: [4, 3], data: expected });
  got.dispose();
  const ints = tf.tidy(() =>
    tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], "int32"), tf.tensor1d([1, 1, 0, 1], "int32"), 3)
  );
  // int32 in, int32 out as in TensorFlow (tfjs's stock cpu kernel returns float32)
  if (config === "wasm") assert.equal(ints.dtype, "int32");
  assert.deepEqual([...ints.dataSync()], [3, 7, 0]);
  ints.dispose();
}, CONFIGS);

testEachConfig("gather's gradient (embedding rows) accumulates repeated ids", () => {
  const table = randn([5, 4], 91);
  const ids = [[1, 3, 1], [4, 1, 0]];
  const w = randn([2, 3, 4], 92);
  const g = tf.tidy(() => {
    const f = (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, tf.tensor2d(ids, [2, 3], "int32")), tensorOf(w)));
    return tf.grad(f)(tensorOf(table));
  });
  const expected = new Float64Array(5 * 4);
  ids.flat().forEach((row, i) => {
    for (let j = 0; j < 4; j++) expected[row * 4 + j] += w.data[i * 4 + j];
  });
  assertClose(g, { shape: [5, 4], data: expected });
  g.dispose();
}, CONFIGS);

testEachConfig("tanh matches Math.tanh to float32 precision, near zero too", () => {
  const xs = [
    0,
    -0,
    1e-8,
    -3e-5,
    0.01,
    -0.0499,
    0.05,
    0.0501,
    0.3,
    -0.7,
    1,
    -2.5,
    5,
    -9,
    20,
    -40,
    ...Array.from(randn([64], 93).data, (v) => v * 3),
  ];
  const got = tf.tidy(() => tf.tanh(tf.tensor1d(xs)).dataSync());
  xs.forEach((x, i) => {
    const e = Math.tanh(Math.fround(x));
    const err = Math.abs(got[i] - e);
    assert.ok(err <= 2e-7 + 4e-6 * Math.abs(e), `tanh(${x}) = ${got[i]}, expected ${e}`);
  });
  const g = tf.tidy(() =>
    tf.grad((t: tf.Tensor) => tf.sum(tf.tanh(t)))(tf.tensor1d(xs)).dataSync()
  );
  xs.forEach((x, i) => {
    const e = 1 - Math.tanh(Math.fround(x)) ** 2;
    assert.ok(Math.abs(g[i] - e) <= 1e-6, `tanh'(${x}) = ${g[i]}, expected ${e}`);
  });
  const nan = tf.tidy(() => tf.tanh(tf.tensor1d([NaN])).dataSync()[0]);
  assert.ok(Number.isNaN(nan));
}, CONFIGS);

testEachConfig("unsortedSegmentSum and tanh leave no tensors behind", () => {
  const x = tf.randomNormal([6, 3]), ids = tf.tensor1d([0, 1, 0, 2, 2, 1], "int32");
  assertNoLeak(() => tf.unsortedSegmentSum(x, ids, 3).dispose());
  assertNoLeak(() => tf.tanh(x).dispose());
  const table = tf.randomNormal([4, 3]);
  const f = (t: tf.Tensor) => tf.sum(tf.tanh(tf.gather(t, ids)));
  assertNoLeak(() => tf.tidy(() => void tf.grad(f)(table)));
  tf.dispose([x, ids, table]);
}, CONFIGS);
