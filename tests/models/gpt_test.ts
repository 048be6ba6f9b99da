import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { InputError } from "../../lib/errors.ts";
import { generate } from "../../lib/sample/mod.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";

interface Case {
  config: GptConfig;
  weights: Record<string, { shape: number[]; data: number[] }>;
  ids: number[][];
  targets: number[][];
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
}
const fixture: { cases: Case[] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/gpt_torch.json", import.meta.url)),
);

function load(c: Case): Gpt {
  const model = new Gpt(c.config);
  const stored: Record<string, StoredTensor> = {};
  for (const [name, w] of Object.entries(c.weights)) {
    stored[name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  model.params().load(stored);
  return model;
}

for (const c of fixture.cases) {
  const label = c.config.bias ? "with biases" : "without biases";
  Deno.test(`GPT logits and loss equal a PyTorch GPT-2 on identical weights (${label})`, () => {
    const model = load(c);
    const ids = tf.tensor2d(c.ids, undefined, "int32");
    const targets = tf.tensor2d(c.targets, undefined, "int32");
    const { logits } = model.forward(ids);
    assert.ok(
      maxAbsDiff(logits.dataSync(), c.logits) < 1e-4,
      `logits differ by ${maxAbsDiff(logits.dataSync(), c.logits)}`,
    );
    const { loss } = model.loss(ids, targets);
    assert.ok(Math.abs(loss.dataSync()[0] - c.loss) < 1e-5);
    tf.dispose([ids, targets, logits, loss]);
    model.dispose();
  });

  Deno.test(`GPT gradients equal PyTorch's for every parameter (${label})`, () => {
    const model = load(c);
    const ids = tf.tensor2d(c.ids, undefined, "int32");
    const targets = tf.tensor2d(c.targets, undefined, "int32");
    const params = model.params().list();
    const { grads } = tf.variableGrads(
      () => model.loss(ids, targets).loss,
      params.map((p) => p.variable),
    );
    for (const p of params) {
      const diff = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
      assert.ok(diff < 1e-5, `${p.name}: gradient differs by ${diff}`);
    }
    tf.dispose([ids, targets, ...Object.values(grads)]);
    model.dispose();
  });
}

Deno.test("GPT parameter names and shapes follow Hugging Face's GPT-2 layout", () => {
  const model = new Gpt({
    vocabSize: 50,
    blockSize: 16,
    nLayer: 1,
    nHead: 2,
    nEmbd: 8,
    dropout: 0,
    bias: true,
    tieWeights: true,
  });
  const shapes = Object.fromEntries(model.params().list().map((p) => [p.name, p.variable.shape]));
  assert.deepEqual(shapes, {
    "wte.weight": [50, 8],
    "wpe.weight": [16, 8],
    "h.0.ln_1.weight": [8],
    "h.0.ln_1.bias": [8],
    "h.0.attn.c_attn.weight": [8, 24],
    "h.0.attn.c_attn.bias": [24],
    "h.0.attn.c_proj.weight": [8, 8],
    "h.0.attn.c_proj.bias": [8],
    "h.0.ln_2.weight": [8],
    "h.0.ln_2.bias": [8],
    "h.0.mlp.c_fc.weight": [8, 32],
    "h.0.mlp.c_fc.bias": [32],
    "h.0.mlp.c_proj.weight": [32, 8],
    "h.0.mlp.c_proj.bias": [8],
    "ln_f.weight": [8],
    "ln_f.bias": [8],
  });
  model.dispose();
});

Deno.test("GPT with a KV cache gives the same logits as the full forward pass", () => {
  const c = fixture.cases[0];
  const model = load(c);
  const before = tf.memory().numTensors;
  const ids = tf.tensor2d(c.ids, undefined, "int32");
  const full = model.forward(ids).logits;
  const cache = model.createCache(2);
  const pieces = [[0, 5], [5, 1], [6, 2]].map(([s, n]) =>
    tf.slice(ids, [0, s], [2, n]) as tf.Tensor2D
  );
  const parts = pieces.map((piece) => model.forward(piece, { cache }).logits);
  assert.equal(cache.length, 8);
  const joined = tf.concat(parts, 1);
  assert.ok(maxAbsDiff(joined.dataSync(), full.dataSync()) < 1e-5);
  tf.dispose([ids, full, joined, ...parts, ...pieces]);
  cache.dispose();
  model.params().list(); // still usable
  // the full pass runs the fused attention (no mask); the 3 cached passes × 2 layers keep theirs
  assert.equal(tf.memory().numTensors - before, 6, "only the 6 cached masks remain");
  model.dispose();
});

Deno.test("GPT returns causal attention weights per layer", () => {
  const model = new Gpt({
    vocabSize: 11,
    blockSize: 8,
    nLayer: 2,
    nHead: 2,
    nEmbd: 8,
    dropout: 0,
    bias: false,
    tieWeights: true,
  });
  const ids = tf.tensor2d([[1, 2, 3, 4]], undefined, "int32");
  const { logits, attention } = model.forward(ids, { returnAttention: true });
  assert.equal(attention!.length, 2);
  const w = attention![0].arraySync() as number[][][][];
  assert.deepEqual(attention![0].shape, [1, 2, 4, 4]);
  for (let i = 0; i < 4; i++) {
    const row = w[0][1][i];
    assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    for (let j = i + 1; j < 4; j++) assert.ok(row[j] < 1e-6, "no attention to the future");
  }
  tf.dispose([ids, logits, ...attention!]);
  model.dispose();
});

Deno.test("GPT rejects bad configs and over-long inputs with one-line reasons", () => {
  const base = {
    vocabSize: 11,
    blockSize: 8,
    nLayer: 1,
    nHead: 3,
    nEmbd: 8,
    dropout: 0,
    bias: false,
    tieWeights: true,
  };
  assert.throws(
    () => new Gpt(base),
    (e: Error) =>
      e instanceof InputError && /nEmbd \(8\) must be divisible by nHead \(3\)/.test(e.message),
  );
  assert.throws(
    () => new Gpt({ ...base, nHead: 2, nLayer: 0 }),
    /nLayer must be a positive integer/,
  );
  assert.throws(() => new Gpt({ ...base, nHead: 2, attnDropout: 1 }), /attnDropout must be in/);
  const model = new Gpt({ ...base, nHead: 2 });
  const ids = tf.zeros([1, 9], "int32") as tf.Tensor2D;
  assert.throws(() => model.forward(ids), /context of 9 tokens exceeds blockSize 8/);
  ids.dispose();
  model.dispose();
});

Deno.test("GPT dropout: residual only when attnDropout is 0, nothing at evaluation", () => {
  const config: GptConfig = {
    vocabSize: 11,
    blockSize: 8,
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    dropout: 0.3,
    attnDropout: 0,
    bias: false,
    tieWeights: true,
  };
  const before = tf.memory().numTensors;
  const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]], undefined, "int32");
  const logits = (m: Gpt, training: boolean) => {
    const out = m.forward(ids, { training });
    const values = Array.from(out.logits.dataSync());
    out.logits.dispose();
    return values;
  };
  const dropping = new Gpt(config, 3);
  const plain = new Gpt({ ...config, dropout: 0 }, 3);
  assert.deepEqual(logits(dropping, false), logits(plain, false), "no dropout at evaluation");
  assert.notDeepEqual(logits(dropping, true), logits(plain, true), "dropout while training");
  const both = new Gpt({ ...config, attnDropout: 0.3 }, 3); // attention weights dropped as well
  assert.notDeepEqual(logits(both, true), logits(dropping, true));
  for (const m of [dropping, plain, both]) m.dispose();
  ids.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("generate() with GPT's KV cache gives the same tokens as without it", async () => {
  const model = new Gpt({
    vocabSize: 11,
    blockSize: 16,
    nLayer: 2,
    nHead: 2,
    nEmbd: 8,
    dropout: 0,
    bias: true,
    tieWeights: true,
  }, 5);
  const run = (useCache: boolean) =>
    generate(model, [1, 2, 3], { maxNewTokens: 40, seed: 9, temperature: 1.5, useCache });
  const cached = await run(true);
  const plain = await run(false);
  assert.deepEqual(cached.ids, plain.ids); // 43 tokens > blockSize 16: the cache is rebuilt along the way
  const after = tf.memory().numTensors; // masks for every shape are cached by now
  await run(true);
  await run(false);
  assert.equal(tf.memory().numTensors, after, "a second generation allocates nothing that stays");
  model.dispose();
});
