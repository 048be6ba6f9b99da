import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { Gpt } from "../../lib/models/gpt.ts";
import { DEFAULT_TRAIN } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("GPT training holds the same number of tensors after 1, 100 and 1,000 steps", async () => {
  await initEngine({ backend: "auto" }); // the engine's kernels are what must not leak
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 5000 }, () => rng.int(20));
  const start = tf.memory().numTensors;
  const model = new Gpt({
    vocabSize: 20,
    blockSize: 8,
    nLayer: 1,
    nHead: 2,
    nEmbd: 16,
    dropout: 0.1,
    bias: true,
    tieWeights: true,
  });
  const counts: Record<number, number> = {};
  await train(
    model,
    { train: ids.subarray(0, 4500), val: ids.subarray(4500) },
    {
      ...DEFAULT_TRAIN,
      maxIters: 1000,
      lrDecayIters: 1000,
      warmupIters: 10,
      batchSize: 2,
      evalInterval: 500,
      evalIters: 1,
    },
    {
      onStep: (e) => {
        if (e.step === 1 || e.step === 100 || e.step === 1000) {
          counts[e.step] = tf.memory().numTensors;
        }
      },
    },
  );
  assert.equal(counts[100], counts[1]);
  assert.equal(counts[1000], counts[1]);
  model.dispose();
  assert.equal(tf.memory().numTensors, start, "nothing left once the model is disposed");
});
