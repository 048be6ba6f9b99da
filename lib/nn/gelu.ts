/**
 * GELU, the activation of the Transformer's feed-forward layer, in GPT-2's
 * tanh form:
 *
 *     gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 *
 * {@link geluOps} is that formula in tfjs ops (autodiff derives its
 * gradient). On the engine's backends the same GELU runs as one fused op
 * with a hand-written gradient (`fusedGelu`, `lib/engine/gelu.ts`);
 * `tests/engine/gelu_test.ts` checks both against a float64 reference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedGelu } from "../engine/gelu.ts";

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/**
 * The maths: GPT-2's tanh GELU in tfjs ops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { geluOps } from "./gelu.ts";
 * const y = geluOps(tf.tensor1d([-1, 0, 1])).dataSync();
 * assert.ok(Math.abs(y[2] - 0.841192) < 1e-5 && y[1] === 0);
 * ```
 */
export function geluOps(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.mul(x, tf.add(tf.mul(tf.square(x), A), 1)), C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/**
 * GELU (tanh approximation, as GPT-2 and nanoGPT): {@link geluOps}, or the
 * engine's fused kernel, which computes the same in one op, where it has one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { gelu } from "./gelu.ts";
 * const y = gelu(tf.tensor1d([-1, 0, 1])).dataSync();
 * assert.ok(Math.abs(y[2] - 0.841192) < 1e-5 && y[1] === 0);
 * ```
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/gelu_test.ts checks both); null where it has none.
  return fusedGelu(x) ?? geluOps(x);
}
