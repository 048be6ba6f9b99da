/**
 * Causal multi-head self-attention from the fused `qkv` projection, as one op
 * with a hand-written gradient:
 *
 *     q, k, v = split(qkv)                 per head h: columns h·D … h·D + D − 1
 *     P = softmax(q·kᵀ / √D + causal mask)  (T × T per batch entry and head)
 *     y = P·v, heads side by side           (B, T, C)
 *
 *     backward, with S the scaled scores:
 *     ∂v = Pᵀ·∂y    ∂P = ∂y·vᵀ    ∂S = P ⊙ (∂P − rowsum(P ⊙ ∂P)) / √D
 *     ∂q = ∂S·k     ∂k = ∂Sᵀ·q
 *
 * Every product reads and writes the heads where they lie in `qkv`, `y` and
 * the gradients (row strides 3C and C), so there is no split, no head
 * transpose and no mask tensor; the scale, mask and softmax are one loop. The
 * forward kernel writes P into a workspace (`workspace.ts`) that the backward
 * pass reads. The same maths in plain tfjs ops (an additive mask, 4-D head
 * transposes), and the function the models call, is `lib/nn/attention.ts`;
 * where this kernel is not registered {@link fusedCausalAttention} answers
 * null and that runs instead. `tests/engine/attention_test.ts` checks both
 * against a float64 reference.
 *
 * @module
 */
import type { GemmProblem } from "./gemm.ts";
import type { Heap, Slab } from "./heap.ts";
import { loops } from "./loops.ts";
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";
import { workspace } from "./workspace.ts";

/** Kernel names of the fused attention and its gradient. */
export const ATTENTION = "LmfsCausalAttention";
export const ATTENTION_GRAD = "LmfsCausalAttentionGrad";

/**
 * The fused kernel for causal self-attention of `qkv` (`[B, T, 3C]`, queries,
 * keys and values side by side, as GPT-2's `c_attn` makes them, already
 * checked by the caller) with `nHead` heads: `[B, T, C]`; null where the
 * engine has no kernel for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedCausalAttention, initEngine, tf } from "./mod.ts";
 * await initEngine({ backend: "cpu" });
 * const v = tf.tensor3d([[[1, 2], [3, 4]]]); // B 1, T 2, C 2
 * const qkv = tf.concat([tf.zerosLike(v), tf.zerosLike(v), v], 2);
 * const y = fusedCausalAttention(qkv, 1)!.arraySync() as number[][][];
 * assert.deepEqual(y[0], [[1, 2], [2, 3]]); // token 0 sees itself, token 1 averages both
 * ```
 */
export function fusedCausalAttention(qkv: tf.Tensor, nHead: number): tf.Tensor | null {
  if (qkv.dtype === "float32" && tf.getKernel(ATTENTION, tf.getBackend())) {
    const [B, T] = qkv.shape;
    const probs = workspace([B * nHead, T, T]); // P, written by the kernel for the backward pass
    const y = tf.engine().runKernel(ATTENTION, { qkv, probs }, { nHead }) as tf.Tensor;
    probs.dispose(); // the tape keeps its own reference
    return y;
  }
  return null;
}

/** The gradient config of the fused attention (registered by `initEngine`). */
export const causalAttentionGrad: tf.GradConfig = {
  kernelName: ATTENTION,
  inputsToSave: ["qkv", "probs"],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [qkv, probs] = saved;
    const inputs = { dy: dy as tf.Tensor, qkv, probs };
    return { qkv: () => tf.engine().runKernel(ATTENTION_GRAD, inputs, attrs) as tf.Tensor };
  },
};

/** Where every (batch entry, head) block lies. */
interface Layout {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly D: number;
  readonly scale: number;
  /** Offsets, per block, of its q in qkv, of its rows in a `[B, T, C]` tensor, of its T × T block. */
  q(base: number): number[];
  rows(base: number): number[];
  square(base: number): number[];
}

function layout(qkv: tf.TensorInfo, nHead: number): Layout {
  const [B, T, C3] = qkv.shape as [number, number, number];
  const C = C3 / 3, D = C / nHead;
  const blocks = Array.from({ length: B * nHead }, (_, i) => [Math.floor(i / nHead), i % nHead]);
  return {
    B,
    T,
    C,
    D,
    scale: 1 / Math.sqrt(D),
    q: (base) => blocks.map(([b, h]) => base + b * T * C3 + h * D),
    rows: (base) => blocks.map(([b, h]) => base + b * T * C + h * D),
    square: (base) => blocks.map((_, i) => base + i * T * T),
  };
}

