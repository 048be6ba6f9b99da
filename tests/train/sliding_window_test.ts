import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { initValues } from "../../lib/nn/init.ts";
import { Rng } from "../../lib/rng.ts";
import { slidingWindowLoss, slidingWindows } from "../../lib/train/sliding_window.ts";

const CONFIG: GptConfig = {
  vocabSize: 11,
  blockSize: 8,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
  tieWeights: true,
};

/** A GPT with large random weights, so context changes the predictions a lot. */
function randomGpt(): Gpt {
  const gpt = new Gpt(CONFIG, 3);
  const rng = new Rng(4);
  const stored = gpt.params().toStored();
  for (const [name, t] of Object.entries(stored)) {
    stored[name] = { ...t, data: initValues(t.data.length, { kind: "normal", std: 0.5 }, rng) };
  }
  gpt.params().load(stored);
  return gpt;
}

const IDS = Int32Array.from({ length: 23 }, (_, i) => (i * 7 + (i % 3)) % 11);

/** −log p(ids[p] | ids[max(0, p − context) .. p)), computed one token at a time in float64. */
function directNats(gpt: Gpt, ids: Int32Array, context: number): number {
  let total = 0;
  for (let p = 1; p < ids.length; p++) {
    const ctx = ids.subarray(Math.max(0, p - context), p);
    const row = tf.tidy(() => {
      const { logits } = gpt.forward(tf.tensor2d(ctx, [1, ctx.length], "int32"));
      return [...logits.slice([0, ctx.length - 1, 0], [1, 1, -1]).dataSync()];
    });
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += lse - row[ids[p]];
  }
  return total;
}

Deno.test("slidingWindowLoss at stride 1 scores every token with its full context, as a direct computation does", async () => {
  const gpt = randomGpt();
  const before = tf.memory().numTensors;
  for (const context of [8, 5]) {
    const r = await slidingWindowLoss(gpt, IDS, { context, stride: 1, batchSize: 3 });
    assert.equal(r.tokens, IDS.length - 1);
    const direct = directNats(gpt, IDS, context);
    assert.ok(
      Math.abs(r.nats - direct) < 1e-4 * direct,
      `context ${context}: ${r.nats} vs ${direct}`,
    );
  }
  assert.equal(tf.memory().numTensors, before, "no tensors leak");
  gpt.dispose();
});

Deno.test("slidingWindowLoss does not depend on the batch size; a text within one context is the plain mean loss", async () => {
  const gpt = randomGpt();
  const one = await slidingWindowLoss(gpt, IDS, { context: 8, stride: 3, batchSize: 1 });
  const many = await slidingWindowLoss(gpt, IDS, { context: 8, stride: 3, batchSize: 4 });
  assert.ok(Math.abs(one.nats - many.nats) < 1e-4);
  assert.equal(one.windows, many.windows);
  // a text shorter than the context is one window: the plain mean loss of the whole sequence
  const short = IDS.subarray(0, 7);
  const r = await slidingWindowLoss(gpt, short, { context: 8, stride: 2 });
  const plain = tf.tidy(() =>
    gpt.loss(
      tf.tensor2d(short.subarray(0, 6), [1, 6], "int32"),
      tf.tensor2d(short.subarray(1), [1, 6], "int32"),
    ).loss.dataSync()[0]
  );
  assert.equal(r.windows, 1);
  assert.ok(Math.abs(r.nats / r.tokens - plain) < 1e-5, `${r.nats / r.tokens} vs ${plain}`);
  gpt.dispose();
});

Deno.test("slidingWindows scores every target exactly once, for any length, context and stride", () => {
  for (const n of [2, 3, 9, 10, 17, 40]) {
    for (const context of [1, 4, 8]) {
      for (let stride = 1; stride <= context; stride++) {
        const len = Math.min(context, n - 1);
        const seen = new Array(n).fill(0);
        for (const w of slidingWindows(n, context, stride)) {
          assert.ok(w.start >= 0 && w.start + len <= n - 1, "windows are full and inside the text");
          for (let t = w.first; t < len; t++) seen[w.start + t + 1]++;
        }
        assert.deepEqual(
          seen.slice(1),
          new Array(n - 1).fill(1),
          `n ${n} context ${context} stride ${stride}`,
        );
        assert.equal(seen[0], 0);
      }
    }
  }
});
