import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { Lstm } from "../../lib/nn/lstm.ts";
import { lstmLayer, lstmLayerAutodiff } from "../../lib/nn/lstm_layer.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { Rng } from "../../lib/rng.ts";
import { assertGradientsMatch } from "../_helpers/gradcheck.ts";
import { maxAbsDiff, randn, randomLayerWeights } from "../_helpers/tensors.ts";

interface LstmCase {
  sizes: { I: number; H: number; L: number; T: number; B: number };
  weights: Record<string, { shape: number[]; data: number[] }>;
  x: number[];
  h0: number[];
  c0: number[];
  U: number[];
  W: number[];
  y: number[];
  hn: number[];
  cn: number[];
  grads: Record<string, number[]>;
  dx: number[];
  dh0: number[];
  dc0: number[];
}
const fixture: { lstm: LstmCase } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/lstm_torch.json", import.meta.url)),
);

const INPUT_NAMES = ["x", "h0", "c0", "weight_ih", "weight_hh", "bias_ih", "bias_hh"];

/** Gradients of a loss that uses every step's output and the final cell state. */
function layerGrads(
  layer: typeof lstmLayer,
  inputs: tf.Tensor[],
  upstream: tf.Tensor,
  upstreamC: tf.Tensor,
): tf.Tensor[] {
  return tf.grads((...args: tf.Tensor[]) => {
    const [x, h0, c0, wIh, wHh, bIh, bHh] = args;
    const { y, c } = layer(x, h0, c0, { wIh, wHh, bIh, bHh });
    return tf.add(tf.sum(tf.mul(y, upstream)), tf.sum(tf.mul(c, upstreamC))) as tf.Scalar;
  })(inputs);
}

/** ‖ours − autodiff‖ / max(1, ‖autodiff‖) ≤ 1e-6 for each input. */
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
    assert.ok(error <= 1e-6, `${INPUT_NAMES[i]}: BPTT differs from autodiff by ${error}`);
  }
}

function layerInputs(B: number, T: number, I: number, H: number, seed: number): tf.Tensor[] {
  return [
    randn([T, B, I], seed),
    randn([B, H], seed + 1, 0.5),
    randn([B, H], seed + 2, 0.5),
    ...Object.values(randomLayerWeights(I, H, 4, seed + 3, 0.4)),
  ];
}

