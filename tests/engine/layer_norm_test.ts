import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { LAYER_NORM } from "../../lib/engine/layer_norm.ts";
import { layerNorm, layerNormOps } from "../../lib/nn/layer_norm.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  type Ref,
  tensorOf,
  testEachConfig,
  withoutKernels,
} from "./_reference.ts";

const EPS = 1e-5;

/** Float64 layer norm of `x` (`[rows, cols]`) and the gradients of Σ y ⊙ g. */
function reference(x: Ref, w: Ref, b: Ref, g: Ref) {
  const cols = w.data.length, rows = x.data.length / cols;
  const y = new Float64Array(x.data.length), dx = new Float64Array(x.data.length);
  const dw = new Float64Array(cols), db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = x.data.subarray(r * cols, (r + 1) * cols);
    const mean = row.reduce((s, v) => s + v, 0) / cols;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / cols;
    const rstd = 1 / Math.sqrt(variance + EPS);
    const xhat = Array.from(row, (v) => (v - mean) * rstd);
    const gw = xhat.map((_, j) => g.data[r * cols + j] * w.data[j]);
    const mg = gw.reduce((s, v) => s + v, 0) / cols;
    const mgx = gw.reduce((s, v, j) => s + v * xhat[j], 0) / cols;
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      y[i] = xhat[j] * w.data[j] + b.data[j];
      dx[i] = rstd * (gw[j] - mg - xhat[j] * mgx);
      dw[j] += g.data[i] * xhat[j];
      db[j] += g.data[i];
    }
  }
  return { y, dx, dw, db };
}

function check(shape: number[], withBias: boolean, fn = layerNorm): void {
  const cols = shape[shape.length - 1];
  const x = randn(shape, 1), w = randn([cols], 2), g = randn(shape, 4);
  const b = withBias ? randn([cols], 3) : { shape: [cols], data: new Float64Array(cols) };
  x.data.forEach((v, i) => (x.data[i] = Math.fround(3 * v + 1))); // an offset mean
  const ref = reference(x, w, b, g);
  const [xt, wt, bt, gt] = [x, w, b, g].map(tensorOf);
  const bias = withBias ? bt : undefined;
  const loss = (xs: tf.Tensor, ws: tf.Tensor, bs?: tf.Tensor) => tf.sum(tf.mul(fn(xs, ws, bs), gt));
  const y = fn(xt, wt, bias);
  const grads = withBias
    ? tf.grads((a, c, d) => loss(a, c, d))([xt, wt, bt])
    : tf.grads((a, c) => loss(a, c))([xt, wt]);
  assertClose(y, { shape, data: ref.y }, 1e-5);
  assertClose(grads[0], { shape, data: ref.dx }, 1e-4);
  assertClose(grads[1], { shape: [cols], data: ref.dw }, 1e-4);
  if (withBias) assertClose(grads[2], { shape: [cols], data: ref.db }, 1e-4);
  tf.dispose([y, xt, wt, bt, gt, ...grads]);
}

testEachConfig("layerNorm and its gradients equal the float64 reference", () => {
  check([3, 5, 8], true); // rows of whole SIMD vectors
  check([4, 128], false); // GPT's width, no bias
  check([2, 3, 7], true); // rows the SIMD loops hand to TypeScript
}, ["cpu", "wasm"]);

testEachConfig(
  "layerNorm without the engine's kernel (plain ops) gives the same values and gradients",
  () => {
    withoutKernels([LAYER_NORM], () => {
      assert.equal(tf.getKernel(LAYER_NORM, tf.getBackend()), undefined);
      check([3, 8], true);
    });
    check([3, 8], true, layerNormOps); // the reference formula itself
  },
  ["cpu", "wasm"],
);

testEachConfig("layerNorm leaves no tensors behind, forward and backward", () => {
  const x = tf.randomNormal([4, 8]), w = tf.ones([8]), b = tf.zeros([8]);
  assertNoLeak(() => layerNorm(x, w, b).dispose());
  assertNoLeak(() => tf.tidy(() => void tf.grads((a, c) => tf.sum(layerNorm(a, c, b)))([x, w])));
  assertNoLeak(() => tf.tidy(() => void tf.grad((a) => tf.sum(layerNorm(a, w)))(x)));
  tf.dispose([x, w, b]);
}, ["cpu", "wasm"]);
