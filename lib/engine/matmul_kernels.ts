/**
 * The `BatchMatMul` and `_FusedMatMul` kernel overrides. `_FusedMatMul` adds
 * the bias (broadcast) and applies the fused activation, for every activation
 * tfjs fuses: `linear`, `relu`, `relu6`, `elu`, `leakyrelu`, `prelu`,
 * `sigmoid`. (The stock wasm kernel gets rank-3 × rank-2 products with a bias
 * wrong.) On wasm the bias and the activation run as the stock SIMD kernels;
 * on cpu as loops over the product (see `epilogue.ts`).
 *
 * @module
 */
import { fitRank, FUSED_ACTIVATIONS, jsEpilogue } from "./epilogue.ts";
import { matMulInfo } from "./matmul.ts";
import { type BackendRef, isFloat, type KernelContext, withShape } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel for `BatchMatMul`. */
export function batchMatMulKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!isFloat(a, b)) return ctx.stock("BatchMatMul", args);
    return matMulInfo(ctx, args.backend, a, b, transposeA, transposeB);
  };
}

/** What `_FusedMatMul` adds after the product. */
export interface Epilogue {
  readonly bias?: tf.TensorInfo;
  readonly prelu?: tf.TensorInfo;
  readonly activation: string;
  readonly alpha: number;
}

/** Kernel for `_FusedMatMul` (what `tf.fused.matMul` runs). */
export function fusedMatMulKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights: prelu } = args.inputs as {
      a: tf.TensorInfo;
      b: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    if (!isFloat(a, b, bias, prelu)) return ctx.stock("_FusedMatMul", args);
    const e: Epilogue = {
      bias,
      prelu,
      activation: activation ?? "linear",
      alpha: leakyreluAlpha ?? 0.2,
    };
    if (!FUSED_ACTIVATIONS.includes(e.activation)) {
      throw new Error(
        `fused matMul: unknown activation '${e.activation}' (${FUSED_ACTIVATIONS.join(", ")})`,
      );
    }
    if (e.activation === "prelu" && !prelu) {
      throw new Error("fused matMul: prelu activation needs preluActivationWeights");
    }
    const out = matMulInfo(ctx, args.backend, a, b, transposeA, transposeB);
    if (ctx.backendName === "wasm") return wasmEpilogue(ctx, args.backend, out, e);
    const heap = ctx.heap(args.backend);
    jsEpilogue(heap.f32(out), out.shape, e.activation, e.alpha, {
      bias: bias && { values: heap.f32(bias), shape: bias.shape },
      prelu: prelu && { values: heap.f32(prelu), shape: prelu.shape },
    });
    return out;
  };
}

const WASM_ACTIVATION: Record<string, string> = {
  relu: "Relu",
  relu6: "Relu6",
  elu: "Elu",
  leakyrelu: "LeakyRelu",
  prelu: "Prelu",
  sigmoid: "Sigmoid",
};

/** Bias and activation through the stock wasm (XNNPACK/SIMD) kernels. */
function wasmEpilogue(
  ctx: KernelContext,
  backend: BackendRef,
  out: tf.TensorInfo,
  e: Epilogue,
): tf.TensorInfo {
  const heap = ctx.heap(backend);
  let y = out;
  const step = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) => {
    const next = ctx.run(name, backend, inputs, attrs) as tf.TensorInfo;
    heap.free(y);
    y = withShape(next, out.shape);
  };
  const fit = (t: tf.TensorInfo) => withShape(t, fitRank(t.shape, out.shape));
  if (e.bias) step("Add", { a: y, b: fit(e.bias) });
  const kernel = WASM_ACTIVATION[e.activation];
  if (kernel === "Prelu") step(kernel, { x: y, alpha: fit(e.prelu!) });
  else if (kernel === "LeakyRelu") step(kernel, { x: y }, { alpha: e.alpha });
  else if (kernel) step(kernel, { x: y });
  return y;
}
