import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { crossEntropy } from "../../lib/nn/cross_entropy.ts";
import { dropout } from "../../lib/nn/dropout.ts";
import { Embedding } from "../../lib/nn/embedding.ts";
import { LayerNorm, layerNorm } from "../../lib/nn/layer_norm.ts";
import { Linear, linear } from "../../lib/nn/linear.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { Rng } from "../../lib/rng.ts";
import { InputError } from "../../lib/errors.ts";
import { assertGradientsMatch } from "../_helpers/gradcheck.ts";
import { randn } from "../_helpers/tensors.ts";

Deno.test("crossEntropy equals -mean log softmax[target] computed in float64", () => {
  const logits = randn([4, 7], 1, 2);
  const targets = tf.tensor1d([0, 3, 6, 2], "int32");
  const l = logits.arraySync() as number[][];
  let total = 0;
  for (const [i, row] of l.entries()) {
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += lse - row[[0, 3, 6, 2][i]];
  }
  assert.ok(Math.abs(crossEntropy(logits, targets).dataSync()[0] - total / 4) < 1e-5);
});

Deno.test("crossEntropy's hand-written gradient equals autodiff of the plain formula", () => {
  const logits = randn([2, 5, 11], 2, 3);
  const targets = tf.tensor2d([[1, 2, 3, 4, 5], [10, 0, 0, 7, 9]], undefined, "int32");
  const ours = tf.grad((x) => crossEntropy(x, targets))(logits).dataSync();
  const reference = tf.grad((x) =>
    tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(targets, 11)), -1))) as tf.Scalar
  )(logits).dataSync();
  for (let i = 0; i < ours.length; i++) assert.ok(Math.abs(ours[i] - reference[i]) < 1e-7);
});

Deno.test("layerNorm matches a float64 reference and its gradients match finite differences", () => {
  const x = randn([3, 6], 3, 2);
  const w = randn([6], 4);
  const b = randn([6], 5);
  const xs = x.arraySync() as number[][];
  const ws = w.arraySync() as number[];
  const bs = b.arraySync() as number[];
  const got = layerNorm(x, w, b).arraySync() as number[][];
  for (const [r, row] of xs.entries()) {
    const mean = row.reduce((s, v) => s + v, 0) / row.length;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length; // biased, as torch
    for (const [c, v] of row.entries()) {
      const expected = (v - mean) / Math.sqrt(variance + 1e-5) * ws[c] + bs[c];
      assert.ok(Math.abs(got[r][c] - expected) < 1e-5, `(${r},${c})`);
    }
  }
  const weights = randn([3, 6], 6);
  assertGradientsMatch((xx) => tf.sum(tf.mul(layerNorm(xx, w, b), weights)) as tf.Scalar, x);
});

Deno.test("Linear in torch and conv1d layouts compute the same map on rank-3 input", () => {
  const store = new ParamStore(new Rng(0));
  const a = new Linear(store, "a", { inFeatures: 4, outFeatures: 3, layout: "torch" });
  const b = new Linear(store, "b", { inFeatures: 4, outFeatures: 3, layout: "conv1d" });
  assert.deepEqual(a.weight.shape, [3, 4]);
  assert.deepEqual(b.weight.shape, [4, 3]);
  b.weight.assign(tf.transpose(a.weight));
  a.bias!.assign(tf.tensor1d([1, 2, 3]));
  b.bias!.assign(tf.tensor1d([1, 2, 3]));
  const x = randn([2, 5, 4], 7);
  const ya = a.forward(x).dataSync();
  const yb = b.forward(x).dataSync();
  for (let i = 0; i < ya.length; i++) assert.ok(Math.abs(ya[i] - yb[i]) < 1e-6);
  assertGradientsMatch((xx) => tf.sum(tf.square(linear(xx, a.weight, a.bias))) as tf.Scalar, x, {
    maxChecks: 12,
  });
  store.dispose();
});

Deno.test("Embedding gradient adds the output gradient into the looked-up rows", () => {
  const store = new ParamStore(new Rng(0));
  const emb = new Embedding(store, "wte", { num: 5, dim: 2 });
  const ids = tf.tensor2d([[1, 3, 1]], undefined, "int32");
  const { grads } = tf.variableGrads(() => tf.sum(emb.forward(ids)) as tf.Scalar, [emb.weight]);
  const g = Object.values(grads)[0].arraySync() as number[][];
  assert.deepEqual(g, [[0, 0], [2, 2], [0, 0], [1, 1], [0, 0]]);
  tf.dispose(Object.values(grads));
  store.dispose();
});

Deno.test("dropout with the same seed gives the same mask; evaluation is the identity", () => {
  const x = tf.ones([64]);
  const a = dropout(x, 0.3, { training: true, rng: new Rng(9) }).dataSync();
  const b = dropout(x, 0.3, { training: true, rng: new Rng(9) }).dataSync();
  assert.deepEqual([...a], [...b]);
  assert.equal(dropout(x, 0.3, { training: false, rng: new Rng(9) }), x);
});

Deno.test("ParamStore.load refuses missing, extra and reshaped tensors with one line", () => {
  const store = new ParamStore(new Rng(0));
  new LayerNorm(store, "ln", { dim: 3 });
  const good = store.toStored();
  store.load(good);
  const cases = [
    [{ "ln.weight": good["ln.weight"] }, /missing ln\.bias/],
    [{ ...good, "extra": good["ln.bias"] }, /unexpected extra/],
    [
      { ...good, "ln.bias": { dtype: "float32", shape: [4], data: new Float32Array(4) } },
      /ln\.bias has shape \[4\], model needs \[3\]/,
    ],
  ] as const;
  for (const [stored, pattern] of cases) {
    assert.throws(
      () => store.load(stored),
      (err: Error) => err instanceof InputError && pattern.test(err.message),
    );
  }
  store.dispose();
});
