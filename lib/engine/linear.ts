/**
 * A fully connected layer as one fused op with a hand-written gradient:
 *
 *     y = x·W + b        (W stored [in, out]: Hugging Face GPT-2's Conv1D)
 *     y = x·Wᵀ + b       (W stored [out, in]: torch.nn.Linear)
 *     ∂x = ∂y·Wᵀ (or ∂y·W),  ∂W = xᵀ·∂y (or ∂yᵀ·x),  ∂b = Σ_rows ∂y
 *
 * over the last axis of an `x` of any rank, whose leading axes fold into the
 * rows of one matrix product. With `tf.fused.matMul` and reshapes the same
 * layer is ~6 kernels forward and ~8 backward (reshapes, clones saved for the
 * gradient, a separate bias reduction); fused it is one kernel each way.
 * The maths in plain tfjs ops, and the layer the models call, is
 * `lib/nn/linear.ts`; where this kernel is not registered {@link fusedLinear}
 * answers null and that runs instead. `tests/engine/linear_test.ts` checks
 * both against a float64 reference.
 *
 * @module
 */
import { loops } from "./loops.ts";
import { matMulInfo } from "./matmul.ts";
import { type KernelContext, withShape } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel names of the fused linear layer and its gradient. */
export const LINEAR = "LmfsLinear";
export const LINEAR_GRAD = "LmfsLinearGrad";

/** How a weight is stored: `"torch"` `[out, in]`, `"conv1d"` `[in, out]`. */
export type WeightLayout = "torch" | "conv1d";

/**
 * The fused kernel for `x·Wᵀ + b` (torch-layout weight `[out, in]`) or
 * `x·W + b` (conv1d-layout weight `[in, out]`) over the last axis of `x`; null
 * where the engine has no kernel for it (then `lib/nn/linear.ts` runs the
 * tfjs ops).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initEngine, tf } from "./mod.ts";
 * import { fusedLinear } from "./linear.ts";
 * await initEngine({ backend: "cpu" });
 * const y = fusedLinear(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([0, 0, 1]));
 * assert.deepEqual(Array.from(y!.dataSync()), [1, 2, 4]);
 * ```
 */
export function fusedLinear(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  layout: WeightLayout = "torch",
): tf.Tensor | null {
  const fused = x.rank >= 2 && weight.rank === 2 &&
    [x, weight, bias].every((t) => t === undefined || t.dtype === "float32") &&
    tf.getKernel(LINEAR, tf.getBackend()) !== undefined;
  if (!fused) return null;
  const inFeatures = layout === "conv1d" ? weight.shape[0] : weight.shape[1];
  if (x.shape[x.rank - 1] !== inFeatures) {
    throw new Error(
      `linear: input [${x.shape}] does not fit a ${layout} weight [${weight.shape}]`,
    );
  }
  const inputs: tf.NamedTensorMap = bias ? { x, weight, bias } : { x, weight };
  return tf.engine().runKernel(LINEAR, inputs, { layout }) as tf.Tensor;
}

/** The gradient config of the fused linear layer (registered by `initEngine`). */
export const linearGrad: tf.GradConfig = {
  kernelName: LINEAR,
  inputsToSave: ["x", "weight"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [x, weight] = saved;
    const [dx, dw, db] = tf.engine().runKernel(
      LINEAR_GRAD,
      { dy: dy as tf.Tensor, x, weight },
      attrs,
    ) as tf.Tensor[];
    return { x: () => dx, weight: () => dw, bias: () => db };
  },
};

/** Rows, inputs and outputs of `x` through `weight`. */
function dims(x: tf.TensorInfo, weight: tf.TensorInfo, layout: WeightLayout) {
  const [inF, outF] = layout === "conv1d" ? weight.shape : [weight.shape[1], weight.shape[0]];
  return { rows: tf.util.sizeFromShape(x.shape) / (inF || 1), inF, outF };
}

/** Kernel: the linear layer forward pass. */
export function linearKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { x, weight, bias } = args.inputs as Record<"x" | "weight", tf.TensorInfo> & {
      bias?: tf.TensorInfo;
    };
    const { layout } = args.attrs as { layout: WeightLayout };
    const { rows, inF, outF } = dims(x, weight, layout);
    const y2 = matMulInfo(
      ctx,
      args.backend,
      withShape(x, [rows, inF]),
      weight,
      false,
      layout === "torch",
    );
    if (bias) {
      const heap = ctx.heap(args.backend);
      loops(heap).addBias(heap.slab(y2), heap.slab(bias), rows, outF);
    }
    return withShape(y2, [...x.shape.slice(0, -1), outF]);
  };
}

/** Kernel: `[∂x, ∂weight, ∂bias]` of the linear layer. */
export function linearGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, x, weight } = args.inputs as Record<"dy" | "x" | "weight", tf.TensorInfo>;
    const { layout } = args.attrs as { layout: WeightLayout };
    const { rows, inF, outF } = dims(x, weight, layout);
    const x2 = withShape(x, [rows, inF]), dy2 = withShape(dy, [rows, outF]);
    const torch = layout === "torch";
    const dx = matMulInfo(ctx, args.backend, dy2, weight, false, !torch);
    const dw = torch
      ? matMulInfo(ctx, args.backend, dy2, x2, true, false)
      : matMulInfo(ctx, args.backend, x2, dy2, true, false);
    const heap = ctx.heap(args.backend);
    const db = heap.alloc([outF], "float32");
    loops(heap).sumRows(heap.slab(dy), rows, outF, heap.slab(db));
    return [withShape(dx, x.shape), dw, db];
  };
}
