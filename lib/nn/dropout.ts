/**
 * Dropout: in training, zero each value with probability `rate` and scale the
 * rest by 1/(1 − rate), so the expected value is unchanged; at evaluation,
 * the identity. The mask's seed comes from our {@link Rng}, so a run's
 * dropout masks are reproducible.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Rng } from "../rng.ts";

/**
 * Applies dropout when `training` and `rate > 0`; otherwise returns `x`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { dropout } from "./dropout.ts";
 * import { Rng } from "../rng.ts";
 * const x = tf.ones([1000]);
 * const y = dropout(x, 0.5, { training: true, rng: new Rng(0) });
 * const kept = Array.from(y.dataSync()).filter((v) => v !== 0);
 * assert.ok(kept.every((v) => v === 2) && Math.abs(kept.length - 500) < 60);
 * assert.equal(dropout(x, 0.5, { training: false, rng: new Rng(0) }), x);
 * ```
 */
export function dropout(
  x: tf.Tensor,
  rate: number,
  options: { training: boolean; rng: Rng },
): tf.Tensor {
  if (!options.training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, options.rng.nextUint32());
}
