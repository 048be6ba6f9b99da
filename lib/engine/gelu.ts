/**
 * GELU in GPT-2's tanh form as one fused op with a hand-written gradient:
 *
 *     gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·σ(u),
 *     u = 2·√(2/π)·(x + 0.044715·x³),
 *     gelu'(x) = σ(u) + x·σ(u)·(1 − σ(u))·2·√(2/π)·(1 + 3·0.044715·x²).
 *
 * Written with tfjs ops it is ~8 kernels forward and ~20 backward over the
 * MLP's widest activation; fused it is one loop, the SIMD `Sigmoid`, and one
 * more loop, each way. On backends without the engine's kernels (before
 * `initEngine`, or tfjs-node) it falls back to the same formula in tfjs ops.
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel names of the fused GELU and its gradient. */
export const GELU = "LmfsGelu";
export const GELU_GRAD = "LmfsGeluGrad";

const C = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/**
 * GELU (tanh approximation, as GPT-2 and nanoGPT) of a float32 tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gelu, tf } from "./mod.ts";
 * const y = gelu(tf.tensor1d([-1, 0, 1])).dataSync();
 * assert.ok(Math.abs(y[2] - 0.841192) < 1e-5 && y[1] === 0);
 * ```
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.dtype === "float32" && tf.getKernel(GELU, tf.getBackend())) {
    return tf.engine().runKernel(GELU, { x }) as tf.Tensor;
  }
  return geluOps(x);
}

/** The same GELU in plain tfjs ops (the fallback and the reference). */
export function geluOps(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.mul(x, tf.add(tf.mul(tf.square(x), A), 1)), C);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/** The gradient config of the fused GELU (registered by `initEngine`). */
export const geluGrad: tf.GradConfig = {
  kernelName: GELU,
  inputsToSave: ["x"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
    x: () => tf.engine().runKernel(GELU_GRAD, { dy: dy as tf.Tensor, x: saved[0] }) as tf.Tensor,
  }),
};

/** σ(u) for u = 2√(2/π)(x + 0.044715x³), as a new tensor (stock SIMD `Sigmoid`). */
function sigmoidOfInner(ctx: KernelContext, backend: object, x: tf.TensorInfo): tf.TensorInfo {
  const heap = ctx.heap(backend);
  const u = heap.alloc(x.shape, "float32");
  {
    const xs = heap.f32(x), us = heap.f32(u);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      us[i] = 2 * C * v * (1 + A * v * v);
    }
  }
  const s = ctx.run("Sigmoid", backend, { x: u }) as tf.TensorInfo;
  heap.free(u);
  return s;
}

/** Kernel: `gelu(x)`. */
export function geluKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const s = sigmoidOfInner(ctx, args.backend, x);
    const heap = ctx.heap(args.backend);
    const xs = heap.f32(x), ys = heap.f32(s);
    for (let i = 0; i < ys.length; i++) ys[i] *= xs[i];
    return s;
  };
}

/** Kernel: `dy·gelu'(x)`. */
export function geluGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const s = sigmoidOfInner(ctx, args.backend, x);
    const heap = ctx.heap(args.backend);
    const xs = heap.f32(x), ds = heap.f32(dy), out = heap.f32(s);
    for (let i = 0; i < out.length; i++) {
      const v = xs[i], sig = out[i];
      out[i] = ds[i] * (sig + v * sig * (1 - sig) * 2 * C * (1 + 3 * A * v * v));
    }
    return s;
  };
}
