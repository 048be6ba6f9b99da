/**
 * Mean cross-entropy between logits and integer targets, the loss every model
 * here trains on: `mean(logsumexp(logits) − logits[target])`, in nats.
 *
 * Written as one custom-gradient op: the backward pass is the textbook
 * `(softmax(logits) − onehot(target)) / N`, one subtraction instead of the
 * chain of ops autodiff would record — faster, and the formula a learner
 * derives by hand.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

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
    return crossEntropyOp(flatLogits, flatTargets);
  });
}

const crossEntropyOp = (logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar => {
  const vocab = logits.shape[1];
  const f = tf.customGrad((x, save) => {
    const input = x as tf.Tensor2D;
    const logProbs = tf.logSoftmax(input); // (N, V)
    const oneHot = tf.oneHot(targets, vocab);
    const value = tf.neg(tf.mean(tf.sum(tf.mul(logProbs, oneHot), -1)));
    (save as (tensors: tf.Tensor[]) => void)([logProbs, oneHot]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, oh] = saved;
        const n = lp.shape[0];
        return tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, n));
      },
    };
  });
  return f(logits) as tf.Scalar;
};
