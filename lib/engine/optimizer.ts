/**
 * The optimizer's arithmetic as fused kernels: one AdamW update per parameter
 * (p, m and v in one pass, in place when nothing else shares their memory)
 * and global-norm gradient clipping (one pass for the norm, one to scale).
 * In tfjs ops AdamW is ~12 kernels per parameter and clipping ~3 per
 * gradient; a GPT has dozens of parameters. The same float32 maths in tfjs
 * ops, and the functions training calls, are `lib/train/adamw.ts`
 * (`adamWUpdate`) and `lib/train/clip.ts` (`globalNormClip`); where these
 * kernels are not registered {@link fusedAdamW} and
 * {@link fusedGlobalNormClip} answer null and those run instead.
 * `tests/engine/optimizer_test.ts` checks that both agree.
 *
 * @module
 */
import type { AdamWStep } from "./loops.ts";
import { loops } from "./loops.ts";
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

export type { AdamWStep } from "./loops.ts";

/** Kernel names of the fused AdamW update and global-norm clip. */
export const ADAMW = "LmfsAdamW";
export const CLIP_BY_GLOBAL_NORM = "LmfsClipByGlobalNorm";

/** A parameter, its gradient and its AdamW moments (variables, updated by `adamWUpdate` in `lib/train/adamw.ts`). */
export interface AdamWTensors {
  readonly p: tf.Variable;
  readonly g: tf.Tensor;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

/**
 * The fused kernel for one AdamW update (the maths is `lib/train/adamw.ts`):
 * the new `[p, m, v]`, written in place when nothing else shares their
 * memory (a tensor that does, a clone say, keeps its values); null where the
 * engine has no kernel for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedAdamW, initEngine, tf } from "./mod.ts";
 * await initEngine({ backend: "cpu" });
 * const [p, m, v] = [tf.variable(tf.tensor1d([1])), tf.variable(tf.zeros([1])), tf.variable(tf.zeros([1]))];
 * // step 1 with lr 0.1: stepSize = lr/(1 − β1), bc2Sqrt = √(1 − β2)
 * const h = { decay: 1, beta1: 0.9, beta2: 0.999, stepSize: 0.1 / 0.1, bc2Sqrt: Math.sqrt(0.001), eps: 1e-8 };
 * const next = fusedAdamW({ p, g: tf.tensor1d([2]), m, v }, h)!;
 * assert.ok(Math.abs(next[0].dataSync()[0] - 0.9) < 1e-6); // the first step moves by lr
 * ```
 */
export function fusedAdamW(t: AdamWTensors, h: AdamWStep): tf.Tensor[] | null {
  const all = [t.p, t.g, t.m, t.v];
  if (!all.every((x) => x.dtype === "float32") || !tf.getKernel(ADAMW, tf.getBackend())) {
    return null;
  }
  return tf.engine().runKernel(ADAMW, { p: t.p, g: t.g, m: t.m, v: t.v }, { ...h }) as tf.Tensor[];
}

/**
 * The fused kernel for global-norm clipping (the maths is
 * `lib/train/clip.ts`): the norm and the clipped gradients, which share the
 * inputs' memory when nothing is scaled; null where the engine has no kernel
 * for it (or there are no gradients).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedGlobalNormClip, initEngine, tf } from "./mod.ts";
 * await initEngine({ backend: "cpu" });
 * const { norm, clipped } = fusedGlobalNormClip([tf.tensor1d([3, 0]), tf.tensor1d([4])], 1)!;
 * assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
 * assert.ok(Math.abs(clipped[1].dataSync()[0] - 0.8) < 1e-6);
 * ```
 */
export function fusedGlobalNormClip(
  grads: readonly tf.Tensor[],
  maxNorm: number,
): { norm: tf.Scalar; clipped: tf.Tensor[] } | null {
  if (
    grads.length === 0 || !grads.every((g) => g.dtype === "float32") ||
    !tf.getKernel(CLIP_BY_GLOBAL_NORM, tf.getBackend())
  ) {
    return null;
  }
  const inputs: tf.NamedTensorMap = {};
  grads.forEach((g, i) => (inputs[`g${i}`] = g));
  const [norm, ...clipped] = tf.engine().runKernel(CLIP_BY_GLOBAL_NORM, inputs, {
    maxNorm,
  }) as tf.Tensor[];
  return { norm: norm as tf.Scalar, clipped };
}

interface RefCounting {
  refCount(dataId: object): number;
  incRef(dataId: object): void;
}

/** `t` itself as a new output (same memory, one more reference). */
function share(backend: object, t: tf.TensorInfo): tf.TensorInfo {
  (backend as RefCounting).incRef(t.dataId);
  return { dataId: t.dataId, shape: [...t.shape], dtype: t.dtype };
}

/**
 * Kernel: `[p, m, v]` after one AdamW update. Its inputs are variables about
 * to be assigned the outputs (see {@link adamWUpdate}). The moments are
 * updated in place when only their variables hold them; the parameter always
 * gets new memory, because stock kernels may cache work by tensor memory (the
 * wasm backend's XNNPACK matmul keeps weights packed per tensor, and would go
 * on using the old values).
 */
export function adamWKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { p, g, m, v } = args.inputs as Record<"p" | "g" | "m" | "v", tf.TensorInfo>;
    const h = args.attrs as unknown as AdamWStep;
    const heap = ctx.heap(args.backend);
    const be = args.backend as unknown as RefCounting;
    const own = (t: tf.TensorInfo) => {
      if (be.refCount(t.dataId) === 1 && t.dataId !== g.dataId) return share(args.backend, t);
      const copy = heap.alloc(t.shape, "float32");
      heap.f32(copy).set(heap.f32(t));
      return copy;
    };
    const outs = [heap.alloc(p.shape, "float32"), own(m), own(v)];
    const [sp, sm, sv] = outs.map((t) => heap.slab(t));
    loops(heap).adamW(heap.slab(p), heap.slab(g), sm, sv, sp, tf.util.sizeFromShape(p.shape), h);
    return outs;
  };
}

/** Kernel: `[norm, ...clipped]` for inputs `g0 … gN−1`. */
export function clipByGlobalNormKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const grads = Object.keys(args.inputs).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
      .map((k) => args.inputs[k] as tf.TensorInfo);
    const { maxNorm } = args.attrs as { maxNorm: number };
    const heap = ctx.heap(args.backend);
    const l = loops(heap);
    let sum = 0;
    for (const g of grads) sum += l.sumSquares(heap.slab(g), tf.util.sizeFromShape(g.shape));
    // float32 at every step, as tfjs ops and PyTorch compute it
    const f = Math.fround;
    const norm = f(Math.sqrt(sum));
    const coef = Math.min(f(f(maxNorm) / f(norm + f(1e-6))), 1);
    const out = heap.alloc([], "float32");
    const clipped = grads.map((g) =>
      coef === 1 ? share(args.backend, g) : heap.alloc(g.shape, "float32")
    );
    heap.f32(out)[0] = norm;
    if (coef !== 1) {
      grads.forEach((g, i) =>
        l.scale(heap.slab(g), heap.slab(clipped[i]), tf.util.sizeFromShape(g.shape), f(coef))
      );
    }
    return [out, ...clipped];
  };
}
