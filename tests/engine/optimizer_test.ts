import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { ADAMW, CLIP_BY_GLOBAL_NORM } from "../../lib/engine/optimizer.ts";
import { adamWOps, adamWUpdate } from "../../lib/train/adamw.ts";
import { globalNormClip, globalNormClipOps } from "../../lib/train/clip.ts";
import { assertNoLeak, randn, tensorOf, testEachConfig, withoutKernels } from "./_reference.ts";

const STEP = {
  decay: 1 - 1e-3 * 0.1,
  beta1: 0.9,
  beta2: 0.99,
  stepSize: 1e-3 / (1 - 0.9 ** 3),
  bc2Sqrt: Math.sqrt(1 - 0.99 ** 3),
  eps: 1e-8,
};

/** A parameter, gradient and moments of `n` elements (v ≥ 0), as plain tensors. */
function state(n: number) {
  const [p, g, m] = [1, 2, 3].map((s) => tensorOf(randn([n], s)));
  const v = tf.tidy(() => tf.mul(tf.square(tensorOf(randn([n], 4))), 0.01));
  return { p, g, m, v };
}

/** The same state as variables (which own their memory), and the gradient. */
function variables(n: number) {
  const t = state(n);
  const [p, m, v] = [t.p, t.m, t.v].map((x) => tf.variable(x, false));
  tf.dispose([t.p, t.m, t.v]);
  return { p, g: t.g, m, v };
}

testEachConfig("adamWUpdate equals the same float32 maths in tfjs ops, bit for bit", () => {
  for (const n of [1, 7, 1000]) {
    const t = variables(n);
    const expected = adamWOps(t, STEP);
    adamWUpdate(t, STEP); // in place: the variables own their memory
    [t.p, t.m, t.v].forEach((x, i) => assert.deepEqual(x.dataSync(), expected[i].dataSync()));
    tf.dispose([t.p, t.g, t.m, t.v, ...expected]);
  }
}, ["cpu", "wasm"]);

testEachConfig("adamWUpdate leaves alone tensors that share a variable's memory", () => {
  const t = variables(16);
  const watchers = [t.p, t.m, t.v].map((x) => tf.clone(x)); // share memory (copy-free clones)
  const before = watchers.map((w) => w.dataSync().slice());
  const expected = adamWOps(t, STEP);
  adamWUpdate(t, STEP);
  watchers.forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], "a clone keeps its values"));
  [t.p, t.m, t.v].forEach((x, i) => assert.deepEqual(x.dataSync(), expected[i].dataSync()));
  tf.dispose([t.p, t.g, t.m, t.v, ...watchers, ...expected]);
}, ["cpu", "wasm"]);

testEachConfig("adamWUpdate without the engine's kernel runs the tfjs ops", () => {
  const t = variables(5);
  const expected = adamWOps(t, STEP);
  withoutKernels([ADAMW], () => adamWUpdate(t, STEP));
  assert.deepEqual(t.p.dataSync(), expected[0].dataSync());
  tf.dispose([t.p, t.g, t.m, t.v, ...expected]);
}, ["cpu", "wasm"]);

testEachConfig("globalNormClip equals the tfjs-ops clipping, scaled or not", () => {
  const grads = [randn([3, 4], 5), randn([7], 6), randn([1], 7)].map(tensorOf);
  for (const maxNorm of [0.5, 1e6]) {
    const got = globalNormClip(grads, maxNorm), expected = globalNormClipOps(grads, maxNorm);
    assert.ok(Math.abs(got.norm.dataSync()[0] - expected.norm.dataSync()[0]) < 1e-6);
    got.clipped.forEach((g, i) => {
      const e = expected.clipped[i].dataSync();
      g.dataSync().forEach((x, j) => assert.ok(Math.abs(x - e[j]) <= 1e-6 * (1 + Math.abs(e[j]))));
      assert.deepEqual(g.shape, grads[i].shape);
    });
    tf.dispose([got.norm, expected.norm, ...got.clipped, ...expected.clipped]);
  }
  withoutKernels([CLIP_BY_GLOBAL_NORM], () => {
    const { norm, clipped } = globalNormClip(grads, 1);
    const expected = globalNormClipOps(grads, 1);
    assert.equal(norm.dataSync()[0], expected.norm.dataSync()[0]);
    tf.dispose([norm, ...clipped, expected.norm, ...expected.clipped]);
  });
  const none = globalNormClip([], 1);
  assert.equal(none.norm.dataSync()[0], 0);
  none.norm.dispose();
  tf.dispose(grads);
}, ["cpu", "wasm"]);

testEachConfig("adamWUpdate and globalNormClip leave no tensors behind", () => {
  const t = variables(8);
  assertNoLeak(() => adamWUpdate(t, STEP));
  assertNoLeak(() => {
    for (const maxNorm of [0.1, 100]) {
      const { norm, clipped } = globalNormClip([t.g, t.p], maxNorm);
      tf.dispose([norm, ...clipped]);
    }
  });
  tf.dispose([t.p, t.g, t.m, t.v]);
}, ["cpu", "wasm"]);
