import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { Rnn } from "../../lib/nn/rnn.ts";
import { rnnLayer, rnnLayerAutodiff, type RnnLayerWeights } from "../../lib/nn/rnn_layer.ts";
import { Rng } from "../../lib/rng.ts";
import { assertGradientsMatch } from "../_helpers/gradcheck.ts";
import { maxAbsDiff, randn, randomLayerWeights } from "../_helpers/tensors.ts";

/**
 * Asserts hand-written BPTT gradients equal autodiff's: ‖ours − autodiff‖ /
 * max(1, ‖autodiff‖) ≤ 1e-6 for each input (float32 rounding of the long sums,
 * in a different order, stays well below that).
 */
function assertEqualsAutodiff(ours: tf.Tensor[], auto: tf.Tensor[], shapes: tf.Tensor[]): void {
  for (const [i, g] of ours.entries()) {
    assert.deepEqual(g.shape, shapes[i].shape, INPUT_NAMES[i]);
    const a = g.dataSync(), b = auto[i].dataSync();
    let num = 0, den = 0;
    for (let j = 0; j < a.length; j++) {
      num += (a[j] - b[j]) ** 2;
      den += b[j] ** 2;
    }
    const error = Math.sqrt(num) / Math.max(1, Math.sqrt(den));
    assert.ok(
      error <= 1e-6,
      `${INPUT_NAMES[i]}: BPTT differs from autodiff by ${error} (relative)`,
    );
  }
}

/** The layer in float64 JavaScript, straight from the equation; `[T, B, H]` flattened. */
function reference(x: tf.Tensor, h0: tf.Tensor, w: RnnLayerWeights): number[] {
  const [T, B, I] = x.shape;
  const H = h0.shape[1]!;
  const xs = x.arraySync() as number[][][];
  const wIh = w.wIh.arraySync() as number[][], wHh = w.wHh.arraySync() as number[][];
  const bIh = w.bIh.arraySync() as number[], bHh = w.bHh.arraySync() as number[];
  let hs = h0.arraySync() as number[][]; // (B, H)
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    hs = Array.from({ length: B }, (_, b) =>
      Array.from({ length: H }, (_, j) => {
        let z = bIh[j] + bHh[j];
        for (let i = 0; i < I; i++) z += xs[t][b][i] * wIh[j][i];
        for (let k = 0; k < H; k++) z += hs[b][k] * wHh[j][k];
        return Math.tanh(z);
      }));
    for (const row of hs) out.push(...row);
  }
  return out;
}

const INPUT_NAMES = ["x", "h0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"];

/** Gradients of a loss that uses every step's output and the final state. */
function layerGrads(layer: typeof rnnLayer, inputs: tf.Tensor[], upstream: tf.Tensor): tf.Tensor[] {
  return tf.grads((...args: tf.Tensor[]) => {
    const [x, h0, wIh, wHh, bIh, bHh] = args;
    const y = layer(x, h0, { wIh, wHh, bIh, bHh });
    const [T, B, H] = y.shape;
    const last = tf.slice(y, [T - 1, 0, 0], [1, B, H]);
    return tf.add(tf.sum(tf.mul(y, upstream)), tf.sum(tf.square(last))) as tf.Scalar;
  })(inputs);
}

Deno.test("rnnLayer computes h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh) (float64 reference)", () => {
  const x = randn([6, 3, 4], 1), h0 = randn([3, 5], 2, 0.5), w = randomLayerWeights(4, 5, 1, 3); // T=6, B=3
  const expected = reference(x, h0, w);
  assert.ok(maxAbsDiff(rnnLayer(x, h0, w).dataSync(), expected) < 2e-6);
  assert.ok(maxAbsDiff(rnnLayerAutodiff(x, h0, w).dataSync(), expected) < 2e-6);
  const one = rnnLayer(tf.slice(x, [0, 0, 0], [1, 3, 4]), h0, w); // T = 1
  assert.deepEqual(one.shape, [1, 3, 5]);
  assert.ok(maxAbsDiff(one.dataSync(), expected.slice(0, 15)) < 2e-6);
});

for (const [B, T, I, H] of [[3, 9, 4, 5], [2, 1, 3, 4], [4, 40, 8, 16]]) {
  Deno.test(`rnnLayer's hand-written BPTT equals autodiff of the unrolled loop (B=${B}, T=${T}, I=${I}, H=${H})`, () => {
    const inputs = [
      randn([T, B, I], 10),
      randn([B, H], 11, 0.5),
      ...Object.values(randomLayerWeights(I, H, 1, 12, 0.4)),
    ];
    const upstream = randn([T, B, H], 20);
    const ours = layerGrads(rnnLayer, inputs, upstream);
    const auto = layerGrads(rnnLayerAutodiff, inputs, upstream);
    assertEqualsAutodiff(ours, auto, inputs);
  });
}

Deno.test("rnnLayer's gradients agree with finite differences for every input", () => {
  const inputs = [
    randn([4, 2, 3], 30),
    randn([2, 3], 31, 0.5),
    ...Object.values(randomLayerWeights(3, 3, 1, 32)),
  ];
  const upstream = randn([4, 2, 3], 40);
  for (const [k, name] of INPUT_NAMES.entries()) {
    assertGradientsMatch(
      (v) => {
        const args = inputs.map((t, i) => (i === k ? v : t));
        const [x, h0, wIh, wHh, bIh, bHh] = args;
        return tf.sum(tf.mul(rnnLayer(x, h0, { wIh, wHh, bIh, bHh }), upstream)) as tf.Scalar;
      },
      inputs[k],
      { eps: 1e-2, tol: 1e-2 },
    );
    assert.ok(name);
  }
});

