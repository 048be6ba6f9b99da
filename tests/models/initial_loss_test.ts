/**
 * The first loss a learner sees: every model starts near ln V (README, "What a
 * good loss looks like"), except the tied-embedding Transformer, whose
 * measured excess README and notebook 4 explain (its output still points at
 * its own input token: √C-scaled embedding, tied output, layer norm).
 */
import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { getModelSpec, getPreset } from "../../lib/presets/registry.ts";
import type { BaseConfig } from "../../lib/models/types.ts";
import { Rng } from "../../lib/rng.ts";

await initEngine({ backend: "auto" });

const V = 512;
const B = 4;

function randomIds(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng.next() * V));
}

/** Initial loss and mean logit of each position's own input token, default preset at vocabulary V. */
function atInit(
  model: string,
  over: Record<string, unknown> = {},
): { loss: number; inputLogit: number; C: number } {
  const spec = getModelSpec(model);
  const preset = getPreset(spec, "default");
  const T = Math.min(32, preset.model.blockSize);
  const config = { ...preset.model, dropout: 0, ...over, vocabSize: V } as BaseConfig;
  const m = spec.create(config, 1337);
  const rng = new Rng(7);
  try {
    return tf.tidy(() => {
      const ids = tf.tensor2d(randomIds(rng, B * T), [B, T], "int32");
      const targets = tf.tensor2d(randomIds(rng, B * T), [B, T], "int32");
      const loss = m.loss(ids, targets).loss.dataSync()[0];
      const logits = tf.reshape(m.forward(ids).logits, [-1, V]);
      const own = tf.sum(tf.mul(logits, tf.oneHot(tf.reshape(ids, [-1]), V)), 1);
      const c = (config as unknown as { nEmbd?: number }).nEmbd ?? 0;
      return { loss, inputLogit: tf.mean(own).dataSync()[0], C: c };
    });
  } finally {
    m.dispose();
  }
}

for (const model of ["char-rnn", "word-rnn", "lstm-attention", "gpt"]) {
  Deno.test(`${model} (default preset) starts within 0.3 of ln V`, () => {
    const { loss } = atInit(model);
    assert.ok(Math.abs(loss - Math.log(V)) < 0.3, `${model}: ${loss} vs ln V ${Math.log(V)}`);
  });
}

Deno.test("the Transformer starts at ln V untied; tied, its excess is the copy logit of √C-scaled embeddings", () => {
  const untied = atInit("transformer", { tieWeights: false });
  assert.ok(Math.abs(untied.loss - Math.log(V)) < 0.3, `untied: ${untied.loss}`);
  const tied = atInit("transformer");
  // the measured cause: each position's own input token gets a logit of order √C (C = 128)
  assert.ok(tied.inputLogit > 0.5 * Math.sqrt(tied.C), `input-token logit ${tied.inputLogit}`);
  assert.ok(tied.loss > Math.log(V) + 1, `tied: ${tied.loss}`);
  // and nearly all of the excess is that one logit: softmax over V − 1 unit logits plus it
  const predicted = Math.log((V - 1) * Math.exp(0.5) + Math.exp(tied.inputLogit));
  assert.ok(Math.abs(tied.loss - predicted) < 0.5, `tied ${tied.loss} vs predicted ${predicted}`);
});
