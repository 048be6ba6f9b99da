/**
 * The probability of every possible next token, for plots and exploration in
 * the notebooks ("what does the model think comes after `To be or not to`?").
 *
 * @module
 */
import type { LanguageModel } from "../models/types.ts";
import { lastLogits } from "./model_stepper.ts";
import { validatePrompt, validateSampling } from "./options.ts";
import { samplingDistribution, type SamplingOptions } from "./sampling.ts";

/** Options for {@link nextTokenDistribution}: the sampler's knobs. */
export interface NextTokenOptions extends SamplingOptions {
  /** Put all probability on the most likely token (same as temperature 0). */
  readonly greedy?: boolean;
}

/**
 * The distribution `generate()` would draw the next token from after `ids`,
 * as a `Float32Array` of `vocabSize` probabilities summing to 1: temperature,
 * top-k and top-p applied (by default none: the model's own softmax). The
 * context is cropped to the model's `maxContext`; recurrent models start
 * from a zero state. No tensor outlives the call.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { nextTokenDistribution } from "./next_token.ts";
 * import type { LanguageModel } from "../models/types.ts";
 * // a stand-in model: logit 2 for "the same id again", 0 elsewhere
 * const model = {
 *   name: "gpt", recurrent: false, maxContext: 4, config: { vocabSize: 3, blockSize: 4 },
 *   forward: (ids: tf.Tensor2D) => ({ logits: tf.mul(tf.oneHot(ids, 3), 2) as tf.Tensor3D }),
 * } as unknown as LanguageModel;
 * const p = nextTokenDistribution(model, [0, 1]);
 * const e2 = Math.exp(2);
 * assert.ok(Math.abs(p[1] - e2 / (e2 + 2)) < 1e-6);
 * assert.deepEqual([...nextTokenDistribution(model, [0, 1], { topK: 1 })], [0, 1, 0]);
 * ```
 */
export function nextTokenDistribution(
  model: LanguageModel,
  ids: readonly number[],
  options: NextTokenOptions = {},
): Float32Array {
  validateSampling(options);
  validatePrompt(ids, model.config.vocabSize);
  const window = model.maxContext === undefined ? ids : ids.slice(-model.maxContext);
  const { logits } = lastLogits(model, window);
  let values: Float32Array;
  try {
    values = logits.dataSync() as Float32Array;
  } finally {
    logits.dispose();
  }
  const shaped = options.greedy ? { temperature: 0 } : options;
  return Float32Array.from(samplingDistribution(values, shaped));
}
