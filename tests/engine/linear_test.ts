import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { LINEAR } from "../../lib/engine/linear.ts";
import { linear, linearOps } from "../../lib/nn/linear.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  refEinsum,
  tensorOf,
  testEachConfig,
  withoutKernels,
} from "./_reference.ts";

/** Float64 y = x·W (+ b) and the gradients of Σ y ⊙ g, for x [R, in] and a conv1d or torch weight. */
function check(
  xShape: number[],
  out: number,
  layout: "torch" | "conv1d",
  withBias: boolean,
  fn = linear,
) {
  const inF = xShape[xShape.length - 1], rows = xShape.reduce((a, b) => a * b, 1) / inF;
  const wShape = layout === "conv1d" ? [inF, out] : [out, inF];
  const x = randn(xShape, 31), w = randn(wShape, 32), b = randn([out], 33);
  const g = randn([...xShape.slice(0, -1), out], 34);
  const x2 = { shape: [rows, inF], data: x.data }, g2 = { shape: [rows, out], data: g.data };
  const wSubs = layout === "conv1d" ? "ij" : "ji";
  const y = refEinsum(`ri,${wSubs}->rj`, [x2, w]);
  if (withBias) y.data.forEach((_, i) => (y.data[i] += b.data[i % out]));
  const dx = refEinsum(`rj,${wSubs}->ri`, [g2, w]);
  const dw = refEinsum(`ri,rj->${wSubs}`, [x2, g2]);
  const db = refEinsum("rj->j", [g2]);
  const [xt, wt, bt, gt] = [x, w, b, g].map(tensorOf);
  const bias = withBias ? bt : undefined;
  const yt = fn(xt, wt, bias, layout);
  const loss = (a: tf.Tensor, c: tf.Tensor, d?: tf.Tensor) =>
    tf.sum(tf.mul(fn(a, c, d, layout), gt));
  const grads = withBias
    ? tf.grads((a, c, d) => loss(a, c, d))([xt, wt, bt])
    : tf.grads((a, c) => loss(a, c))([xt, wt]);
  assertClose(yt, { shape: g.shape, data: y.data }, 1e-5);
  assertClose(grads[0], { shape: xShape, data: dx.data }, 1e-5);
  assertClose(grads[1], { shape: wShape, data: dw.data }, 1e-5);
  if (withBias) assertClose(grads[2], { shape: [out], data: db.data }, 1e-5);
  tf.dispose([xt, wt, bt, gt, yt, ...grads]);
}

testEachConfig(
  "linear and its gradients equal the float64 reference, both layouts, any rank",
  () => {
    check([3, 5, 8], 12, "conv1d", true);
    check([7, 6], 4, "torch", true);
    check([2, 3, 4, 5], 7, "torch", false); // rows of 7: the bias loops' TypeScript tail
    check([6, 16], 16, "conv1d", false);
  },
);

testEachConfig(
  "linear without the engine's kernel (tfjs ops) gives the same values and gradients",
  () => {
    withoutKernels([LINEAR], () => {
      assert.equal(tf.getKernel(LINEAR, tf.getBackend()), undefined);
      check([3, 5, 8], 12, "conv1d", true);
    });
    check([4, 6], 3, "torch", true, linearOps);
  },
  ["cpu", "wasm"],
);

Deno.test("linear rejects an input that does not fit the weight", () => {
  assert.throws(
    () => linear(tf.zeros([2, 3]), tf.zeros([4, 5]), undefined, "conv1d"),
    /does not fit/,
  );
});

testEachConfig("linear leaves no tensors behind, forward and backward", () => {
  const x = tf.randomNormal([2, 3, 8]), w = tf.randomNormal([8, 4]), b = tf.zeros([4]);
  assertNoLeak(() => linear(x, w, b, "conv1d").dispose());
  assertNoLeak(() =>
    tf.tidy(() => void tf.grads((a, c, d) => tf.sum(linear(a, c, d, "conv1d")))([x, w, b]))
  );
  assertNoLeak(() =>
    tf.tidy(() => void tf.grad((a) => tf.sum(linear(a, w, undefined, "conv1d")))(x))
  );
  tf.dispose([x, w, b]);
}, ["cpu", "wasm"]);
