import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { CharRnn, type CharRnnConfig } from "../../lib/models/char_rnn.ts";
import { CHAR_RNN_PRESETS } from "../../lib/presets/char_rnn_presets.ts";
import { getModelSpec } from "../../lib/presets/registry.ts";
import { generate } from "../../lib/sample/mod.ts";
import { train } from "../../lib/train/train.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { charIds, SHORT_RUN } from "../_helpers/tiny_models.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";

interface Case {
  config: CharRnnConfig;
  weights: Record<string, { shape: number[]; data: number[] }>;
  ids: number[][];
  targets: number[][];
  state: number[][];
  logits: number[];
  finalState: number[][];
  loss: number;
  grads: Record<string, number[]>;
  stateGrads: number[][];
}
const fixture: { cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/rnn_torch.json", import.meta.url)),
);

const TINY: CharRnnConfig = {
  vocabSize: 7,
  blockSize: 6,
  nLayer: 2,
  hidden: 5,
  embedDim: 3,
  dropout: 0,
  inputMode: "embedding",
};

function load(c: Case): CharRnn {
  const model = new CharRnn(c.config);
  const stored: Record<string, StoredTensor> = {};
  for (const [name, w] of Object.entries(c.weights)) {
    stored[name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  model.params().load(stored);
  return model;
}

function inputs(c: Case) {
  const B = c.ids.length, H = c.config.hidden;
  return {
    ids: tf.tensor2d(c.ids, undefined, "int32"),
    targets: tf.tensor2d(c.targets, undefined, "int32"),
    state: c.state.map((s) => tf.tensor2d(s, [B, H])),
  };
}

function ids2d(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows, undefined, "int32");
}

/**
 * Registers the parity tests on the backend `setup` selects: first the stock
 * cpu backend (tfjs's own kernels), at the end of the file the engine scripts
 * use (wasm with BLAS here), whose kernels the hand-written BPTT calls directly.
 */
function parityTests(backend: string, setup: () => Promise<unknown>): void {
  for (const c of fixture.cases) {
    const label = `${c.config.nLayer} layers, ${c.config.inputMode} input, ${backend}`;

    Deno.test(`char-RNN logits, final state and loss equal PyTorch's nn.RNN on identical weights (${label})`, async () => {
      await setup();
      const model = load(c);
      const { ids, targets, state } = inputs(c);
      const out = model.forward(ids, { state, returnState: true });
      const diff = maxAbsDiff(out.logits.dataSync(), c.logits);
      assert.ok(diff < 1e-5, `logits differ by ${diff}`);
      for (const [k, s] of out.state!.entries()) {
        assert.ok(maxAbsDiff(s.dataSync(), c.finalState[k]) < 1e-5, `state of layer ${k}`);
      }
      const { loss } = model.loss(ids, targets, { state });
      assert.ok(Math.abs(loss.dataSync()[0] - c.loss) < 1e-5);
      tf.dispose([ids, targets, ...state, out.logits, ...out.state!, loss]);
      model.dispose();
    });

    Deno.test(`char-RNN gradients equal PyTorch's for every parameter and the initial state (${label})`, async () => {
      await setup();
      const model = load(c);
      const { ids, targets, state } = inputs(c);
      const params = model.params().list();
      const { grads } = tf.variableGrads(
        () => model.loss(ids, targets, { state }).loss,
        params.map((p) => p.variable),
      );
      assert.deepEqual(params.map((p) => p.name).sort(), Object.keys(c.grads).sort());
      for (const p of params) {
        const diff = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
        assert.ok(diff < 1e-5, `${p.name}: gradient differs by ${diff}`);
      }
      const stateGrads = tf.grads((...s: tf.Tensor[]) =>
        model.loss(ids, targets, { state: s }).loss
      )(state);
      for (const [k, g] of stateGrads.entries()) {
        assert.ok(maxAbsDiff(g.dataSync(), c.stateGrads[k]) < 1e-5, `initial state of layer ${k}`);
      }
      tf.dispose([ids, targets, ...state, ...Object.values(grads), ...stateGrads]);
      model.dispose();
    });
  }
}

parityTests("stock cpu", () => Promise.resolve());

Deno.test("char-RNN parameters follow the torch.nn layout (Embedding, RNN, Linear)", () => {
  const shapes = (config: CharRnnConfig) => {
    const model = new CharRnn(config);
    const out = Object.fromEntries(model.params().list().map((p) => [p.name, p.variable.shape]));
    model.dispose();
    return out;
  };
  assert.deepEqual(shapes(TINY), {
    "embed.weight": [7, 3],
    "rnn.weight_ih_l0": [5, 3],
    "rnn.weight_hh_l0": [5, 5],
    "rnn.bias_ih_l0": [5],
    "rnn.bias_hh_l0": [5],
    "rnn.weight_ih_l1": [5, 5],
    "rnn.weight_hh_l1": [5, 5],
    "rnn.bias_ih_l1": [5],
    "rnn.bias_hh_l1": [5],
    "fc.weight": [7, 5],
    "fc.bias": [7],
  });
  const onehot = shapes({ ...TINY, nLayer: 1, inputMode: "onehot" });
  assert.deepEqual(Object.keys(onehot), [
    "rnn.weight_ih_l0",
    "rnn.weight_hh_l0",
    "rnn.bias_ih_l0",
    "rnn.bias_hh_l0",
    "fc.weight",
    "fc.bias",
  ]);
  assert.deepEqual(onehot["rnn.weight_ih_l0"], [5, 7]); // [H, V]
});

Deno.test("an untrained char-RNN starts near the uniform loss ln(V)", () => {
  const model = new CharRnn({ ...TINY, vocabSize: 65, hidden: 256, embedDim: 64 });
  const ids = ids2d([[...Array(50).keys()], [...Array(50).keys()].map((i) => 64 - i)]);
  const { loss } = model.loss(ids, ids);
  assert.ok(Math.abs(loss.dataSync()[0] - Math.log(65)) < 0.15, `${loss.dataSync()[0]}`);
  tf.dispose([ids, loss]);
  model.dispose();
});

Deno.test("char-RNN over a window split in two, passing the state, equals one long window", () => {
  const model = new CharRnn({ ...TINY, nLayer: 3 }, 3);
  const rows = [[1, 2, 3, 4, 5, 6, 0, 1, 2], [6, 5, 4, 3, 2, 1, 0, 6, 5]];
  const whole = model.forward(ids2d(rows), { returnState: true });
  const a = model.forward(ids2d(rows.map((r) => r.slice(0, 4))), { returnState: true });
  const b = model.forward(ids2d(rows.map((r) => r.slice(4))), {
    state: a.state,
    returnState: true,
  });
  const joined = tf.concat([a.logits, b.logits], 1);
  assert.ok(maxAbsDiff(joined.dataSync(), whole.logits.dataSync()) < 1e-5);
  for (const [k, s] of b.state!.entries()) {
    assert.ok(maxAbsDiff(s.dataSync(), whole.state![k].dataSync()) < 1e-5);
  }
  model.dispose();
});

Deno.test("char-RNN gradients agree with finite differences on a tiny config", () => {
  const model = new CharRnn({ ...TINY, nLayer: 2 }, 5);
  const ids = ids2d([[1, 2, 3, 4, 5], [6, 0, 1, 2, 3]]);
  const targets = ids2d([[2, 3, 4, 5, 6], [0, 1, 2, 3, 4]]);
  const lossValue = () => tf.tidy(() => model.loss(ids, targets).loss.dataSync()[0]);
  const params = model.params().list();
  const { grads } = tf.variableGrads(
    () => model.loss(ids, targets).loss,
    params.map((p) => p.variable),
  );
  const eps = 1e-2;
  for (const p of params) {
    const analytic = grads[p.variable.name].dataSync();
    const base = p.variable.dataSync().slice();
    for (let i = 0; i < base.length; i += Math.max(1, Math.floor(base.length / 6))) {
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        tf.tidy(() => p.variable.assign(tf.tensor(v, p.variable.shape)));
        return lossValue();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      tf.tidy(() => p.variable.assign(tf.tensor(base, p.variable.shape)));
      assert.ok(
        Math.abs(numeric - analytic[i]) < 2e-3,
        `${p.name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`,
      );
    }
  }
  tf.dispose([ids, targets, ...Object.values(grads)]);
  model.dispose();
});

Deno.test("char-RNN forward, loss and gradients leak no tensors", () => {
  const model = new CharRnn({ ...TINY, dropout: 0.2 });
  const ids = ids2d([[1, 2, 3], [4, 5, 6]]);
  const vars = model.params().list().map((p) => p.variable);
  const state = model.initialState(2);
  const before = tf.memory().numTensors;
  model.forward(ids).logits.dispose();
  const out = model.forward(ids, { state, returnState: true, training: true });
  tf.dispose([out.logits, ...out.state!]);
  model.loss(ids, ids, { state }).loss.dispose();
  const withState = model.loss(ids, ids, { returnState: true });
  tf.dispose([withState.loss, ...withState.state!]);
  const { value, grads } = tf.variableGrads(
    () => model.loss(ids, ids, { state, training: true }).loss,
    vars,
  );
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([ids, ...state]);
  model.dispose();
});

Deno.test("char-RNN rejects bad configs and states with one-line InputErrors", () => {
  const bad: [Partial<CharRnnConfig>, RegExp][] = [
    [{ nLayer: 0 }, /nLayer must be a positive integer; got 0/],
    [{ nLayer: 4 }, /nLayer must be 1, 2 or 3; got 4/],
    [{ hidden: 2.5 }, /hidden must be a positive integer; got 2.5/],
    [{ embedDim: -1 }, /embedDim must be a positive integer/],
    [{ vocabSize: 0 }, /vocabSize must be a positive integer/],
    [{ blockSize: NaN }, /blockSize must be a positive integer/],
    [{ dropout: 1 }, /dropout must be in \[0, 1\); got 1/],
    [{ inputMode: "bytes" as "onehot" }, /inputMode must be "embedding" or "onehot"; got "bytes"/],
  ];
  const spec = getModelSpec("char-rnn");
  for (const [change, message] of bad) {
    const check = (e: Error) => e instanceof InputError && message.test(e.message);
    assert.throws(() => new CharRnn({ ...TINY, ...change }), check);
    assert.throws(() => spec.validate({ ...TINY, ...change }), check);
  }
  const model = new CharRnn(TINY);
  const ids = ids2d([[1, 2]]);
  assert.throws(
    () => model.forward(ids, { state: [tf.zeros([2, 5]), tf.zeros([2, 5])] }),
    /state must be 2 tensor\(s\) of shape \[1, 5\]/,
  );
  model.dispose();
});

Deno.test("the char-rnn registry entry: char tokens, tiny and default presets that validate", () => {
  const spec = getModelSpec("char-rnn");
  assert.deepEqual(spec.tokenizers, ["char"]);
  for (const name of ["tiny", "default"]) {
    const preset = spec.presets[name];
    spec.validate({ ...preset.model, vocabSize: 65 });
    const model = spec.create({ ...preset.model, vocabSize: 65 }, 1);
    assert.equal(model.recurrent, true);
    assert.equal(model.maxContext, undefined);
    model.dispose();
  }
  assert.deepEqual(
    [CHAR_RNN_PRESETS.default.model.nLayer, CHAR_RNN_PRESETS.default.model.hidden],
    [2, 256],
  );
});

// From here on, tests run on the engine scripts and notebooks use.
let engine: Promise<unknown> | undefined;
const useEngine = () => (engine ??= initEngine({ backend: "auto" }));
parityTests("engine", useEngine);

const text = (await Deno.readTextFile(
  new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url),
)).slice(0, 30_000);

Deno.test("train() lowers a char-RNN's loss on Tiny Shakespeare, carrying state, without leaks", async () => {
  await useEngine();
  const { ids, vocab } = charIds(text);
  const data = { train: ids.subarray(0, 27_000), val: ids.subarray(27_000) };
  const model = new CharRnn({ ...TINY, vocabSize: vocab, blockSize: 32, hidden: 64, embedDim: 16 });
  const before = tf.memory().numTensors;
  const evals: number[] = [];
  const result = await train(model, data, SHORT_RUN, { onEval: (e) => evals.push(e.valLoss) });
  assert.equal(tf.memory().numTensors, before, "train() leaked tensors");
  assert.ok(evals[0] > 3.5, `starts near ln(${vocab}): ${evals[0]}`);
  assert.ok(result.final!.valLoss < evals[0] - 0.8, `val loss ${evals.join(" → ")}`);
  assert.ok(result.state.carry && result.state.carry.length === 2, "state carried across windows");
  const sample = await generate(model, [0], { maxNewTokens: 30, seed: 1 });
  assert.equal(sample.ids.length, 30);
  assert.equal(tf.memory().numTensors, before, "generate() leaked tensors");
  model.dispose();
});
