/**
 * Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_` does:
 * the norm of all gradients together, as if concatenated into one vector; if
 * it exceeds `maxNorm`, every gradient is scaled by `maxNorm / (norm + 1e-6)`.
 * Everything stays on the backend (no read-back), so it costs no sync; on the
 * engine's backends the norm and the scaling are one fused kernel.
 *
 * @module
 */
import { globalNormClip, type tf } from "../engine/mod.ts";

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
