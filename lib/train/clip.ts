/**
 * Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_` does:
 * the norm of all gradients together, as if concatenated into one vector; if
 * it exceeds `maxNorm`, every gradient is scaled by `maxNorm / (norm + 1e-6)`.
 * Everything stays on the backend (no read-back), so it costs no sync.
 * {@link globalNormClipOps} is that in tfjs ops; on the engine's backends the
 * norm and the scaling are one fused kernel (`fusedGlobalNormClip`,
 * `lib/engine/optimizer.ts`), which `tests/engine/optimizer_test.ts` checks
 * against it.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedGlobalNormClip } from "../engine/optimizer.ts";

/**
 * The maths: with `norm = √Σ‖g‖²`, every gradient is scaled by
 * `min(1, maxNorm / (norm + 1e-6))`, in tfjs ops. Returns the norm and new
 * tensors.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { globalNormClipOps } from "./clip.ts";
 * const { norm, clipped } = globalNormClipOps([tf.tensor1d([3, 0]), tf.tensor1d([4])], 1);
 * assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
 * assert.ok(Math.abs(clipped[1].dataSync()[0] - 0.8) < 1e-6);
 * ```
 */
export function globalNormClipOps(
  grads: readonly tf.Tensor[],
  maxNorm: number,
): { norm: tf.Scalar; clipped: tf.Tensor[] } {
  const [norm, ...clipped] = tf.tidy(() => {
    const squares = grads.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(squares.length ? tf.addN(squares) : tf.scalar(0));
    const coef = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return [norm, ...grads.map((g) => tf.mul(g, coef))];
  });
  return { norm: norm as tf.Scalar, clipped };
}

/**
 * Clips a list of gradients by their global norm: {@link globalNormClipOps},
 * or the engine's fused kernel where it has one (its clipped tensors share
 * the inputs' memory when nothing is scaled).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { globalNormClip } from "./clip.ts";
 * const { norm, clipped } = globalNormClip([tf.tensor1d([3, 0]), tf.tensor1d([4])], 1);
 * assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
 * assert.ok(Math.abs(clipped[1].dataSync()[0] - 0.8) < 1e-6);
 * ```
 */
export function globalNormClip(
  grads: readonly tf.Tensor[],
  maxNorm: number,
): { norm: tf.Scalar; clipped: tf.Tensor[] } {
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/optimizer_test.ts checks both); null where it has none.
  return fusedGlobalNormClip(grads, maxNorm) ?? globalNormClipOps(grads, maxNorm);
}

/**
 * Clips gradients by their global norm. Returns new gradient tensors (the
 * inputs are not disposed) and the norm before clipping, as a scalar tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { clipByGlobalNorm } from "./clip.ts";
 * const grads = new Map([["a", tf.tensor1d([3, 0])], ["b", tf.tensor1d([4])]]);
 * const { clipped, norm } = clipByGlobalNorm(grads, 1);
 * assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
 * assert.ok(Math.abs(clipped.get("b")!.dataSync()[0] - 0.8) < 1e-6);
 * tf.dispose([...grads.values(), ...clipped.values(), norm]);
 * ```
 */
export function clipByGlobalNorm(
  grads: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): { clipped: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const names = [...grads.keys()];
  const { norm, clipped } = globalNormClip([...grads.values()], maxNorm);
  return { clipped: new Map(names.map((n, i) => [n, clipped[i]])), norm };
}
