/**
 * Mean cross-entropy between logits and integer targets, the loss every model
 * here trains on: `mean(logsumexp(logits) − logits[target])`, in nats.
 *
 * {@link softmaxCrossEntropyOps} is that loss in tfjs ops, with the textbook
 * backward pass `(softmax(logits) − onehot(target)) / N` written out (the
 * formula a learner derives by hand, instead of the chain of ops autodiff
 * would record). On the engine's backends the same loss runs as one fused
 * op, one pass over the logits each way (`fusedSoftmaxCrossEntropy`,
 * `lib/engine/cross_entropy.ts`); `tests/engine/cross_entropy_test.ts` checks
 * both against a float64 reference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedSoftmaxCrossEntropy } from "../engine/cross_entropy.ts";

/**
 * The maths: mean cross-entropy of `logits` (`[N, V]`) against `targets`
 * (`[N]`) in tfjs ops, with the hand-written gradient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { softmaxCrossEntropyOps } from "./cross_entropy.ts";
 * const loss = softmaxCrossEntropyOps(tf.zeros([3, 4]), tf.tensor1d([0, 1, 2], "int32"));
 * assert.ok(Math.abs(loss.dataSync()[0] - Math.log(4)) < 1e-6);
 * ```
 */
export function softmaxCrossEntropyOps(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const vocab = logits.shape[1];
  const f = tf.customGrad((x, save) => {
    const logProbs = tf.logSoftmax(x as tf.Tensor2D);
    const oneHot = tf.oneHot(tf.cast(targets, "int32"), vocab);
    const value = tf.neg(tf.mean(tf.sum(tf.mul(logProbs, oneHot), -1)));
    (save as (tensors: tf.Tensor[]) => void)([logProbs, oneHot]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [lp, oh] = saved;
        return tf.mul(tf.sub(tf.exp(lp), oh), tf.div(dy, lp.shape[0]));
      },
    };
  });
  return f(logits) as tf.Scalar;
}

/**
 * Mean cross-entropy (nats) of `logits` (`[N, V]`) against `targets` (int32
 * `[N]`): {@link softmaxCrossEntropyOps}, or the engine's fused kernel, which
 * computes the same in one op, where it has one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { softmaxCrossEntropy } from "./cross_entropy.ts";
 * const loss = softmaxCrossEntropy(tf.zeros([3, 4]), tf.tensor1d([0, 1, 2], "int32"));
 * assert.ok(Math.abs(loss.dataSync()[0] - Math.log(4)) < 1e-6);
 * ```
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new Error(
      `softmaxCrossEntropy: logits [N, V] and targets [N] expected; got [${logits.shape}] and [${targets.shape}]`,
    );
  }
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/cross_entropy_test.ts checks both); null where it has none.
  return fusedSoftmaxCrossEntropy(logits, targets) ?? softmaxCrossEntropyOps(logits, targets);
}

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
