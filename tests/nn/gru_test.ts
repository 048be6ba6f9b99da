import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { Gru } from "../../lib/nn/gru.ts";
import { gruLayer, gruLayerAutodiff } from "../../lib/nn/gru_layer.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { Rng } from "../../lib/rng.ts";
import { assertGradientsMatch } from "../_helpers/gradcheck.ts";
import { maxAbsDiff, randn, randomLayerWeights } from "../_helpers/tensors.ts";

interface Stored {
  shape: number[];
  data: number[];
}
const fixture: {
  gruLayer: {
    weights: Record<string, Stored>;
    x: Stored;
    h0: number[];
    y: number[];
    upstream: number[];
    grads: Record<string, number[]>;
    dx: number[];
    dh0: number[];
  };
} = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/word_rnn_torch.json", import.meta.url)),
);

const INPUT_NAMES = ["x", "h0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"];

/** Gradients of a loss that uses every step's output and the final state. */
function layerGrads(
  layer: typeof gruLayer,
  inputs: tf.Tensor[],
  upstream: tf.Tensor,
  withLast = true,
): tf.Tensor[] {
  return tf.grads((...args: tf.Tensor[]) => {
    const [x, h0, wIh, wHh, bIh, bHh] = args;
    const y = layer(x, h0, { wIh, wHh, bIh, bHh });
    const [T, B, H] = y.shape;
    const dot = tf.sum(tf.mul(y, upstream));
    if (!withLast) return dot as tf.Scalar;
    const last = tf.slice(y, [T - 1, 0, 0], [1, B, H]);
    return tf.add(dot, tf.sum(tf.square(last))) as tf.Scalar;
  })(inputs);
}

/** ‖ours − autodiff‖ / max(1, ‖autodiff‖) ≤ 1e-6 for each input. */
function assertEqualsAutodiff(ours: tf.Tensor[], auto: tf.Tensor[], inputs: tf.Tensor[]): void {
  for (const [i, g] of ours.entries()) {
    assert.deepEqual(g.shape, inputs[i].shape, INPUT_NAMES[i]);
    const a = g.dataSync(), b = auto[i].dataSync();
    let num = 0, den = 0;
    for (let j = 0; j < a.length; j++) {
      num += (a[j] - b[j]) ** 2;
      den += b[j] ** 2;
    }
    const error = Math.sqrt(num) / Math.max(1, Math.sqrt(den));
    assert.ok(error <= 1e-6, `${INPUT_NAMES[i]}: BPTT differs from autodiff by ${error}`);
  }
}

/** Registers the PyTorch parity test of one layer on the backend `setup` selects. */
function torchParity(backend: string, setup: () => Promise<unknown>): void {
  Deno.test(`gruLayer output and gradients equal PyTorch's nn.GRU on identical weights (${backend})`, async () => {
    await setup();
    const f = fixture.gruLayer;
    const t = (s: Stored) => tf.tensor(s.data, s.shape);
    const H = f.weights.weight_hh_l0.shape[1];
    const B = f.x.shape[1];
    const inputs = [
      t(f.x),
      tf.tensor(f.h0, [B, H]),
      t(f.weights.weight_ih_l0),
      t(f.weights.weight_hh_l0),
      t(f.weights.bias_ih_l0),
      t(f.weights.bias_hh_l0),
    ];
    const [x, h0, wIh, wHh, bIh, bHh] = inputs;
    const y = gruLayer(x, h0, { wIh, wHh, bIh, bHh });
    assert.ok(maxAbsDiff(y.dataSync(), f.y) < 1e-5, "outputs");
    const upstream = tf.tensor(f.upstream, y.shape);
    const grads = layerGrads(gruLayer, inputs, upstream, false);
    const expected = [
      f.dx,
      f.dh0,
      f.grads.weight_ih_l0,
      f.grads.weight_hh_l0,
      f.grads.bias_ih_l0,
      f.grads.bias_hh_l0,
    ];
    for (const [i, g] of grads.entries()) {
      const diff = maxAbsDiff(g.dataSync(), expected[i]);
      assert.ok(diff < 1e-4, `${INPUT_NAMES[i]}: differs from PyTorch by ${diff}`);
    }
    tf.dispose([...inputs, y, upstream, ...grads]);
  });
}

torchParity("stock cpu", () => Promise.resolve());

for (const [B, T, I, H] of [[3, 9, 4, 5], [2, 1, 3, 4], [4, 30, 8, 16]]) {
  Deno.test(`gruLayer's hand-written BPTT equals autodiff of the unrolled loop (B=${B}, T=${T}, I=${I}, H=${H})`, () => {
    const inputs = [
      randn([T, B, I], 10),
      randn([B, H], 11, 0.5),
      ...Object.values(randomLayerWeights(I, H, 3, 12, 0.4)),
    ];
    const upstream = randn([T, B, H], 20);
    const y = gruLayer(inputs[0], inputs[1], randomLayerWeights(I, H, 3, 12, 0.4));
    const ref = gruLayerAutodiff(inputs[0], inputs[1], randomLayerWeights(I, H, 3, 12, 0.4));
    assert.ok(maxAbsDiff(y.dataSync(), ref.dataSync()) < 1e-6);
    assertEqualsAutodiff(
      layerGrads(gruLayer, inputs, upstream),
      layerGrads(gruLayerAutodiff, inputs, upstream),
      inputs,
    );
  });
}

