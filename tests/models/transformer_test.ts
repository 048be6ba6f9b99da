import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { Transformer, type TransformerConfig } from "../../lib/models/transformer.ts";
import { TRANSFORMER_PRESETS } from "../../lib/presets/transformer_presets.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { TransformerBlock } from "../../lib/nn/transformer_block.ts";
import { Rng } from "../../lib/rng.ts";
import { generate } from "../../lib/sample/mod.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";

type Dumped = { shape: number[]; data: number[] };
interface BlockCase {
  options: {
    nEmbd: number;
    nHead: number;
    dimFeedforward: number;
    dropout: number;
    norm: "post" | "pre";
  };
  weights: Record<string, Dumped>;
  x: Dumped;
  r: Dumped;
  y: Dumped;
  grads: Record<string, number[]>;
  xGrad: number[];
}
interface ModelCase {
  config: TransformerConfig;
  weights: Record<string, Dumped>;
  ids: number[][];
  targets: number[][];
  logits: number[];
  loss: number;
  grads: Record<string, number[]>;
}
const fixture: { blocks: BlockCase[]; models: ModelCase[] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/transformer_torch.json", import.meta.url)),
);

function stored(weights: Record<string, Dumped>, prefix = ""): Record<string, StoredTensor> {
  const out: Record<string, StoredTensor> = {};
  for (const [name, w] of Object.entries(weights)) {
    out[prefix + name] = { dtype: "float32", shape: w.shape, data: Float32Array.from(w.data) };
  }
  return out;
}

const tensor = (d: Dumped) => tf.tensor(d.data, d.shape);

for (const c of fixture.blocks) {
  Deno.test(`a ${c.options.norm}-LN block equals torch.nn.TransformerEncoderLayer (causal mask): output and gradients`, () => {
    const store = new ParamStore(new Rng(0));
    const block = new TransformerBlock(store, "", c.options);
    // the block's names are the layer's state-dict names, prefixed by "." here
    store.load(stored(c.weights, "."));
    const before = tf.memory().numTensors;
    const x = tensor(c.x);
    const r = tensor(c.r);
    const y = block.forward(x).y;
    assert.ok(
      maxAbsDiff(y.dataSync(), c.y.data) < 1e-5,
      `y differs by ${maxAbsDiff(y.dataSync(), c.y.data)}`,
    );
    const params = store.list();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(block.forward(x).y, r)),
      params.map((p) => p.variable),
    );
    for (const p of params) {
      const diff = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name.slice(1)]);
      assert.ok(diff < 1e-4, `${p.name}: gradient differs by ${diff}`);
    }
    const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(block.forward(xx).y, r)))(x);
    assert.ok(maxAbsDiff(dx.dataSync(), c.xGrad) < 1e-4);
    tf.dispose([x, r, y, value, dx, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before, "no tensors leak");
    block.dispose();
    store.dispose();
  });
}

function load(c: ModelCase): Transformer {
  const model = new Transformer(c.config);
  model.params().load(stored(c.weights));
  return model;
}

for (const c of fixture.models) {
  Deno.test(`a ${c.config.norm}-LN Transformer's logits, loss and gradients equal a PyTorch model on identical weights`, () => {
    const model = load(c);
    const ids = tf.tensor2d(c.ids, undefined, "int32");
    const targets = tf.tensor2d(c.targets, undefined, "int32");
    const { logits } = model.forward(ids);
    assert.ok(
      maxAbsDiff(logits.dataSync(), c.logits) < 1e-4,
      `logits differ by ${maxAbsDiff(logits.dataSync(), c.logits)}`,
    );
    const params = model.params().list();
    const { value, grads } = tf.variableGrads(
      () => model.loss(ids, targets).loss,
      params.map((p) => p.variable),
    );
    assert.ok(Math.abs(value.dataSync()[0] - c.loss) < 1e-5);
    for (const p of params) {
      const diff = maxAbsDiff(grads[p.variable.name].dataSync(), c.grads[p.name]);
      assert.ok(diff < 1e-4, `${p.name}: gradient differs by ${diff}`);
    }
    tf.dispose([ids, targets, logits, value, ...Object.values(grads)]);
    model.dispose();
  });
}

const tiny = (over: Partial<TransformerConfig> = {}): TransformerConfig => ({
  ...TRANSFORMER_PRESETS.tiny.model,
  vocabSize: 11,
  blockSize: 8,
  nPositions: 16,
  nEmbd: 8,
  dimFeedforward: 16,
  ...over,
});

