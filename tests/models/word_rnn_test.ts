import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { getModelSpec } from "../../lib/presets/registry.ts";
import { WordRnn, type WordRnnConfig } from "../../lib/models/word_rnn.ts";
import { WORD_RNN_PRESETS } from "../../lib/presets/word_rnn_presets.ts";
import { generate } from "../../lib/sample/mod.ts";
import { WordTokenizer } from "../../lib/tokenizers/word.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { train } from "../../lib/train/train.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";
import { SHORT_RUN } from "../_helpers/tiny_models.ts";

interface Case {
  config: WordRnnConfig;
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
  await Deno.readTextFile(new URL("../fixtures/word_rnn_torch.json", import.meta.url)),
);

const TINY: WordRnnConfig = {
  vocabSize: 11,
  blockSize: 6,
  cell: "gru",
  nLayer: 2,
  hidden: 5,
  embedDim: 5,
  dropout: 0,
  tieWeights: false,
};

function load(c: Case): WordRnn {
  const model = new WordRnn(c.config);
  const stored: Record<string, StoredTensor> = {};
  for (const [name, w] of Object.entries(c.weights)) {
    stored[name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  model.params().load(stored);
  return model;
}

const ids2d = (rows: number[][]): tf.Tensor2D => tf.tensor2d(rows, undefined, "int32");

/** Parity with PyTorch on the backend `setup` selects (stock cpu first, the engine last). */
function parityTests(backend: string, setup: () => Promise<unknown>): void {
  for (const c of fixture.cases) {
    const label = `${c.config.cell}, ${c.config.nLayer} layer(s), ${
      c.config.tieWeights ? "tied" : "untied"
    }, ${backend}`;
    Deno.test(`word-RNN logits, state, loss and gradients equal PyTorch's on identical weights (${label})`, async () => {
      await setup();
      const model = load(c);
      const B = c.ids.length, H = c.config.hidden;
      const ids = ids2d(c.ids), targets = ids2d(c.targets);
      const state = c.state.map((s) => tf.tensor2d(s, [B, H]));
      const out = model.forward(ids, { state, returnState: true });
      assert.ok(maxAbsDiff(out.logits.dataSync(), c.logits) < 1e-5, "logits");
      for (const [k, s] of out.state!.entries()) {
        assert.ok(maxAbsDiff(s.dataSync(), c.finalState[k]) < 1e-5, `state of layer ${k}`);
      }
      const params = model.params().list();
      const { value, grads } = tf.variableGrads(
        () => model.loss(ids, targets, { state }).loss,
        params.map((p) => p.variable),
      );
      assert.ok(Math.abs(value.dataSync()[0] - c.loss) < 1e-5, "loss");
      assert.deepEqual(params.map((p) => p.name).sort(), Object.keys(c.grads).sort());
      for (const p of params) {
        const diff = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
        assert.ok(diff < 1e-5, `${p.name}: gradient differs by ${diff}`);
      }
      const stateGrads = tf.grads((...s: tf.Tensor[]) =>
        model.loss(ids, targets, { state: s }).loss
      )(state);
      for (const [k, g] of stateGrads.entries()) {
        assert.ok(maxAbsDiff(g.dataSync(), c.stateGrads[k]) < 1e-5, `initial state ${k}`);
      }
      tf.dispose([ids, targets, ...state, out.logits, ...out.state!, value]);
      tf.dispose([...Object.values(grads), ...stateGrads]);
      model.dispose();
    });
  }
}

parityTests("stock cpu", () => Promise.resolve());

Deno.test("word-RNN parameters follow pytorch/examples' word_language_model names", () => {
  const names = (config: WordRnnConfig) => {
    const model = new WordRnn(config);
    const out = Object.fromEntries(model.params().list().map((p) => [p.name, p.variable.shape]));
    model.dispose();
    return out;
  };
  assert.deepEqual(names({ ...TINY, nLayer: 1 }), {
    "encoder.weight": [11, 5],
    "rnn.weight_ih_l0": [15, 5],
    "rnn.weight_hh_l0": [15, 5],
    "rnn.bias_ih_l0": [15],
    "rnn.bias_hh_l0": [15],
    "decoder.weight": [11, 5],
    "decoder.bias": [11],
  });
  const tied = names({ ...TINY, nLayer: 1, cell: "rnn", tieWeights: true });
  assert.deepEqual(Object.keys(tied), [
    "encoder.weight",
    "rnn.weight_ih_l0",
    "rnn.weight_hh_l0",
    "rnn.bias_ih_l0",
    "rnn.bias_hh_l0",
    "decoder.bias",
  ]);
  assert.deepEqual(tied["rnn.weight_hh_l0"], [5, 5]); // tanh RNN: [H, H]
});

Deno.test("an untrained word-RNN starts near the uniform loss ln(V)", () => {
  const model = new WordRnn({ ...TINY, vocabSize: 2000, hidden: 64, embedDim: 64 });
  const row = [...Array(40).keys()].map((i) => i * 37);
  const ids = ids2d([row, row.map((i) => 1999 - i)]);
  const { loss } = model.loss(ids, ids);
  assert.ok(Math.abs(loss.dataSync()[0] - Math.log(2000)) < 0.1, `${loss.dataSync()[0]}`);
  tf.dispose([ids, loss]);
  model.dispose();
});

Deno.test("word-RNN with hand-written BPTT has autodiff's gradients (GRU and RNN, dropout off)", () => {
  for (const cell of ["gru", "rnn"] as const) {
    const config = { ...TINY, cell, tieWeights: true };
    const ours = new WordRnn(config, 4), auto = new WordRnn(config, 4, { autodiff: true });
    const ids = ids2d([[1, 2, 3, 4, 5], [6, 0, 1, 2, 3]]);
    const targets = ids2d([[2, 3, 4, 5, 6], [0, 1, 2, 3, 4]]);
    const grads = (m: WordRnn) =>
      tf.variableGrads(() => m.loss(ids, targets).loss, m.params().list().map((p) => p.variable));
    const a = grads(ours), b = grads(auto);
    const bNames = auto.params().list();
    for (const [i, p] of ours.params().list().entries()) {
      const diff = maxAbsDiff(
        a.grads[p.variable.name].dataSync(),
        b.grads[bNames[i].variable.name].dataSync(),
      );
      assert.ok(diff < 1e-6, `${cell} ${p.name}: ${diff}`);
    }
    tf.dispose([ids, targets, a.value, b.value, ...Object.values(a.grads)]);
    tf.dispose(Object.values(b.grads));
    ours.dispose();
    auto.dispose();
  }
});

Deno.test("word-RNN forward, loss and gradients leak no tensors (with dropout)", () => {
  const model = new WordRnn({ ...TINY, dropout: 0.3, tieWeights: true });
  const ids = ids2d([[1, 2, 3], [4, 5, 6]]);
  const vars = model.params().list().map((p) => p.variable);
  const state = model.initialState(2);
  const before = tf.memory().numTensors;
  model.forward(ids).logits.dispose();
  const out = model.forward(ids, { state, returnState: true, training: true });
  tf.dispose([out.logits, ...out.state!]);
  const { value, grads } = tf.variableGrads(
    () => model.loss(ids, ids, { state, training: true }).loss,
    vars,
  );
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([ids, ...state]);
  model.dispose();
});

Deno.test("word-RNN rejects bad configs with one-line InputErrors", () => {
  const bad: [Partial<WordRnnConfig>, RegExp][] = [
    [{ nLayer: 0 }, /nLayer must be a positive integer; got 0/],
    [{ nLayer: 5 }, /nLayer must be between 1 and 4; got 5/],
    [{ vocabSize: 0 }, /vocabSize must be a positive integer; got 0/],
    [{ cell: "lstm" as "gru" }, /cell must be "rnn" or "gru"; got "lstm"/],
    [{ dropout: 1 }, /dropout must be in \[0, 1\); got 1/],
    [
      { tieWeights: true, embedDim: 4 },
      /tieWeights needs hidden == embedDim; got hidden 5, embedDim 4/,
    ],
  ];
  const spec = getModelSpec("word-rnn");
  for (const [change, message] of bad) {
    const check = (e: Error) => e instanceof InputError && message.test(e.message);
    assert.throws(() => new WordRnn({ ...TINY, ...change }), check);
    assert.throws(() => spec.validate({ ...TINY, ...change }), check);
  }
});

Deno.test("the word-rnn registry entry: word tokens only, presets that validate", () => {
  const spec = getModelSpec("word-rnn");
  assert.deepEqual(spec.tokenizers, ["word"]);
  for (const name of ["tiny", "default", "rnn", "wikitext"]) {
    const config = { ...WORD_RNN_PRESETS[name].model, vocabSize: 500 } as WordRnnConfig;
    spec.validate(config);
    const model = spec.create(config, 1);
    assert.equal(model.recurrent, true);
    assert.equal(model.maxContext, undefined);
    model.dispose();
  }
  assert.equal(WORD_RNN_PRESETS.wikitext.data, "wikitext2");
});

// From here on, tests run on the engine scripts and notebooks use.
let engine: Promise<unknown> | undefined;
const useEngine = () => (engine ??= initEngine({ backend: "auto" }));
parityTests("engine", useEngine);

const text = (await Deno.readTextFile(
  new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url),
)).slice(0, 60_000);

Deno.test("train() lowers a word-RNN's loss on Tiny Shakespeare words, without leaks", async () => {
  await useEngine();
  const tok = WordTokenizer.train(text.slice(0, 54_000), { maxSize: 300 });
  const data = {
    train: Int32Array.from(tok.encode(text.slice(0, 54_000))),
    val: Int32Array.from(tok.encode(text.slice(54_000))),
  };
  const model = new WordRnn({
    ...TINY,
    vocabSize: tok.vocabSize,
    blockSize: 16,
    hidden: 32,
    embedDim: 32,
    nLayer: 1,
    tieWeights: true,
  });
  const before = tf.memory().numTensors;
  const evals: number[] = [];
  const result = await train(model, data, SHORT_RUN, { onEval: (e) => evals.push(e.valLoss) });
  assert.equal(tf.memory().numTensors, before, "train() leaked tensors");
  assert.ok(evals[0] > 5, `starts near ln(${tok.vocabSize}): ${evals[0]}`);
  assert.ok(result.final!.valLoss < evals[0] - 1, `val loss ${evals.join(" → ")}`);
  assert.ok(result.state.carry && result.state.carry.length === 1, "state carried");
  const sample = await generate(model, [tok.eosId], { maxNewTokens: 20, seed: 1 });
  assert.equal(sample.ids.length, 20);
  assert.equal(tf.memory().numTensors, before, "generate() leaked tensors");
  model.dispose();
});