Deno.test("rnnLayer leaks no tensors in forward or backward", () => {
  const x = randn([5, 2, 3], 50), h0 = randn([2, 4], 51), w = randomLayerWeights(3, 4, 1, 52);
  const upstream = randn([5, 2, 4], 53);
  tf.dispose(layerGrads(rnnLayer, [x, h0, ...Object.values(w)], upstream)); // warm-up
  const before = tf.memory().numTensors;
  rnnLayer(x, h0, w).dispose();
  tf.dispose(layerGrads(rnnLayer, [x, h0, ...Object.values(w)], upstream));
  assert.equal(tf.memory().numTensors, before);
});

function makeRnn(options: { numLayers: number; dropout?: number }) {
  const store = new ParamStore(new Rng(7));
  const rnn = new Rnn(store, "rnn", { inputSize: 3, hiddenSize: 4, ...options });
  return { store, rnn };
}

Deno.test("Rnn has torch.nn.RNN's parameter names, shapes and init range", () => {
  const { store } = makeRnn({ numLayers: 2 });
  const shapes = Object.fromEntries(store.list().map((p) => [p.name, p.variable.shape]));
  assert.deepEqual(shapes, {
    "rnn.weight_ih_l0": [4, 3],
    "rnn.weight_hh_l0": [4, 4],
    "rnn.bias_ih_l0": [4],
    "rnn.bias_hh_l0": [4],
    "rnn.weight_ih_l1": [4, 4],
    "rnn.weight_hh_l1": [4, 4],
    "rnn.bias_ih_l1": [4],
    "rnn.bias_hh_l1": [4],
  });
  for (const p of store.list()) {
    assert.ok(p.variable.dataSync().every((v) => Math.abs(v) <= 0.5), `${p.name} within ±1/√H`);
  }
  store.dispose();
  const bare = new ParamStore(new Rng(0));
  new Rnn(bare, "", { inputSize: 2, hiddenSize: 2 });
  assert.deepEqual(bare.list().map((p) => p.name), [
    "weight_ih_l0",
    "weight_hh_l0",
    "bias_ih_l0",
    "bias_hh_l0",
  ]);
  bare.dispose();
});

Deno.test("Rnn over a window split in two, passing the state, equals one pass over the whole", () => {
  const { store, rnn } = makeRnn({ numLayers: 3 });
  const x = randn([10, 2, 3], 60); // (T, B, I)
  const whole = rnn.forward(x);
  const first = rnn.forward(tf.slice(x, [0, 0, 0], [6, 2, 3]));
  const second = rnn.forward(tf.slice(x, [6, 0, 0], [4, 2, 3]), { state: first.state });
  const joined = tf.concat([first.y, second.y], 0);
  assert.ok(maxAbsDiff(joined.dataSync(), whole.y.dataSync()) < 1e-6);
  for (const [k, s] of second.state.entries()) {
    assert.ok(maxAbsDiff(s.dataSync(), whole.state[k].dataSync()) < 1e-6);
  }
  store.dispose();
});

Deno.test("Rnn drops out between layers only in training, reproducibly", () => {
  const { store, rnn } = makeRnn({ numLayers: 2, dropout: 0.5 });
  const x = randn([5, 2, 3], 70);
  const plain = rnn.forward(x).y.dataSync();
  assert.deepEqual(rnn.forward(x, { rng: new Rng(1) }).y.dataSync(), plain);
  const a = rnn.forward(x, { training: true, rng: new Rng(1) }).y.dataSync();
  const b = rnn.forward(x, { training: true, rng: new Rng(1) }).y.dataSync();
  assert.deepEqual(a, b);
  assert.ok(maxAbsDiff(a, plain) > 1e-3);
  store.dispose();
});

Deno.test("Rnn rejects a state or input of the wrong shape with one-line InputErrors", () => {
  const { store, rnn } = makeRnn({ numLayers: 2 });
  const x = tf.zeros([3, 2, 3]); // (T, B, I)
  assert.throws(
    () => rnn.forward(x, { state: [tf.zeros([2, 4])] }),
    (e: Error) =>
      e instanceof InputError &&
      /state must be 2 tensor\(s\) of shape \[2, 4\]; got \[2,4\]/.test(e.message),
  );
  assert.throws(() => rnn.forward(x, { state: [tf.zeros([3, 4]), tf.zeros([3, 4])] }), InputError);
  assert.throws(
    () => rnn.forward(tf.zeros([2, 3, 5])),
    /RNN input must be \[T ≥ 1, B, 3\]; got \[2,3,5\]/,
  );
  store.dispose();
});

// Last in the file: switches to the engine scripts use (wasm with BLAS here),
// whose kernels the hand-written BPTT calls directly.
Deno.test("on the engine, rnnLayer matches the float64 reference and autodiff, without leaks", async () => {
  await initEngine({ backend: "auto" });
  const [B, T, I, H] = [4, 30, 6, 16];
  const inputs = [
    randn([T, B, I], 80),
    randn([B, H], 81, 0.5),
    ...Object.values(randomLayerWeights(I, H, 1, 82, 0.3)),
  ];
  const [x, h0, wIh, wHh, bIh, bHh] = inputs;
  const y = rnnLayer(x, h0, { wIh, wHh, bIh, bHh });
  assert.ok(maxAbsDiff(y.dataSync(), reference(x, h0, { wIh, wHh, bIh, bHh })) < 2e-6);
  const upstream = randn([T, B, H], 83);
  const ours = layerGrads(rnnLayer, inputs, upstream);
  const auto = layerGrads(rnnLayerAutodiff, inputs, upstream);
  assertEqualsAutodiff(ours, auto, inputs);
  tf.dispose([y, ...ours, ...auto]);
  const before = tf.memory().numTensors;
  tf.dispose(layerGrads(rnnLayer, inputs, upstream));
  assert.equal(tf.memory().numTensors, before);
});