const plus = (offsets: number[], d: number) => offsets.map((o) => o + d);

/** `op(A)·op(B)` for every block, through the engine's gemm. */
function products(
  ctx: KernelContext,
  p: GemmProblem,
  a: Slab,
  aOff: number[],
  b: Slab,
  bOff: number[],
  c: Slab,
  cOff: number[],
): void {
  ctx.gemm().sgemm(p, a.arr, aOff, b.arr, bOff, c.arr, cOff);
}

/** P = causal softmax(q·kᵀ/√D) into the `[B·H, T, T]` tensor `p`. */
function probabilities(ctx: KernelContext, L: Layout, qkv: Slab, p: Slab, heap: Heap): void {
  const { T, C, D } = L;
  const q = L.q(qkv.off);
  const square = { transA: false, transB: true, m: T, n: T, k: D, lda: 3 * C, ldb: 3 * C, ldc: T };
  products(ctx, square, qkv, q, qkv, plus(q, C), p, L.square(p.off));
  loops(heap).causalSoftmax(p, q.length, T, L.scale);
}

/** Kernel: the attention forward pass; writes P into the workspace input `probs`. */
export function causalAttentionKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { qkv, probs: p } = args.inputs as Record<"qkv" | "probs", tf.TensorInfo>;
    const { nHead } = args.attrs as { nHead: number };
    const L = layout(qkv, nHead);
    const { B, T, C, D } = L;
    const heap = ctx.heap(args.backend);
    const y = heap.alloc([B, T, C], "float32");
    const [sq, sp, sy] = [heap.slab(qkv), heap.slab(p), heap.slab(y)];
    probabilities(ctx, L, sq, sp, heap);
    const pv = { transA: false, transB: false, m: T, n: D, k: T, lda: T, ldb: 3 * C, ldc: C };
    products(ctx, pv, sp, L.square(sp.off), sq, plus(L.q(sq.off), 2 * C), sy, L.rows(sy.off));
    return y;
  };
}

/** Kernel: `∂qkv` of the attention. */
export function causalAttentionGradKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { dy, qkv, probs } = args.inputs as Record<"dy" | "qkv" | "probs", tf.TensorInfo>;
    const { nHead } = args.attrs as { nHead: number };
    const L = layout(qkv, nHead);
    const { B, T, C, D } = L;
    const heap = ctx.heap(args.backend);
    const dqkv = heap.alloc([B, T, 3 * C], "float32");
    const dp = heap.alloc([B * nHead, T, T], "float32");
    const [sq, sdy, sd, sp, sdp] = [qkv, dy, dqkv, probs, dp].map((t) => heap.slab(t));
    const q = L.q(sq.off), dq = L.q(sd.off), g = L.rows(sdy.off);
    const pOff = L.square(sp.off), dpOff = L.square(sdp.off);
    const c3 = 3 * C;
    // ∂P = ∂y·vᵀ and ∂v = Pᵀ·∂y
    const dP = { transA: false, transB: true, m: T, n: T, k: D, lda: C, ldb: c3, ldc: T };
    products(ctx, dP, sdy, g, sq, plus(q, 2 * C), sdp, dpOff);
    const dV = { transA: true, transB: false, m: T, n: D, k: T, lda: T, ldb: C, ldc: c3 };
    products(ctx, dV, sp, pOff, sdy, g, sd, plus(dq, 2 * C));
    // ∂S (scaled) in place of ∂P, then ∂q = ∂S·k and ∂k = ∂Sᵀ·q
    loops(heap).causalSoftmaxGrad(sp, sdp, q.length, T, L.scale);
    const dQ = { transA: false, transB: false, m: T, n: D, k: T, lda: T, ldb: c3, ldc: c3 };
    products(ctx, dQ, sdp, dpOff, sq, plus(q, C), sd, dq);
    const dK = { transA: true, transB: false, m: T, n: D, k: T, lda: T, ldb: c3, ldc: c3 };
    products(ctx, dK, sdp, dpOff, sq, q, sd, plus(dq, C));
    heap.free(dp);
    return dqkv;
  };
}