Deno.test("Transformer parameter names follow nn.TransformerEncoderLayer; pre-LN adds a final norm, untied a head", () => {
  const names = (c: TransformerConfig) => {
    const m = new Transformer(c);
    const out = Object.fromEntries(m.params().list().map((p) => [p.name, p.variable.shape]));
    m.dispose();
    return out;
  };
  assert.deepEqual(names(tiny({ nLayer: 1 })), {
    "tok_emb.weight": [11, 8],
    "layers.0.self_attn.in_proj_weight": [24, 8],
    "layers.0.self_attn.in_proj_bias": [24],
    "layers.0.self_attn.out_proj.weight": [8, 8],
    "layers.0.self_attn.out_proj.bias": [8],
    "layers.0.linear1.weight": [16, 8],
    "layers.0.linear1.bias": [16],
    "layers.0.linear2.weight": [8, 16],
    "layers.0.linear2.bias": [8],
    "layers.0.norm1.weight": [8],
    "layers.0.norm1.bias": [8],
    "layers.0.norm2.weight": [8],
    "layers.0.norm2.bias": [8],
  });
  const pre = names(tiny({ nLayer: 1, norm: "pre", tieWeights: false, positional: "learned" }));
  for (const n of ["norm.weight", "norm.bias", "lm_head.weight", "pos_emb.weight"]) {
    assert.ok(n in pre, n);
  }
  const ablated = names(tiny({ nLayer: 1, layerNorm: false }));
  assert.ok(!Object.keys(ablated).some((n) => n.includes("norm")));
});

Deno.test("Transformer with a KV cache gives the same logits as the full pass (sinusoidal and learned positions)", () => {
  for (const positional of ["sinusoidal", "learned"] as const) {
    const model = new Transformer(tiny({ positional }), 3);
    const ids = tf.tensor2d(
      [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]],
      undefined,
      "int32",
    );
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
    model.dispose();
  }
});

Deno.test("positions matter: without positional encoding, a one-layer model's last logits ignore the order of earlier tokens", () => {
  const last = (model: Transformer, row: number[]) =>
    tf.tidy(() => {
      const logits = model.forward(tf.tensor2d([row], undefined, "int32")).logits;
      return Array.from(tf.slice(logits, [0, row.length - 1, 0], [1, 1, -1]).dataSync());
    });
  for (const positional of ["none", "sinusoidal"] as const) {
    const model = new Transformer(tiny({ positional, nLayer: 1 }), 4);
    // larger weights than the init's, so attention is far from uniform
    for (const p of model.params().list()) {
      if (p.variable.rank === 2) {
        p.variable.assign(tf.randomNormal(p.variable.shape, 0, 0.5, "float32", 1));
      }
    }
    const d = maxAbsDiff(last(model, [1, 2, 3, 4]), last(model, [2, 1, 3, 4]));
    if (positional === "none") assert.ok(d < 1e-6, `bag of tokens: ${d}`);
    else assert.ok(d > 1e-5, `order is seen: ${d}`);
    model.dispose();
  }
});

Deno.test("Transformer returns causal attention weights per layer and trains with dropout without leaking", () => {
  const model = new Transformer(tiny({ dropout: 0.1 }), 2);
  const ids = tf.tensor2d([[1, 2, 3, 4]], undefined, "int32");
  const { logits, attention } = model.forward(ids, { returnAttention: true });
  assert.equal(attention!.length, 2);
  assert.deepEqual(attention![0].shape, [1, 2, 4, 4]);
  const w = attention![1].arraySync() as number[][][][];
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(w[0][0][i].reduce((s, v) => s + v, 0) - 1) < 1e-5);
    for (let j = i + 1; j < 4; j++) assert.ok(w[0][0][i][j] < 1e-6);
  }
  tf.dispose([logits, ...attention!]);
  const before = tf.memory().numTensors;
  const vars = model.params().list().map((p) => p.variable);
  for (let i = 0; i < 3; i++) {
    const { value, grads } = tf.variableGrads(
      () => model.loss(ids, ids, { training: true }).loss,
      vars,
    );
    tf.dispose([value, ...Object.values(grads)]);
  }
  assert.equal(tf.memory().numTensors - before, 0);
  ids.dispose();
  model.dispose();
});

Deno.test("Transformer rejects bad configs and over-long inputs with one-line reasons", () => {
  const bad = (over: Partial<TransformerConfig>, re: RegExp) =>
    assert.throws(
      () => new Transformer(tiny(over)),
      (e: Error) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"),
    );
  bad({ nHead: 3 }, /nEmbd \(8\) must be divisible by nHead \(3\)/);
  bad({ blockSize: 32 }, /blockSize 32 exceeds the positional table \(nPositions 16\)/);
  bad(
    { positional: "rotary" as never },
    /unknown positional encoding "rotary": choose sinusoidal, learned, none/,
  );
  bad({ norm: "sandwich" as never }, /norm must be "post" or "pre"/);
  const model = new Transformer(tiny());
  const ids = tf.zeros([1, 9], "int32") as tf.Tensor2D;
  assert.throws(() => model.forward(ids), /context of 9 tokens exceeds blockSize 8/);
  ids.dispose();
  model.dispose();
});

Deno.test("generate() with the Transformer's KV cache gives the same tokens as without it", async () => {
  const model = new Transformer(tiny({ blockSize: 16 }), 5);
  const run = (useCache: boolean) =>
    generate(model, [1, 2, 3], { maxNewTokens: 30, seed: 9, temperature: 1.5, useCache });
  const cached = await run(true);
  assert.deepEqual(cached.ids, (await run(false)).ids); // 33 tokens > blockSize 16: cropped and rebuilt
  const after = tf.memory().numTensors;
  await run(true);
  assert.equal(tf.memory().numTensors, after);
  model.dispose();
});