/** The PyTorch parity tests, on the backend `setup` selects. */
function parityTests(backend: string, setup: () => Promise<unknown>): void {
  Deno.test(`Lstm outputs, final (h, c) and gradients equal PyTorch's nn.LSTM on identical weights (${backend})`, async () => {
    await setup();
    const c = fixture.lstm;
    const { I, H, L, T, B } = c.sizes;
    const store = new ParamStore(new Rng(0));
    const lstm = new Lstm(store, "", { inputSize: I, hiddenSize: H, numLayers: L });
    const stored: Record<string, StoredTensor> = {};
    for (const [name, w] of Object.entries(c.weights)) {
      stored[name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
    }
    store.load(stored);
    const x = tf.tensor3d(c.x, [T, B, I]);
    const perLayer = (v: number[]) =>
      Array.from({ length: L }, (_, k) => tf.tensor2d(v.slice(k * B * H, (k + 1) * B * H), [B, H]));
    const h0 = perLayer(c.h0), c0 = perLayer(c.c0);
    const state = h0.flatMap((h, k) => [h, c0[k]]);
    const U = tf.tensor3d(c.U, [T, B, H]), W = perLayer(c.W);
    const out = lstm.forward(x, { state });
    assert.ok(maxAbsDiff(out.y.dataSync(), c.y) < 1e-5);
    const hn = out.state.filter((_, i) => i % 2 === 0), cn = out.state.filter((_, i) => i % 2);
    assert.ok(maxAbsDiff(tf.stack(hn).dataSync(), c.hn) < 1e-5);
    assert.ok(maxAbsDiff(tf.stack(cn).dataSync(), c.cn) < 1e-5);
    const vars = store.list().map((p) => p.variable);
    const f = (...args: tf.Tensor[]) => {
      const [xi, ...st] = args;
      const o = lstm.forward(xi, { state: st });
      const cs = o.state.filter((_, i) => i % 2);
      return tf.add(
        tf.sum(tf.mul(o.y, U)),
        tf.addN(cs.map((s, k) => tf.sum(tf.mul(s, W[k])))),
      ) as tf.Scalar;
    };
    const { grads } = tf.variableGrads(() => f(x, ...state), vars);
    for (const p of store.list()) {
      const err = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
      assert.ok(err < 1e-5, `${p.name}: ${err}`);
    }
    const [dx, ...dState] = tf.grads(f)([x, ...state]);
    assert.ok(maxAbsDiff(dx.dataSync(), c.dx) < 1e-5);
    assert.ok(maxAbsDiff(tf.stack(dState.filter((_, i) => i % 2 === 0)).dataSync(), c.dh0) < 1e-5);
    assert.ok(maxAbsDiff(tf.stack(dState.filter((_, i) => i % 2)).dataSync(), c.dc0) < 1e-5);
    store.dispose();
  });

  for (const [B, T, I, H] of [[3, 9, 4, 5], [2, 1, 3, 4], [4, 40, 8, 16]]) {
    Deno.test(`lstmLayer's hand-written BPTT equals autodiff of the unrolled loop (B=${B}, T=${T}, I=${I}, H=${H}, ${backend})`, async () => {
      await setup();
      const inputs = layerInputs(B, T, I, H, 10);
      const up = randn([T, B, H], 20), upC = randn([B, H], 21);
      const ours = layerGrads(lstmLayer, inputs, up, upC);
      const auto = layerGrads(lstmLayerAutodiff, inputs, up, upC);
      assertEqualsAutodiff(ours, auto, inputs);
      const a = lstmLayer(inputs[0], inputs[1], inputs[2], {
        wIh: inputs[3],
        wHh: inputs[4],
        bIh: inputs[5],
        bHh: inputs[6],
      });
      const b = lstmLayerAutodiff(inputs[0], inputs[1], inputs[2], {
        wIh: inputs[3],
        wHh: inputs[4],
        bIh: inputs[5],
        bHh: inputs[6],
      });
      assert.ok(maxAbsDiff(a.y.dataSync(), b.y.dataSync()) < 2e-6);
      assert.ok(maxAbsDiff(a.c.dataSync(), b.c.dataSync()) < 2e-6);
      tf.dispose([...ours, ...auto, a.y, a.c, b.y, b.c]);
    });
  }

  Deno.test(`lstmLayer leaks no tensors in forward or backward (${backend})`, async () => {
    await setup();
    const inputs = layerInputs(2, 5, 3, 4, 50);
    const up = randn([5, 2, 4], 53), upC = randn([2, 4], 54);
    tf.dispose(layerGrads(lstmLayer, inputs, up, upC)); // warm-up
    const before = tf.memory().numTensors;
    const out = lstmLayer(inputs[0], inputs[1], inputs[2], {
      wIh: inputs[3],
      wHh: inputs[4],
      bIh: inputs[5],
      bHh: inputs[6],
    });
    tf.dispose([out.y, out.c]);
    tf.dispose(layerGrads(lstmLayer, inputs, up, upC));
    assert.equal(tf.memory().numTensors, before);
  });
}

parityTests("cpu", () => Promise.resolve());

Deno.test("lstmLayer's gradients agree with finite differences for every input", () => {
  const inputs = layerInputs(2, 4, 3, 3, 30);
  const up = randn([4, 2, 3], 40), upC = randn([2, 3], 41);
  for (const k of INPUT_NAMES.keys()) {
    assertGradientsMatch(
      (v) => {
        const [x, h0, c0, wIh, wHh, bIh, bHh] = inputs.map((t, i) => (i === k ? v : t));
        const { y, c } = lstmLayer(x, h0, c0, { wIh, wHh, bIh, bHh });
        return tf.add(tf.sum(tf.mul(y, up)), tf.sum(tf.mul(c, upC))) as tf.Scalar;
      },
      inputs[k],
      { eps: 1e-2, tol: 1e-2 },
    );
  }
});

Deno.test("Lstm has torch.nn.LSTM's parameter names and shapes; gates come back in [0, 1]", () => {
  const store = new ParamStore(new Rng(7));
  const lstm = new Lstm(store, "lstm", { inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const shapes = Object.fromEntries(store.list().map((p) => [p.name, p.variable.shape]));
  assert.deepEqual(shapes, {
    "lstm.weight_ih_l0": [16, 3],
    "lstm.weight_hh_l0": [16, 4],
    "lstm.bias_ih_l0": [16],
    "lstm.bias_hh_l0": [16],
    "lstm.weight_ih_l1": [16, 4],
    "lstm.weight_hh_l1": [16, 4],
    "lstm.bias_ih_l1": [16],
    "lstm.bias_hh_l1": [16],
  });
  for (const p of store.list()) {
    assert.ok(p.variable.dataSync().every((v) => Math.abs(v) <= 0.5), `${p.name} within ±1/√H`);
  }
  const x = randn([5, 2, 3], 60);
  const { y, gates } = lstm.forward(x, { returnGates: true });
  assert.equal(gates!.length, 2);
  assert.deepEqual(gates![1].f.shape, [5, 2, 4]);
  assert.ok(gates![0].i.dataSync().every((v) => v >= 0 && v <= 1));
  assert.ok(maxAbsDiff(lstm.forward(x).y.dataSync(), y.dataSync()) < 1e-6);
  store.dispose();
});

Deno.test("Lstm over a window split in two, passing (h, c), equals one pass over the whole", () => {
  const store = new ParamStore(new Rng(7));
  const lstm = new Lstm(store, "lstm", { inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const x = randn([10, 2, 3], 61);
  const whole = lstm.forward(x);
  const first = lstm.forward(tf.slice(x, [0, 0, 0], [6, 2, 3]));
  const second = lstm.forward(tf.slice(x, [6, 0, 0], [4, 2, 3]), { state: first.state });
  assert.ok(maxAbsDiff(tf.concat([first.y, second.y], 0).dataSync(), whole.y.dataSync()) < 1e-6);
  for (const [k, s] of second.state.entries()) {
    assert.ok(maxAbsDiff(s.dataSync(), whole.state[k].dataSync()) < 1e-6);
  }
  store.dispose();
});

Deno.test("Lstm rejects a state or input of the wrong shape with one-line InputErrors", () => {
  const store = new ParamStore(new Rng(7));
  const lstm = new Lstm(store, "lstm", { inputSize: 3, hiddenSize: 4, numLayers: 2 });
  const x = tf.zeros([3, 2, 3]);
  assert.throws(
    () => lstm.forward(x, { state: [tf.zeros([2, 4]), tf.zeros([2, 4])] }),
    (e: Error) => e instanceof InputError && /LSTM state must be 4 tensors/.test(e.message),
  );
  assert.throws(() => lstm.forward(tf.zeros([2, 3, 5])), /LSTM input must be \[T ≥ 1, B, 3\]/);
  store.dispose();
});

// Last in the file: the engine scripts use (wasm with BLAS here), whose
// kernels the hand-written BPTT calls directly.
parityTests("engine", () => initEngine({ backend: "auto" }));
