/**
 * Estimating a model's loss on a split: the mean cross-entropy (nats per
 * token) over `iters` random batches drawn by an evaluation RNG, with no
 * dropout; recurrent models start every window from a zero state. From it
 * follow perplexity, exp(loss), and bits per character, the one number that
 * compares char, word and BPE models.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { sampleWindows } from "../data/batching.ts";
import type { Rng } from "../rng.ts";
import type { LanguageModel } from "../models/types.ts";

/**
 * Mean loss over `iters` random `[batchSize, blockSize]` windows of `ids`.
 *
 * @example
 * ```ts ignore
 * const val = estimateLoss(model, valIds, { batchSize: 12, blockSize: 64, iters: 20, rng });
 * ```
 */
export function estimateLoss(
  model: LanguageModel,
  ids: Int32Array,
  options: { batchSize: number; blockSize: number; iters: number; rng: Rng },
): number {
  let total = 0;
  for (let i = 0; i < options.iters; i++) {
    total += tf.tidy(() => {
      const { x, y } = sampleWindows(ids, options, options.rng);
      return model.loss(x, y, { training: false }).loss.dataSync()[0];
    });
  }
  return total / options.iters;
}

/**
 * Bits per character from a mean loss in nats per token and the split's
 * characters per token: total bits ÷ characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bitsPerChar } from "./evaluate.ts";
 * // a char model with loss ln 2 nats/token is 1 bit per character
 * assert.equal(bitsPerChar(Math.LN2, 1), 1);
 * // a word model at 4 characters per token spreads its bits over them
 * assert.equal(bitsPerChar(4 * Math.LN2, 4), 1);
 * ```
 */
export function bitsPerChar(lossNatsPerToken: number, charsPerToken: number): number {
  return lossNatsPerToken / Math.LN2 / charsPerToken;
}

/**
 * Perplexity, exp(loss per token).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { perplexity } from "./evaluate.ts";
 * assert.equal(perplexity(0), 1);
 * ```
 */
export function perplexity(lossNatsPerToken: number): number {
  return Math.exp(lossNatsPerToken);
}
