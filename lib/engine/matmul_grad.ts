/**
 * The gradient of `BatchMatMul` (`tf.matMul`) with batch broadcasting.
 * tfjs's own gradient returns one gradient per output batch entry, so
 * `tf.matMul([B, T, C], [C, N])` fails in training ("the gradient of input 'b'
 * has shape [B, C, N]"). This one sums the gradient back onto the input's
 * shape, and computes the common weight gradient of `[B, T, C]·[C, N]` as
 * one `[B·T, C]ᵀ·[B·T, N]` product.
 *
 * @module
 */
// tfjs-core directly (not ./tf.ts): tf.ts registers these gradients when it loads.
import * as tf from "@tensorflow/tfjs-core";

/** The gradient config registered for `BatchMatMul` by `initEngine`. */
export const batchMatMulGrad: tf.GradConfig = {
  kernelName: "BatchMatMul",
  inputsToSave: ["a", "b"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [a, b] = saved;
    const dyT = dy as tf.Tensor;
    const { transposeA: tA, transposeB: tB } = attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
    };
    return {
      a: () => reduceTo(gradA(dyT, b, tA, tB), a.shape),
      b: () => reduceTo(gradB(dyT, a, b, tA, tB), b.shape),
    };
  },
};

function gradA(dy: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): tf.Tensor {
  if (!tA) return tf.matMul(dy, b, false, !tB); // [.., M, K]
  return tB ? tf.matMul(b, dy, true, true) : tf.matMul(b, dy, false, true); // [.., K, M]
}

function gradB(dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): tf.Tensor {
  const bShared = b.shape.slice(0, -2).every((d) => d === 1);
  if (bShared && !tA && a.rank > 2) {
    // Fold the batch into rows: one large product instead of a batch of small ones.
    const k = a.shape[a.rank - 1], n = dy.shape[dy.rank - 1];
    const a2 = tf.reshape(a, [-1, k]), dy2 = tf.reshape(dy, [-1, n]);
    return tB ? tf.matMul(dy2, a2, true, false) : tf.matMul(a2, dy2, true, false);
  }
  if (!tB) return tA ? tf.matMul(a, dy, false, false) : tf.matMul(a, dy, true, false);
  return tA ? tf.matMul(dy, a, true, true) : tf.matMul(dy, a, true, false);
}

/** Sums `g` over the batch dimensions its input was broadcast along. */
export function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  if (tf.util.arraysEqual(g.shape, shape)) return g;
  const batch = shape.slice(0, -2);
  const gBatch = g.shape.slice(0, -2);
  const axes = tf.backend_util.getReductionAxes(batch, gBatch);
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(summed, shape);
}
