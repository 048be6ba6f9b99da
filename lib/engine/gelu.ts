/**
 * GELU in GPT-2's tanh form as one fused op with a hand-written gradient:
 *
 *     gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·σ(u),
 *     u = 2·√(2/π)·(x + 0.044715·x³),
 *     gelu'(x) = σ(u) + x·σ(u)·(1 − σ(u))·2·√(2/π)·(1 + 3·0.044715·x²),
 *     σ(u) = y/x (½ at x = 0), so the backward pass needs no exp.
 *
 * Written with tfjs ops it is ~8 kernels forward and ~20 backward over the
 * MLP's widest activation; fused it is one loop each way (WebAssembly SIMD on
 * wasm, see `loops.ts`). The same formula in plain tfjs ops, and the
 * function the models call, is `lib/nn/gelu.ts`; on backends without this
 * kernel (before `initEngine`, or tfjs-node) {@link fusedGelu} answers null
 * and that runs instead. `tests/engine/gelu_test.ts` checks both against a
 * float64 reference.
 *
 * @module
 */
import { loops } from "./loops.ts";
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel names of the fused GELU and its gradient. */
export const GELU = "LmfsGelu";
export const GELU_GRAD = "LmfsGeluGrad";

/**
 * The fused kernel for GELU (tanh approximation, as GPT-2 and nanoGPT) of a
 * float32 tensor; null where the engine has no kernel for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedGelu, initEngine, tf } from "./mod.ts";
 * await initEngine({ backend: "cpu" });
 * const y = fusedGelu(tf.tensor1d([-1, 0, 1]))!.dataSync();
 * assert.ok(Math.abs(y[2] - 0.841192) < 1e-5 && y[1] === 0);
 * ```
 */
export function fusedGelu(x: tf.Tensor): tf.Tensor | null {
  if (x.dtype === "float32" && tf.getKernel(GELU, tf.getBackend())) {
    return tf.engine().runKernel(GELU, { x }) as tf.Tensor;
  }
  return null;
}

/**
 * The gradient config of the fused GELU (registered by `initEngine`). It
 * saves the output too: σ(u) = y/x (or ½ where x = 0) is then a division
 * instead of another `exp`.
 */
export const geluGrad: tf.GradConfig = {
  kernelName: GELU,
  inputsToSave: ["x"],
  outputsToSave: [true],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
    x: () =>
      tf.engine().runKernel(GELU_GRAD, {
        dy: dy as tf.Tensor,
        x: saved[0],
        y: saved[1],
      }) as tf.Tensor,
  }),
};

/** Kernel: `gelu(x)`. */
export function geluKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const heap = ctx.heap(args.backend);
    const y = heap.alloc(x.shape, "float32");
    loops(heap).gelu(heap.slab(x), heap.slab(y), tf.util.sizeFromShape(x.shape));
    return y;
  };
}

/** Kernel: `dy·gelu'(x)`, given `y = gelu(x)`. */
export function geluGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, x, y } = args.inputs as Record<"dy" | "x" | "y", tf.TensorInfo>;
    const heap = ctx.heap(args.backend);
    const dx = heap.alloc(x.shape, "float32");
    const n = tf.util.sizeFromShape(x.shape);
    loops(heap).geluGrad(heap.slab(dy), heap.slab(x), heap.slab(y), heap.slab(dx), n);
    return dx;
  };
}
