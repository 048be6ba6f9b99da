import assert from "node:assert/strict";
import { tf } from "../../lib/engine/tf.ts";
import type { LanguageModel } from "../../lib/models/types.ts";
import { Rng } from "../../lib/rng.ts";
import { generate } from "../../lib/sample/generate.ts";
import { nextTokenDistribution } from "../../lib/sample/next_token.ts";
import { pickToken, type SamplingOptions, softmax } from "../../lib/sample/sampling.ts";
import { CounterRnn, MeanAttentionModel, MeanCache } from "../_helpers/fake_models.ts";

/** Logits after the whole (cropped) context, straight from model.forward, no state or cache. */
function fullContextLogits(model: LanguageModel, context: number[]): Float32Array {
  const window = model.maxContext === undefined ? context : context.slice(-model.maxContext);
  return tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d([window], undefined, "int32"));
    const last = logits.shape[1] - 1;
    return tf.slice(logits, [0, last, 0], [1, 1, -1]).dataSync() as Float32Array;
  });
}

/** The naive sampler: re-reads the whole context for every token. */
function reference(
  model: LanguageModel,
  prompt: number[],
  n: number,
  options: SamplingOptions & { greedy?: boolean; seed: number },
): number[] {
  const rng = new Rng(options.seed);
  const context = [...prompt];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = pickToken(fullContextLogits(model, context), options, rng);
    context.push(id);
    out.push(id);
  }
  return out;
}

Deno.test("generate() crops a prompt longer than maxContext from the left, once", async () => {
  const model = new MeanAttentionModel({ maxContext: 6, seed: 2 });
  try {
    const prompt = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const result = await generate(model, prompt, { maxNewTokens: 12, seed: 1 });
    assert.ok(result.promptCropped);
    assert.deepEqual(model.calls[0].ids, [5, 6, 7, 8, 9, 10]);
    assert.ok(model.calls.every((c) => c.ids.length <= 6));
    assert.deepEqual(result.ids, reference(model, prompt, 12, { seed: 1 }));
    // the cropped prompt gives what the window alone gives
    assert.deepEqual(
      (await generate(model, prompt.slice(-6), { maxNewTokens: 12, seed: 1 })).ids,
      result.ids,
    );
    const short = await generate(model, prompt.slice(-6), { maxNewTokens: 1, seed: 1 });
    assert.equal(short.promptCropped, false);
  } finally {
    model.dispose();
  }
});

Deno.test("generate() carries a recurrent state and matches re-running the full context", async () => {
  const model = new CounterRnn({ seed: 4, vocabSize: 9 });
  try {
    const prompt = [3, 1, 4, 1, 5];
    for (const options of [{ greedy: true, seed: 0 }, { seed: 11, temperature: 0.9, topK: 5 }]) {
      model.calls.length = 0;
      const result = await generate(model, prompt, { maxNewTokens: 25, ...options });
      assert.deepEqual(result.ids, reference(model, prompt, 25, options));
      // the prompt is read once, then one token per step with the carried state
      const calls = model.calls.slice(0, 25);
      assert.deepEqual(calls[0], { ids: prompt, withState: false, cacheLength: undefined });
      for (const [i, call] of calls.slice(1).entries()) {
        assert.deepEqual(call, { ids: [result.ids[i]], withState: true, cacheLength: undefined });
      }
    }
    // the state matters: the same last token after another history gives other tokens
    const full = await generate(model, prompt, { maxNewTokens: 10, greedy: true });
    const last = await generate(model, prompt.slice(-1), { maxNewTokens: 10, greedy: true });
    assert.notDeepEqual(full.ids, last.ids);
  } finally {
    model.dispose();
  }
});

