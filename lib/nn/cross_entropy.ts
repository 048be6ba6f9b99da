/**
 * Mean cross-entropy between logits and integer targets, the loss every model
 * here trains on: `mean(logsumexp(logits) − logits[target])`, in nats.
 *
 * One fused op (the engine's `softmaxCrossEntropy`) whose backward pass is
 * the textbook `(softmax(logits) − onehot(target)) / N` — one pass over the
 * logits instead of the chain of ops autodiff would record, and the formula a
 * learner derives by hand.
 *
 * @module
 */
import { softmaxCrossEntropy, tf } from "../engine/mod.ts";

/**
 * Cross-entropy of `logits` (`[..., V]`) against `targets` (int32, `[...]`),
 * averaged over every position.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { crossEntropy } from "./cross_entropy.ts";
 * // uniform logits over 65 symbols: loss = ln 65 ≈ 4.174
 * const loss = crossEntropy(tf.zeros([2, 3, 65]), tf.zeros([2, 3], "int32"));
 * assert.ok(Math.abs(loss.dataSync()[0] - Math.log(65)) < 1e-5);
 * ```
 */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const vocab = logits.shape[logits.rank - 1];
  return tf.tidy(() => {
    const flatLogits = tf.reshape(logits, [-1, vocab]) as tf.Tensor2D;
    const flatTargets = tf.reshape(targets, [-1]) as tf.Tensor1D;
    const ids = flatTargets.dtype === "int32" ? flatTargets : tf.cast(flatTargets, "int32");
    return softmaxCrossEntropy(flatLogits, ids as tf.Tensor1D);
  });
}
