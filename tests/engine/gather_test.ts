import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { assertClose, assertNoLeak, randn, tensorOf, testEachConfig } from "./_reference.ts";

const CONFIGS = ["cpu", "wasm"];

/** Float64 gather along `axis` (no batch dimensions). */
function refGather(
  x: { shape: number[]; data: Float64Array },
  ids: number[],
  idShape: number[],
  axis: number,
) {
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = x.shape[axis];
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const id of ids) {
      for (let j = 0; j < inner; j++) data.push(x.data[(o * dim + id) * inner + j]);
    }
  }
  return {
    shape: [...x.shape.slice(0, axis), ...idShape, ...x.shape.slice(axis + 1)],
    data: Float64Array.from(data),
  };
}

testEachConfig("gather equals the reference along every axis, with repeated ids", () => {
  const x = randn([4, 5, 3], 110);
  const ids = [3, 0, 3, 1, 2, 2];
  for (const axis of [0, 1, 2]) {
    const valid = ids.map((i) => i % x.shape[axis]);
    const got = tf.tidy(() => tf.gather(tensorOf(x), tf.tensor2d(valid, [2, 3], "int32"), axis));
    assertClose(got, refGather(x, valid, [2, 3], axis), 0);
    got.dispose();
  }
}, CONFIGS);

testEachConfig("gather with batchDims 1 picks per batch", () => {
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const ids = tf.tensor2d([[2, 0], [1, 1]], [2, 2], "int32");
  const y = tf.gather(x, ids, 1, 1);
  assert.deepEqual(y.arraySync(), [[3, 1], [5, 5]]);
  tf.dispose([x, ids, y]);
}, CONFIGS);

testEachConfig("gather keeps int32 tables and rejects ids out of range", (config) => {
  const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32");
  const y = tf.gather(table, tf.tensor1d([2, 0], "int32"));
  assert.equal(y.dtype, "int32");
  assert.deepEqual(y.arraySync(), [[5, 6], [1, 2]]);
  if (config === "wasm") {
    const before = tf.memory().numTensors;
    assert.throws(
      () => tf.tidy(() => tf.gather(table, tf.tensor1d([3], "int32"))),
      /not in \[0, 2\]/,
    );
    assert.equal(tf.memory().numTensors, before);
  }
  tf.dispose([table, y]);
}, CONFIGS);

testEachConfig("gather leaves no tensors behind", () => {
  const table = tf.randomNormal([10, 4]), ids = tf.tensor2d([[1, 2], [3, 9]], [2, 2], "int32");
  assertNoLeak(() => tf.gather(table, ids).dispose());
  assertNoLeak(() =>
    tf.tidy(() => void tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(table))
  );
  tf.dispose([table, ids]);
}, CONFIGS);
