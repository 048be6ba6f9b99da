/**
 * The batched matrix product behind the `BatchMatMul` and `_FusedMatMul`
 * overrides: both transpose flags, batch dimensions of any rank with
 * broadcasting (a batch dimension of 1, or a missing one, is shared).
 *
 * Which path runs:
 * - a BLAS library is loaded: `cblas_sgemm` on the tensors' own memory, one
 *   call for the whole product when the batch folds into rows (`[B, T, C]·[C, N]`),
 *   else one call per batch entry;
 * - wasm without BLAS: products that fold into one 2-D product go to the stock
 *   kernel's XNNPACK path (transposing an operand first when needed); the rest
 *   run the TypeScript gemm (the stock batched loop is slower);
 * - cpu without BLAS: the TypeScript gemm.
 *
 * @module
 */
import { type BackendRef, type KernelContext, withShape } from "./registry.ts";
import { tf } from "./tf.ts";

/** The dimensions of one product `op(a)·op(b)`. */
export interface MatMulPlan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** The broadcast batch shape of the output. */
  readonly batchShape: number[];
  /** Output shape: `[...batchShape, m, n]`. */
  readonly outShape: number[];
  /** For each output batch entry, the index of the matrix of `a` and of `b`. */
  readonly aIndex: number[];
  readonly bIndex: number[];
  /** The whole product is one `[batch·m, k]·[k, n]` product. */
  readonly folds: boolean;
}

/**
 * Works out shapes and batch broadcasting of `op(a)·op(b)`; throws tfjs's
 * kind of message when they do not fit.
 */
export function planMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transA: boolean,
  transB: boolean,
): MatMulPlan {
  const ra = aShape.length, rb = bShape.length;
  if (ra < 2 || rb < 2) throw new Error(`matMul needs rank >= 2, got [${aShape}] and [${bShape}]`);
  const m = transA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${aShape} and ` +
        `${bShape} and transposeA=${transA} and transposeB=${transB} must match.`,
    );
  }
  const aBatch = aShape.slice(0, -2), bBatch = bShape.slice(0, -2);
  const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const aIndex = broadcastIndex(aBatch, batchShape);
  const bIndex = broadcastIndex(bBatch, batchShape);
  const bShared = bIndex.every((i) => i === 0);
  const aWhole = aIndex.every((i, j) => i === j);
  return {
    m,
    n,
    k,
    batchShape,
    outShape: [...batchShape, m, n],
    aIndex,
    bIndex,
    folds: !transA && bShared && aWhole,
  };
}

/** For each entry of `outBatch` (row-major), the entry of `batch` it reads. */
function broadcastIndex(batch: readonly number[], outBatch: readonly number[]): number[] {
  const total = tf.util.sizeFromShape(outBatch as number[]);
  const off = outBatch.length - batch.length;
  const strides: number[] = new Array(outBatch.length).fill(0);
  let s = 1;
  for (let d = batch.length - 1; d >= 0; d--) {
    strides[d + off] = batch[d] === 1 ? 0 : s;
    s *= batch[d];
  }
  const index: number[] = new Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i, at = 0;
    for (let d = outBatch.length - 1; d >= 0; d--) {
      at += (rest % outBatch[d]) * strides[d];
      rest = Math.floor(rest / outBatch[d]);
    }
    index[i] = at;
  }
  return index;
}

/**
 * `op(a)·op(b)` for float32 tensors, as a new tensor of shape
 * `plan.outShape` owned by the caller.
 */
export function matMulInfo(
  ctx: KernelContext,
  backend: BackendRef,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
): tf.TensorInfo {
  const plan = planMatMul(a.shape, b.shape, transA, transB);
  const gemm = ctx.gemm();
  const batch = plan.aIndex.length;
  if (gemm.kind === "js" && ctx.backendName === "wasm" && plan.m * plan.n * plan.k > 0) {
    if (plan.folds || batch === 1) return xnnMatMul(ctx, backend, a, b, transA, transB, plan);
  }
  const heap = ctx.heap(backend);
  const out = heap.alloc(plan.outShape, "float32"); // allocate before taking views
  const { m, n, k } = plan;
  const A = heap.slab(a), B = heap.slab(b), C = heap.slab(out);
  const lda = transA ? m : k, ldb = transB ? k : n;
  if (plan.folds) {
    const p = { transA, transB, m: m * batch, n, k, lda, ldb, ldc: n };
    gemm.sgemm(p, A.arr, [A.off], B.arr, [B.off], C.arr, [C.off]);
    return out;
  }
  const aOffsets = plan.aIndex.map((i) => A.off + i * m * k);
  const bOffsets = plan.bIndex.map((i) => B.off + i * k * n);
  const cOffsets = plan.aIndex.map((_, i) => C.off + i * m * n);
  gemm.sgemm(
    { transA, transB, m, n, k, lda, ldb, ldc: n },
    A.arr,
    aOffsets,
    B.arr,
    bOffsets,
    C.arr,
    cOffsets,
  );
  return out;
}

/**
 * The `[k, n]` shape each tensor was last given to XNNPACK as weights. The
 * stock kernel caches its packed-weights operator by tensor id alone, not
 * shape; a tensor's id is shared by its reshapes and clones, so the same id
 * can come back as `[n, k]` or `[k·n, 1]`, and the cached operator would then
 * read out of bounds. Such a reuse gets a private copy instead.
 */
const xnnWeightShapes = new WeakMap<object, string>();

/** wasm without BLAS: one 2-D, untransposed product through the stock XNNPACK path. */
function xnnMatMul(
  ctx: KernelContext,
  backend: BackendRef,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  plan: MatMulPlan,
): tf.TensorInfo {
  const { m, n, k } = plan;
  const rows = plan.folds ? m * plan.aIndex.length : m;
  const heap = ctx.heap(backend);
  const temps: tf.TensorInfo[] = [];
  const transpose2d = (t: tf.TensorInfo, shape: number[]) => {
    const out = ctx.run("Transpose", backend, { x: withShape(t, shape) }, { perm: [1, 0] });
    temps.push(out as tf.TensorInfo);
    return out as tf.TensorInfo;
  };
  const a2 = transA ? transpose2d(a, [k, m]) : withShape(a, [rows, k]);
  let b2 = transB ? transpose2d(b, [n, k]) : withShape(b, [k, n]);
  const shape = `${k}x${n}`;
  const seen = xnnWeightShapes.get(b2.dataId);
  if (seen !== undefined && seen !== shape) {
    const copy = heap.alloc([k, n], "float32");
    heap.f32(copy).set(heap.f32(b2));
    temps.push(copy);
    b2 = copy;
  } else {
    xnnWeightShapes.set(b2.dataId, shape);
  }
  const out = ctx.stock("BatchMatMul", {
    inputs: { a: a2, b: b2 },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as tf.TensorInfo;
  for (const t of temps) heap.free(t);
  return withShape(out, plan.outShape);
}