Deno.test("gruLayer's gradients agree with finite differences for every input", () => {
  const inputs = [
    randn([4, 2, 3], 30),
    randn([2, 3], 31, 0.5),
    ...Object.values(randomLayerWeights(3, 3, 3, 32)),
  ];
  const upstream = randn([4, 2, 3], 40);
  for (const k of INPUT_NAMES.keys()) {
    assertGradientsMatch(
      (v) => {
        const [x, h0, wIh, wHh, bIh, bHh] = inputs.map((t, i) => (i === k ? v : t));
        return tf.sum(tf.mul(gruLayer(x, h0, { wIh, wHh, bIh, bHh }), upstream)) as tf.Scalar;
      },
      inputs[k],
      { eps: 1e-2, tol: 1e-2 },
    );
  }
});

Deno.test("gruLayer leaks no tensors in forward or backward", () => {
  const x = randn([5, 2, 3], 50), h0 = randn([2, 4], 51), w = randomLayerWeights(3, 4, 3, 52);
  const upstream = randn([5, 2, 4], 53);
  tf.dispose(layerGrads(gruLayer, [x, h0, ...Object.values(w)], upstream)); // warm-up
  const before = tf.memory().numTensors;
  gruLayer(x, h0, w).dispose();
  tf.dispose(layerGrads(gruLayer, [x, h0, ...Object.values(w)], upstream));
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("Gru has torch.nn.GRU's parameter names, shapes (gates r, z, n stacked) and init range", () => {
  const store = new ParamStore(new Rng(7));
  new Gru(store, "rnn", { inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const shapes = Object.fromEntries(store.list().map((p) => [p.name, p.variable.shape]));
  assert.deepEqual(shapes, {
    "rnn.weight_ih_l0": [12, 3],
    "rnn.weight_hh_l0": [12, 4],
    "rnn.bias_ih_l0": [12],
    "rnn.bias_hh_l0": [12],
    "rnn.weight_ih_l1": [12, 4],
    "rnn.weight_hh_l1": [12, 4],
    "rnn.bias_ih_l1": [12],
    "rnn.bias_hh_l1": [12],
  });
  for (const p of store.list()) {
    assert.ok(p.variable.dataSync().every((v) => Math.abs(v) <= 0.5), `${p.name} within ±1/√H`);
  }
  store.dispose();
});

Deno.test("Gru over a window split in two, passing the state, equals one pass over the whole", () => {
  const store = new ParamStore(new Rng(7));
  const gru = new Gru(store, "rnn", { inputSize: 3, hiddenSize: 4, numLayers: 3 });
  const x = randn([10, 2, 3], 60); // (T, B, I)
  const whole = gru.forward(x);
  const first = gru.forward(tf.slice(x, [0, 0, 0], [6, 2, 3]));
  const second = gru.forward(tf.slice(x, [6, 0, 0], [4, 2, 3]), { state: first.state });
  const joined = tf.concat([first.y, second.y], 0);
  assert.ok(maxAbsDiff(joined.dataSync(), whole.y.dataSync()) < 1e-6);
  for (const [k, s] of second.state.entries()) {
    assert.ok(maxAbsDiff(s.dataSync(), whole.state[k].dataSync()) < 1e-6);
  }
  store.dispose();
});

Deno.test("Gru rejects a state or input of the wrong shape with one-line InputErrors", () => {
  const store = new ParamStore(new Rng(7));
  const gru = new Gru(store, "rnn", { inputSize: 3, hiddenSize: 4, numLayers: 2 });
  assert.throws(
    () => gru.forward(tf.zeros([3, 2, 3]), { state: [tf.zeros([2, 4])] }),
    (e: Error) => e instanceof InputError && /GRU state must be 2 tensor\(s\)/.test(e.message),
  );
  assert.throws(() => gru.forward(tf.zeros([2, 3, 5])), /GRU input must be \[T ≥ 1, B, 3\]/);
  store.dispose();
});

// Last in the file: the engine scripts use (wasm with BLAS here), whose
// kernels the hand-written BPTT calls directly.
let engine: Promise<unknown> | undefined;
const useEngine = () => (engine ??= initEngine({ backend: "auto" }));
torchParity("engine", useEngine);

Deno.test("on the engine, gruLayer's BPTT equals autodiff, without leaks", async () => {
  await useEngine();
  const [B, T, I, H] = [4, 30, 6, 16];
  const inputs = [
    randn([T, B, I], 80),
    randn([B, H], 81, 0.5),
    ...Object.values(randomLayerWeights(I, H, 3, 82, 0.3)),
  ];
  const upstream = randn([T, B, H], 83);
  const ours = layerGrads(gruLayer, inputs, upstream);
  const auto = layerGrads(gruLayerAutodiff, inputs, upstream);
  assertEqualsAutodiff(ours, auto, inputs);
  tf.dispose([...ours, ...auto]);
  const before = tf.memory().numTensors;
  tf.dispose(layerGrads(gruLayer, inputs, upstream));
  assert.equal(tf.memory().numTensors, before);
});
