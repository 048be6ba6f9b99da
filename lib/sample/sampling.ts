/**
 * The arithmetic of choosing the next token, in plain JavaScript on one row of
 * logits (no tensors, so every rule can be checked by hand):
 *
 * 1. **temperature** divides the logits: below 1 sharpens the distribution,
 *    above 1 flattens it, 0 means greedy (always the most likely token);
 * 2. **top-k** keeps the k most likely tokens;
 * 3. **softmax** turns the logits into probabilities (the maximum is
 *    subtracted first, so `exp` never overflows);
 * 4. **top-p** (nucleus) keeps the smallest set of most likely tokens whose
 *    probabilities add up to at least p;
 * 5. one uniform draw from the {@link Rng} picks a token from what is left.
 *
 * Ties are broken by the lower token id everywhere (greedy, top-k, top-p), so
 * the result never depends on the sort algorithm.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";

/** The knobs that shape the next-token distribution. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy. Default 1. */
  readonly temperature?: number;
  /** Keep only the k most likely tokens; 0 turns it off. Default 0. */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p; 1 turns it off. Default 1. */
  readonly topP?: number;
}

/** Slack for the running sum in top-p, so float rounding at an exact boundary adds no token. */
const TOP_P_SLACK = 1e-12;

/**
 * The index of the largest value; the lowest index wins a tie.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { argmax } from "./sampling.ts";
 * assert.equal(argmax([0.1, 3, -1, 3]), 1);
 * ```
 */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * Softmax of `logits / temperature` in float64, stable for any finite logits
 * (the maximum is subtracted before `exp`). `-Infinity` logits get probability 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { softmax } from "./sampling.ts";
 * const p = softmax([1000, 1000 + Math.log(3)]);
 * assert.ok(Math.abs(p[0] - 0.25) < 1e-6 && Math.abs(p[1] - 0.75) < 1e-6);
 * ```
 */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  checkLogits(logits);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`softmax needs a finite temperature > 0; got ${temperature}`);
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/**
 * Token ids ordered by value, largest first; ties keep the lower id first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankByValue } from "./sampling.ts";
 * assert.deepEqual(rankByValue([0.2, 0.5, 0.2, 0.1]), [1, 0, 2, 3]);
 * ```
 */
export function rankByValue(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i);
  return order.sort((a, b) => (values[b] - values[a]) || (a - b));
}

/**
 * A copy of `logits` with everything outside the `k` largest set to
 * `-Infinity`. Exactly `k` survive: among equal logits the lower ids are kept.
 * `k` of 0, or at least the vocabulary size, keeps everything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topKFilter } from "./sampling.ts";
 * assert.deepEqual([...topKFilter([1, 5, 3, 5], 2)], [-Infinity, 5, -Infinity, 5]);
 * assert.deepEqual([...topKFilter([2, 2, 2], 1)], [2, -Infinity, -Infinity]);
 * ```
 */
export function topKFilter(logits: ArrayLike<number>, k: number): Float64Array {
  const out = Float64Array.from(logits);
  if (k <= 0 || k >= out.length) return out;
  const keep = new Uint8Array(out.length);
  for (const id of rankByValue(out).slice(0, k)) keep[id] = 1;
  for (let i = 0; i < out.length; i++) if (!keep[i]) out[i] = -Infinity;
  return out;
}

/**
 * Nucleus filtering: sorts the tokens by probability (largest first, ties by
 * lower id), keeps the shortest prefix whose cumulative probability reaches
 * `p`, and renormalises. At least one token always survives; `p` of 1 keeps
 * everything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { topPFilter } from "./sampling.ts";
 * // 0.5 + 0.25 reaches 0.75 exactly: two tokens, renormalised
 * assert.deepEqual([...topPFilter([0.125, 0.5, 0.125, 0.25], 0.75)], [0, 2 / 3, 0, 1 / 3]);
 * ```
 */
