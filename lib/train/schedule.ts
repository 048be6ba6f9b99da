/**
 * The learning-rate schedule nanoGPT uses: linear warmup, then cosine decay
 * to a floor, then the floor.
 *
 * @module
 */

/** Warmup + cosine schedule settings. */
export interface CosineSchedule {
  /** Peak learning rate, reached at the end of warmup. */
  readonly lr: number;
  /** Final learning rate. */
  readonly minLr: number;
  /** Steps of linear warmup. */
  readonly warmupIters: number;
  /** Step at which the cosine reaches `minLr` (the schedule's length). */
  readonly decayIters: number;
}

/**
 * Learning rate at step `it` (0-based): `lr·(it+1)/(warmup+1)` during warmup,
 * then half a cosine from `lr` down to `minLr` at `decayIters`, then `minLr`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRate } from "./schedule.ts";
 * const s = { lr: 1e-3, minLr: 1e-4, warmupIters: 100, decayIters: 2000 };
 * assert.equal(learningRate(s, 99), 1e-3 * 100 / 101);
 * assert.equal(learningRate(s, 100), 1e-3);
 * assert.equal(learningRate(s, 2000), 1e-4);
 * ```
 */
export function learningRate(s: CosineSchedule, it: number): number {
  if (it < s.warmupIters) return s.lr * (it + 1) / (s.warmupIters + 1);
  if (it >= s.decayIters) return s.minLr;
  return cosineDecay(s, (it - s.warmupIters) / Math.max(1, s.decayIters - s.warmupIters));
}

/**
 * Half a cosine from `lr` (at `ratio` 0) down to `minLr` (at `ratio` 1): the
 * decay part of {@link learningRate}, also used when the schedule runs on the
 * fraction of a time budget spent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cosineDecay } from "./schedule.ts";
 * assert.equal(cosineDecay({ lr: 1, minLr: 0 }, 0), 1);
 * assert.equal(cosineDecay({ lr: 1, minLr: 0 }, 0.5), 0.5);
 * ```
 */
export function cosineDecay(
  s: { readonly lr: number; readonly minLr: number },
  ratio: number,
): number {
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (s.lr - s.minLr);
}
