/**
 * Layer normalisation over the last axis as one fused op with a hand-written
 * gradient (`torch.nn.functional.layer_norm`, biased variance):
 *
 *     μ = mean(x),  r = 1/√(mean((x − μ)²) + ε),  x̂ = (x − μ)·r
 *     y = x̂·w + b
 *     ∂x = r·(g − mean(g) − x̂·mean(g·x̂)),  g = ∂y·w
 *     ∂w = Σ_rows ∂y·x̂,  ∂b = Σ_rows ∂y
 *
 * Written with tfjs ops it is ~10 kernels forward and ~25 backward (moments,
 * broadcasts, and reductions over the batch axis, which wasm does slowly);
 * fused it is one pass over the rows each way. The forward kernel keeps μ and
 * r per row in a workspace (`workspace.ts`) for the backward pass. The same
 * formula in plain tfjs ops, and the layer the models call, is
 * `lib/nn/layer_norm.ts`; where this kernel is not registered (before
 * `initEngine`, or tfjs-node) {@link fusedLayerNorm} answers null and that
 * runs instead. `tests/engine/layer_norm_test.ts` checks both against a
 * float64 reference.
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import { loops } from "./loops.ts";
import { tf } from "./tf.ts";
import { workspace } from "./workspace.ts";

/** Kernel names of the fused layer norm and its gradient. */
export const LAYER_NORM = "LmfsLayerNorm";
export const LAYER_NORM_GRAD = "LmfsLayerNormGrad";

/**
 * The fused kernel for `(x − mean)/√(var + eps)·weight + bias` over the last
 * axis of `x`; null where the engine has no kernel for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initEngine, tf } from "./mod.ts";
 * import { fusedLayerNorm } from "./layer_norm.ts";
 * await initEngine({ backend: "cpu" });
 * const y = fusedLayerNorm(tf.tensor2d([[1, 3]]), tf.ones([2]))!;
 * assert.ok(Math.abs(y.dataSync()[0] + 1) < 1e-4 && Math.abs(y.dataSync()[1] - 1) < 1e-4);
 * ```
 */
export function fusedLayerNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  eps = 1e-5,
): tf.Tensor | null {
  const fused = x.dtype === "float32" && weight.dtype === "float32" &&
    (bias === undefined || bias.dtype === "float32") &&
    tf.getKernel(LAYER_NORM, tf.getBackend()) !== undefined;
  if (!fused) return null;
  const cols = x.shape[x.rank - 1] ?? 1;
  const stats = workspace([cols === 0 ? 0 : x.size / cols, 2]); // μ and r per row, for the gradient
  const inputs: tf.NamedTensorMap = bias ? { x, weight, bias, stats } : { x, weight, stats };
  const y = tf.engine().runKernel(LAYER_NORM, inputs, { eps }) as tf.Tensor;
  stats.dispose(); // the tape keeps its own reference
  return y;
}

/** The gradient config of the fused layer norm (registered by `initEngine`). */
export const layerNormGrad: tf.GradConfig = {
  kernelName: LAYER_NORM,
  inputsToSave: ["x", "weight", "stats"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x, weight, stats] = saved;
    // One kernel computes all three; the thunks hand them out (tfjs disposes
    // the ones nobody asks for with the rest of the backward pass).
    const [dx, dw, db] = tf.engine().runKernel(
      LAYER_NORM_GRAD,
      { dy: dy as tf.Tensor, x, weight, stats },
      attrs,
    ) as tf.Tensor[];
    return { x: () => dx, weight: () => dw, bias: () => db };
  },
};

function dims(x: tf.TensorInfo): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1] ?? 1;
  return { rows: cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / cols, cols };
}

/** Kernel: the layer norm forward pass; writes each row's μ and r into the workspace `stats`. */
export function layerNormKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { x, weight, bias, stats } = args.inputs as {
      x: tf.TensorInfo;
      weight: tf.TensorInfo;
      bias?: tf.TensorInfo;
      stats: tf.TensorInfo;
    };
    const { eps } = args.attrs as { eps: number };
    const heap = ctx.heap(args.backend);
    const y = heap.alloc(x.shape, "float32");
    const { rows, cols } = dims(x);
    const w = heap.slab(weight), b = bias ? heap.slab(bias) : null;
    loops(heap).layerNorm(heap.slab(x), w, b, heap.slab(y), heap.slab(stats), rows, cols, eps);
    return y;
  };
}

/** Kernel: `[∂x, ∂weight, ∂bias]` of the layer norm. */
export function layerNormGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, x, weight, stats } = args.inputs as Record<
      "dy" | "x" | "weight" | "stats",
      tf.TensorInfo
    >;
    const heap = ctx.heap(args.backend);
    const { rows, cols } = dims(x);
    const dx = heap.alloc(x.shape, "float32");
    const dw = heap.alloc([cols], "float32");
    const db = heap.alloc([cols], "float32");
    const [sx, sw, ss] = [heap.slab(x), heap.slab(weight), heap.slab(stats)];
    const [sdx, sdw, sdb] = [heap.slab(dx), heap.slab(dw), heap.slab(db)];
    loops(heap).layerNormGrad(heap.slab(dy), sx, sw, ss, sdx, sdw, sdb, rows, cols);
    return [dx, dw, db];
  };
}