export function topPFilter(probs: ArrayLike<number>, p: number): Float64Array {
  const out = Float64Array.from(probs);
  if (p >= 1) return out;
  let total = 0;
  for (const v of out) total += v;
  const keep = new Uint8Array(out.length);
  let kept = 0;
  for (const id of rankByValue(out)) {
    keep[id] = 1;
    kept += out[id];
    if (kept >= (p - TOP_P_SLACK) * total) break;
  }
  for (let i = 0; i < out.length; i++) out[i] = keep[i] ? out[i] / kept : 0;
  return out;
}

/**
 * The distribution the sampler draws from: temperature, then top-k, then
 * softmax, then top-p. Temperature 0 gives a one-hot vector on the greedy
 * choice. Options are assumed valid (see `generate` for validation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { samplingDistribution } from "./sampling.ts";
 * const logits = new Float32Array([2, 1, 0, -1]);
 * assert.deepEqual([...samplingDistribution(logits, { temperature: 0 })], [1, 0, 0, 0]);
 * const p = samplingDistribution(logits, { topK: 2 });
 * assert.equal(p[2] + p[3], 0);
 * assert.ok(Math.abs(p[0] - Math.E / (Math.E + 1)) < 1e-6);
 * ```
 */
export function samplingDistribution(
  logits: ArrayLike<number>,
  options: SamplingOptions = {},
): Float64Array {
  checkLogits(logits);
  const temperature = options.temperature ?? 1;
  if (temperature === 0) {
    const out = new Float64Array(logits.length);
    out[argmax(logits)] = 1;
    return out;
  }
  const filtered = topKFilter(logits, options.topK ?? 0);
  return topPFilter(softmax(filtered, temperature), options.topP ?? 1);
}

/**
 * Draws a token id from probabilities (which need not sum to exactly 1) with
 * one uniform number from `rng`. Ids with probability 0 are never drawn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleIndex } from "./sampling.ts";
 * import { Rng } from "../rng.ts";
 * const rng = new Rng(1);
 * assert.equal(sampleIndex([0, 0, 1, 0], rng), 2);
 * ```
 */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] > 0) {
      total += probs[i];
      last = i;
    }
  }
  if (last < 0) throw new RangeError("sampleIndex needs at least one positive probability");
  const target = rng.next() * total;
  let cumulative = 0;
  for (let i = 0; i <= last; i++) {
    if (probs[i] > 0) {
      cumulative += probs[i];
      if (target < cumulative) return i;
    }
  }
  return last; // rounding left target just above the running sum
}

/**
 * Picks the next token from one row of logits: the argmax when `greedy` is set
 * or the temperature is 0 (no random number is drawn), else a draw from
 * {@link samplingDistribution}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pickToken } from "./sampling.ts";
 * import { Rng } from "../rng.ts";
 * const logits = new Float32Array([0, 4, 1]);
 * assert.equal(pickToken(logits, { greedy: true }, new Rng(0)), 1);
 * assert.equal(pickToken(logits, { topK: 1 }, new Rng(0)), 1);
 * ```
 */
export function pickToken(
  logits: ArrayLike<number>,
  options: SamplingOptions & { readonly greedy?: boolean },
  rng: Rng,
): number {
  if (options.greedy || options.temperature === 0) {
    checkLogits(logits);
    return argmax(logits);
  }
  return sampleIndex(samplingDistribution(logits, options), rng);
}

/**
 * Refuses logits a sampler cannot use: NaN or +Infinity anywhere, or nothing
 * but -Infinity. A model that produces them has diverged or its checkpoint is
 * damaged, which the user fixes by retraining or loading another checkpoint.
 */
function checkLogits(logits: ArrayLike<number>): void {
  if (logits.length === 0) throw new RangeError("cannot sample from an empty vocabulary");
  let anyFinite = false;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (Number.isNaN(v) || v === Infinity) {
      throw new InputError(
        `the model produced a ${v} logit for token ${i}; its weights are broken ` +
          `(training diverged?): load an earlier checkpoint or retrain with a lower learning rate`,
      );
    }
    if (v !== -Infinity) anyFinite = true;
  }
  if (!anyFinite) throw new RangeError("every logit is -Infinity: no token can be sampled");
}