Deno.test("generate() with a KV cache gives the same tokens as without, across the context limit", async () => {
  const cached = new MeanAttentionModel({ maxContext: 6, seed: 3, cache: true });
  const plain = new MeanAttentionModel({ maxContext: 6, seed: 3 });
  try {
    for (const prompt of [[1, 2, 3], [5], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      for (const options of [{ greedy: true }, { seed: 5 }, { seed: 6, topP: 0.8 }]) {
        cached.calls.length = 0;
        const a = await generate(cached, prompt, { maxNewTokens: 20, ...options });
        const b = await generate(plain, prompt, { maxNewTokens: 20, ...options });
        assert.deepEqual(a.ids, b.ids);
        assert.equal(a.promptCropped, prompt.length > 6);
        assert.equal(a.promptCropped, b.promptCropped);
      }
    }
    // the cache path reads the prompt once, then one token per step until the cache is full
    cached.calls.length = 0;
    const r = await generate(cached, [1, 2, 3], { maxNewTokens: 8, seed: 1 });
    const shape = cached.calls.map((c) => [c.ids.length, c.cacheLength]);
    assert.deepEqual(shape, [[3, 0], [1, 3], [1, 4], [1, 5], [6, 0], [6, 0], [6, 0], [6, 0]]);
    assert.deepEqual(cached.calls[4].ids, [2, 3, ...r.ids.slice(0, 4)]);
    assert.equal(MeanCache.live, 0);
  } finally {
    cached.dispose();
    plain.dispose();
  }
});

Deno.test("generate() leaks no tensor and no cache (recurrent, cached, windowed, stopped, thrown)", async () => {
  const models: LanguageModel[] = [
    new CounterRnn({ seed: 1 }),
    new MeanAttentionModel({ maxContext: 5, cache: true }),
    new MeanAttentionModel({ maxContext: 5 }),
  ];
  try {
    for (const model of models) {
      const before = tf.memory().numTensors;
      await generate(model, [1, 2, 3, 4, 5, 6, 7], { maxNewTokens: 12, seed: 2 });
      await generate(model, [1], { maxNewTokens: 12, greedy: true, onToken: (_, i) => i < 3 });
      await generate(model, [1], {
        maxNewTokens: 12,
        seed: 3,
        decode: (ids) => ids.join(","),
        stopStrings: [","],
      });
      await assert.rejects(
        generate(model, [1, 2], {
          maxNewTokens: 12,
          onToken: (_, i) => {
            if (i === 2) throw new Error("boom");
          },
        }),
        /boom/,
      );
      assert.equal(tf.memory().numTensors, before, `${model.name} leaked tensors`);
      assert.equal(MeanCache.live, 0);
    }
  } finally {
    for (const model of models) model.dispose();
  }
});

Deno.test("nextTokenDistribution() is the softmax of the last logits, shaped like generate's", () => {
  const model = new MeanAttentionModel({ maxContext: 4, seed: 7, vocabSize: 13 });
  try {
    const before = tf.memory().numTensors;
    const context = [1, 2, 3, 4, 5, 6];
    const p = nextTokenDistribution(model, context);
    assert.ok(p instanceof Float32Array && p.length === 13);
    const expected = softmax(fullContextLogits(model, context));
    for (let i = 0; i < 13; i++) assert.ok(Math.abs(p[i] - expected[i]) < 1e-6);
    assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    assert.deepEqual(model.calls.at(-2)?.ids, [3, 4, 5, 6]); // cropped to maxContext

    const top3 = nextTokenDistribution(model, context, { topK: 3, temperature: 0.5 });
    assert.equal(top3.filter((v) => v > 0).length, 3);
    const greedy = nextTokenDistribution(model, context, { greedy: true });
    assert.equal(greedy.filter((v) => v === 1).length, 1);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});

Deno.test("nextTokenDistribution() of a recurrent model starts from a zero state", () => {
  const model = new CounterRnn({ seed: 2 });
  try {
    const p = nextTokenDistribution(model, [1, 2, 3]);
    const expected = softmax(fullContextLogits(model, [1, 2, 3]));
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - expected[i]) < 1e-6);
  } finally {
    model.dispose();
  }
});
