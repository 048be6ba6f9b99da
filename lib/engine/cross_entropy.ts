/**
 * Mean softmax cross-entropy of `[N, V]` logits against `N` integer targets
 * as one fused op with a hand-written gradient:
 *
 *     loss = mean_n(logsumexp(logits[n]) − logits[n, target[n]])
 *     ∂logits = (softmax(logits) − onehot(target)) · ∂loss / N
 *
 * In tfjs ops that is a log-softmax, a one-hot, a product and two reductions
 * forward and four more ops backward; fused it is one pass over the logits
 * each way (the backward pass recomputes the softmax). A target outside
 * `[0, V)` contributes `logsumexp` alone (its one-hot row is zero), as
 * `tf.oneHot` would make it.
 *
 * The same loss in plain tfjs ops, and the function the models call, is
 * `lib/nn/cross_entropy.ts`; where this kernel is not registered
 * {@link fusedSoftmaxCrossEntropy} answers null and that runs instead.
 * `tests/engine/cross_entropy_test.ts` checks both against a float64
 * reference.
 *
 * @module
 */
import type { Heap } from "./heap.ts";
import { loops } from "./loops.ts";
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel names of the fused cross-entropy and its gradient. */
export const CROSS_ENTROPY = "LmfsCrossEntropy";
export const CROSS_ENTROPY_GRAD = "LmfsCrossEntropyGrad";

/**
 * The fused kernel for the mean cross-entropy (nats) of `logits` (`[N, V]`)
 * against `targets` (int32 `[N]`, shapes already checked by the caller); null
 * where the engine has no kernel for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedSoftmaxCrossEntropy, initEngine, tf } from "./mod.ts";
 * await initEngine({ backend: "cpu" });
 * const loss = fusedSoftmaxCrossEntropy(tf.zeros([3, 4]), tf.tensor1d([0, 1, 2], "int32"))!;
 * assert.ok(Math.abs(loss.dataSync()[0] - Math.log(4)) < 1e-6);
 * ```
 */
export function fusedSoftmaxCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
): tf.Scalar | null {
  if (
    logits.dtype === "float32" && targets.dtype === "int32" &&
    tf.getKernel(CROSS_ENTROPY, tf.getBackend())
  ) {
    return tf.engine().runKernel(CROSS_ENTROPY, { logits, targets }) as tf.Scalar;
  }
  return null;
}

/** The gradient config of the fused cross-entropy (registered by `initEngine`). */
export const crossEntropyGrad: tf.GradConfig = {
  kernelName: CROSS_ENTROPY,
  inputsToSave: ["logits", "targets"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
    const [logits, targets] = saved;
    return {
      logits: () =>
        tf.engine().runKernel(CROSS_ENTROPY_GRAD, {
          dy: dy as tf.Tensor,
          logits,
          targets,
        }) as tf.Tensor,
      targets: () => tf.zeros(targets.shape),
    };
  },
};

/** Each row's logsumexp, as a float64 array (a scratch tensor holds the SIMD loop's row stats). */
function logSumExp(heap: Heap, logits: tf.TensorInfo): Float64Array {
  const [n, v] = logits.shape;
  const stats = heap.alloc([n, 2], "float32");
  loops(heap).rowSoftmaxStats(heap.slab(logits), n, v, heap.slab(stats));
  const s = heap.f32(stats);
  const lse = Float64Array.from({ length: n }, (_, r) => s[2 * r] + Math.log(s[2 * r + 1]));
  heap.free(stats);
  return lse;
}

/** Kernel: the mean loss, a float32 scalar. */
export function crossEntropyKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { logits, targets } = args.inputs as { logits: tf.TensorInfo; targets: tf.TensorInfo };
    const [n, v] = logits.shape;
    const heap = ctx.heap(args.backend);
    const lse = logSumExp(heap, logits);
    const out = heap.alloc([], "float32");
    const x = heap.f32(logits), t = heap.i32(targets);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const target = t[r];
      total += lse[r] - (target >= 0 && target < v ? x[r * v + target] : 0);
    }
    heap.f32(out)[0] = n === 0 ? NaN : total / n;
    return out;
  };
}

/** Kernel: `∂logits = (softmax − onehot) · dy / N`. */
export function crossEntropyGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, logits, targets } = args.inputs as {
      dy: tf.TensorInfo;
      logits: tf.TensorInfo;
      targets: tf.TensorInfo;
    };
    const [n, v] = logits.shape;
    const heap = ctx.heap(args.backend);
    const lse = logSumExp(heap, logits);
    const lseT = heap.alloc([n], "float32");
    const out = heap.alloc(logits.shape, "float32");
    heap.f32(lseT).set(lse);
    const c = heap.f32(dy)[0] / n;
    loops(heap).rowSoftmaxScaled(heap.slab(logits), heap.slab(lseT), n, v, heap.slab(out), c);
    heap.free(lseT);
    const g = heap.f32(out), t = heap.i32(targets);
    for (let r = 0; r < n; r++) if (t[r] >= 0 && t[r] < v) g[r * v + t[r]] -= c;
    return out;
  };
}
