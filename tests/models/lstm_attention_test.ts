import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import {
  LstmAttention,
  type LstmAttentionConfig,
  validateLstmAttentionConfig,
} from "../../lib/models/lstm_attention.ts";
import { getModelSpec } from "../../lib/presets/registry.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { PastAttention, pastMask } from "../../lib/nn/past_attention.ts";
import { Rng } from "../../lib/rng.ts";
import { generate } from "../../lib/sample/mod.ts";
import { train } from "../../lib/train/train.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { charIds, SHORT_RUN } from "../_helpers/tiny_models.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";

interface Case {
  config: LstmAttentionConfig;
  weights: Record<string, { shape: number[]; data: number[] }>;
  ids: number[][];
  targets: number[][];
  state: number[][];
  logits: number[];
  finalState: number[][];
  loss: number;
  grads: Record<string, number[]>;
}
const fixture: { models: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/lstm_torch.json", import.meta.url)),
);

const TINY: LstmAttentionConfig = {
  vocabSize: 7,
  blockSize: 8,
  nLayer: 2,
  hidden: 5,
  embedDim: 3,
  attention: "additive",
  attentionDim: 4,
  dropout: 0,
};

function load(c: Case): LstmAttention {
  const model = new LstmAttention(c.config);
  const stored: Record<string, StoredTensor> = {};
  for (const [name, w] of Object.entries(c.weights)) {
    stored[name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  model.params().load(stored);
  return model;
}

const ids2d = (rows: number[][]) => tf.tensor2d(rows, undefined, "int32");

function parityTests(backend: string, setup: () => Promise<unknown>): void {
  for (const c of fixture.models) {
    Deno.test(`lstm-attention (${c.config.attention}) logits, loss, final state and gradients equal a PyTorch reference on identical weights (${backend})`, async () => {
      await setup();
      const model = load(c);
      const B = c.ids.length, H = c.config.hidden;
      const ids = ids2d(c.ids), targets = ids2d(c.targets);
      const state = c.state.map((s) => tf.tensor2d(s, [B, H]));
      const out = model.forward(ids, { state, returnState: true });
      assert.ok(maxAbsDiff(out.logits.dataSync(), c.logits) < 1e-5);
      for (const [k, s] of c.finalState.entries()) {
        assert.ok(maxAbsDiff(out.state![k].dataSync(), s) < 1e-5, `state ${k}`);
      }
      const params = model.params().list();
      const { value, grads } = tf.variableGrads(
        () => model.loss(ids, targets, { state }).loss,
        params.map((p) => p.variable),
      );
      assert.ok(Math.abs(value.dataSync()[0] - c.loss) < 1e-5);
      assert.deepEqual(params.map((p) => p.name).sort(), Object.keys(c.grads).sort());
      for (const p of params) {
        const err = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
        assert.ok(err < 1e-5, `${p.name}: ${err}`);
      }
      model.dispose();
    });
  }
}

parityTests("cpu", () => Promise.resolve());

Deno.test("lstm-attention parameters follow torch layouts, with attention weights only where used", () => {
  const names = (attention: LstmAttentionConfig["attention"]) => {
    const model = new LstmAttention({ ...TINY, attention });
    const out = Object.fromEntries(model.params().list().map((p) => [p.name, p.variable.shape]));
    model.dispose();
    return out;
  };
  const additive = names("additive");
  assert.deepEqual(additive["lstm.weight_ih_l0"], [20, 3]);
  assert.deepEqual(additive["attn.w_query.weight"], [4, 5]);
  assert.deepEqual(additive["attn.v.weight"], [1, 4]);
  assert.deepEqual(additive["combine.weight"], [5, 10]);
  assert.ok(!("attn.w_query.weight" in names("dot")) && "combine.weight" in names("dot"));
  assert.deepEqual(Object.keys(names("none")), [
    "embed.weight",
    ...[0, 1].flatMap((k) =>
      ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((w) => `lstm.${w}_l${k}`)
    ),
    "fc.weight",
    "fc.bias",
  ]);
});

Deno.test("past attention is causal: weights rows sum to 1 and never look ahead or beyond the window", () => {
  const store = new ParamStore(new Rng(0));
  for (const scorer of ["additive", "dot"] as const) {
    const attn = new PastAttention(store, scorer, { scorer, hiddenSize: 6, attentionDim: 3 });
    const h = tf.randomNormal([2, 7, 6], 0, 1, "float32", 1);
    const w = attn.forward(h, h, { window: 3 }).weights.arraySync();
    for (const row of w.flat()) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    for (let t = 0; t < 7; t++) {
      for (let s = 0; s < 7; s++) {
        if (s > t || s <= t - 3) assert.equal(w[0][t][s], 0, `${scorer} ${t} → ${s}`);
      }
    }
  }
  assert.deepEqual(pastMask(1, 3).arraySync(), [[0, 0, 0]]);
  assert.throws(
    () => new PastAttention(store, "x", { scorer: "cosine" as "dot", hiddenSize: 2 }),
    /unknown attention scorer "cosine": choose one of additive, dot/,
  );
  store.dispose();
});

for (const attention of ["additive", "dot", "none"] as const) {
  Deno.test(`lstm-attention (${attention}) read in two pieces, passing the returned state, equals one pass`, () => {
    const model = new LstmAttention({ ...TINY, attention }, 3);
    const rows = [[1, 2, 3, 4, 5, 6, 0], [6, 5, 4, 3, 2, 1, 0]];
    const whole = model.forward(ids2d(rows), { returnState: true });
    const a = model.forward(ids2d(rows.map((r) => r.slice(0, 4))), { returnState: true });
    const b = model.forward(ids2d(rows.map((r) => r.slice(4))), {
      state: a.state,
      returnState: true,
    });
    const joined = tf.concat([a.logits, b.logits], 1);
    assert.ok(maxAbsDiff(joined.dataSync(), whole.logits.dataSync()) < 1e-5);
    assert.equal(b.state!.length, attention === "none" ? 4 : 5);
    for (const [k, s] of b.state!.entries()) {
      assert.ok(maxAbsDiff(s.dataSync(), whole.state![k].dataSync()) < 1e-5);
    }
    model.dispose();
  });
}

Deno.test("lstm-attention forward, loss, inspect and gradients leak no tensors", () => {
  const model = new LstmAttention({ ...TINY, dropout: 0.2 });
  const ids = ids2d([[1, 2, 3], [4, 5, 6]]);
  const vars = model.params().list().map((p) => p.variable);
  const state = model.initialState(2);
  const before = tf.memory().numTensors;
  model.forward(ids).logits.dispose();
  const out = model.forward(ids, { state, returnState: true, returnAttention: true });
  tf.dispose([out.logits, ...out.state!, ...out.attention!]);
  const withState = model.loss(ids, ids, { returnState: true, training: true });
  tf.dispose([withState.loss, ...withState.state!]);
  const { value, grads } = tf.variableGrads(
    () => model.loss(ids, ids, { state, training: true }).loss,
    vars,
  );
  tf.dispose([value, ...Object.values(grads)]);
  const seen = model.inspect(ids);
  assert.equal(seen.gates.length, 2);
  assert.deepEqual(seen.attention!.shape, [2, 3, 3]);
  tf.dispose([seen.hidden, seen.attention!, ...seen.gates.flatMap((g) => Object.values(g))]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([ids, ...state]);
  model.dispose();
});

Deno.test("lstm-attention rejects bad configs and states with one-line InputErrors", () => {
  const bad: [Partial<LstmAttentionConfig>, RegExp][] = [
    [{ hidden: 0 }, /hidden must be a positive integer; got 0/],
    [{ nLayer: 3 }, /nLayer must be 1 or 2; got 3/],
    [
      { attention: "cosine" as "dot" },
      /unknown attention "cosine": choose one of additive, dot, none/,
    ],
    [{ attentionDim: 0 }, /attentionDim must be a positive integer; got 0/],
    [{ blockSize: 0 }, /blockSize must be a positive integer/],
    [{ dropout: 1 }, /dropout must be in \[0, 1\); got 1/],
  ];
  const spec = getModelSpec("lstm-attention");
  for (const [change, message] of bad) {
    const check = (e: Error) => e instanceof InputError && message.test(e.message);
    assert.throws(() => new LstmAttention({ ...TINY, ...change }), check);
    assert.throws(() => spec.validate({ ...TINY, ...change }), check);
  }
  validateLstmAttentionConfig({ ...TINY, attention: "dot", attentionDim: 0 }); // unused there
  const model = new LstmAttention(TINY);
  assert.throws(
    () => model.forward(ids2d([[1, 2]]), { state: [tf.zeros([1, 5])] }),
    /lstm-attention state must be 4 tensors/,
  );
  model.dispose();
});

Deno.test("the lstm-attention registry entry: char and word tokens, tiny and default presets", () => {
  const spec = getModelSpec("lstm-attention");
  assert.deepEqual(spec.tokenizers, ["char", "word"]);
  for (const name of ["tiny", "default"]) {
    const preset = spec.presets[name];
    spec.validate({ ...preset.model, vocabSize: 65 });
    const model = spec.create({ ...preset.model, vocabSize: 65 }, 1);
    assert.equal(model.recurrent, true);
    model.dispose();
  }
});

// From here on, tests run on the engine scripts and notebooks use.
let engine: Promise<unknown> | undefined;
const useEngine = () => (engine ??= initEngine({ backend: "auto" }));
parityTests("engine", useEngine);

const text = (await Deno.readTextFile(
  new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url),
)).slice(0, 30_000);

Deno.test("train() lowers lstm-attention's loss on Tiny Shakespeare; generate() works, without leaks", async () => {
  await useEngine();
  const { ids, vocab } = charIds(text);
  const data = { train: ids.subarray(0, 27_000), val: ids.subarray(27_000) };
  const model = new LstmAttention({
    ...TINY,
    vocabSize: vocab,
    blockSize: 32,
    hidden: 64,
    embedDim: 16,
    attention: "dot",
  });
  const before = tf.memory().numTensors;
  const evals: number[] = [];
  const result = await train(model, data, SHORT_RUN, { onEval: (e) => evals.push(e.valLoss) });
  assert.equal(tf.memory().numTensors, before, "train() leaked tensors");
  assert.ok(evals[0] > 3.5, `starts near ln(${vocab}): ${evals[0]}`);
  assert.ok(result.final!.valLoss < evals[0] - 0.8, `val loss ${evals.join(" → ")}`);
  assert.equal(result.state.carry?.length, 4, "h and c of both layers carried across windows");
  const sample = await generate(model, [0], { maxNewTokens: 40, seed: 1 });
  assert.equal(sample.ids.length, 40);
  assert.equal(tf.memory().numTensors, before, "generate() leaked tensors");
  model.dispose();
});
