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
 * decay part of {@link learningRate} and of {@link learningRateByTime}.
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

/** Where a time-budgeted run stands, for {@link learningRateByTime}. */
export interface TimeProgress {
  /** Optimizer step about to run (0-based). */
  readonly it: number;
  /** Training seconds so far. */
  readonly seconds: number;
  /** Training seconds when warmup ended (at step `warmupIters`). */
  readonly warmupEndSeconds: number;
  /** The run's time budget in seconds. */
  readonly budget: number;
}

/**
 * The schedule of a run stopped by a time budget: warmup by steps as in
 * {@link learningRate}, then half a cosine from `lr` to `minLr` over the time
 * left after warmup, so the rate is continuous where warmup ends (the cosine
 * starts at its peak then, however much of the budget warmup took).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learningRateByTime } from "./schedule.ts";
 * const s = { lr: 1e-3, minLr: 1e-4, warmupIters: 100, decayIters: 2000 };
 * const at = (it: number, seconds: number) =>
 *   learningRateByTime(s, { it, seconds, warmupEndSeconds: 40, budget: 100 });
 * assert.equal(at(100, 40), 1e-3); // warmup just ended: the peak, no jump
 * assert.ok(Math.abs(at(500, 70) - 5.5e-4) < 1e-12); // half-way through the time left
 * assert.equal(at(900, 100), 1e-4);
 * ```
 */
export function learningRateByTime(s: CosineSchedule, t: TimeProgress): number {
  if (t.it < s.warmupIters) return learningRate(s, t.it);
  const span = t.budget - t.warmupEndSeconds;
  const ratio = span > 0 ? Math.min(1, Math.max(0, (t.seconds - t.warmupEndSeconds) / span)) : 1;
  return cosineDecay(s, ratio);
}
