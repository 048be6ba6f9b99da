/**
 * Single-precision matrix products on typed arrays: `C = op(A)·op(B)` in
 * row-major order, for a batch of (A, B, C) offsets into three arrays. Two
 * implementations share the interface: {@link blasGemm} calls a native
 * `cblas_sgemm`, {@link jsGemm} is plain TypeScript (the fallback without
 * BLAS, and the reference the BLAS path is tested against).
 *
 * @module
 */
import type { Blas } from "./blas.ts";
import { ThreadChooser } from "./blas_threads.ts";

/** The shape of one product; every batch entry has the same. */
export interface GemmProblem {
  /** Read A as transposed (`A` is stored `[k, m]`). */
  readonly transA: boolean;
  /** Read B as transposed (`B` is stored `[n, k]`). */
  readonly transB: boolean;
  /** Rows of C. */
  readonly m: number;
  /** Columns of C. */
  readonly n: number;
  /** The contracted dimension. */
  readonly k: number;
  /** Row strides of the stored A, B and C. */
  readonly lda: number;
  readonly ldb: number;
  readonly ldc: number;
}

/** A batched `sgemm`: for each i, C at `cOffsets[i]` = op(A at `aOffsets[i]`)·op(B at `bOffsets[i]`). */
export interface Gemm {
  /** `blas` or `js`. */
  readonly kind: "blas" | "js";
  sgemm(
    p: GemmProblem,
    a: Float32Array,
    aOffsets: readonly number[],
    b: Float32Array,
    bOffsets: readonly number[],
    c: Float32Array,
    cOffsets: readonly number[],
  ): void;
}

/**
 * The native path: one `cblas_sgemm` per batch entry, on pointers into the
 * arrays' own memory (no copies).
 *
 * With `threads` (the library's own count, which the user did not choose),
 * the engine picks the thread count per product from its size and from how
 * busy the machine is (see `blas_threads.ts`); otherwise the library's
 * threads are left alone.
 */
export function blasGemm(blas: Blas, threads?: number): Gemm {
  const chooser = threads !== undefined && threads > 1 && blas.setThreads
    ? new ThreadChooser(threads)
    : null;
  let current = threads;
  return {
    kind: "blas",
    sgemm(p, a, aOffsets, b, bOffsets, c, cOffsets) {
      if (p.m === 0 || p.n === 0) return;
      if (p.k === 0) {
        for (const off of cOffsets) fillRows(c, off, p.m, p.n, p.ldc);
        return;
      }
      const macs = p.m * p.n * p.k;
      const n = chooser ? chooser.threads(macs) : 0;
      if (chooser && n !== current) {
        blas.setThreads!(n);
        current = n;
      }
      const pa = Deno.UnsafePointer.of(a);
      const pb = b === a ? pa : Deno.UnsafePointer.of(b);
      const pc = c === a ? pa : c === b ? pb : Deno.UnsafePointer.of(c);
      for (let i = 0; i < cOffsets.length; i++) {
        blas.sgemm(
          p.transA,
          p.transB,
          p.m,
          p.n,
          p.k,
          Deno.UnsafePointer.offset(pa!, aOffsets[i] * 4),
          p.lda,
          Deno.UnsafePointer.offset(pb!, bOffsets[i] * 4),
          p.ldb,
          Deno.UnsafePointer.offset(pc!, cOffsets[i] * 4),
          p.ldc,
        );
      }
    },
  };
}

/**
 * The portable path, about 2–3 GFLOP/s: loop orders chosen so the innermost
 * loop runs along contiguous memory for each transpose combination.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsGemm } from "./gemm.ts";
 * const a = Float32Array.of(1, 2, 3, 4); // [[1, 2], [3, 4]]
 * const c = new Float32Array(4);
 * const p = { transA: false, transB: true, m: 2, n: 2, k: 2, lda: 2, ldb: 2, ldc: 2 };
 * jsGemm.sgemm(p, a, [0], a, [0], c, [0]); // A·Aᵀ
 * assert.deepEqual([...c], [5, 11, 11, 25]);
 * ```
 */
export const jsGemm: Gemm = {
  kind: "js",
  sgemm(p, a, aOffsets, b, bOffsets, c, cOffsets) {
    for (let i = 0; i < cOffsets.length; i++) {
      const [ao, bo, co] = [aOffsets[i], bOffsets[i], cOffsets[i]];
      if (!p.transB) axpyRows(p, a, ao, b, bo, c, co);
      else dots(p, a, ao, b, bo, c, co);
    }
  },
};

let active: Gemm = jsGemm;

/** The matrix product kernels use now. */
export function currentGemm(): Gemm {
  return active;
}

/** Switches the matrix product kernels use (the engine does this in `initEngine`). */
export function useGemm(gemm: Gemm): void {
  active = gemm;
}

function fillRows(c: Float32Array, off: number, m: number, n: number, ldc: number): void {
  for (let i = 0; i < m; i++) c.fill(0, off + i * ldc, off + i * ldc + n);
}

/** B not transposed: C[i,:] = Σ_p A[i,p]·B[p,:], four rows of B at a time. */
function axpyRows(
  p: GemmProblem,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  c: Float32Array,
  co: number,
): void {
  const { m, n, k, lda, ldb, ldc } = p;
  // A[i,p] lives at ao + i*si + p*sp.
  const si = p.transA ? 1 : lda;
  const sp = p.transA ? lda : 1;
  for (let i = 0; i < m; i++) {
    const ci = co + i * ldc;
    c.fill(0, ci, ci + n);
    const ai = ao + i * si;
    let q = 0;
    for (; q + 3 < k; q += 4) {
      const a0 = a[ai + q * sp], a1 = a[ai + (q + 1) * sp];
      const a2 = a[ai + (q + 2) * sp], a3 = a[ai + (q + 3) * sp];
      const b0 = bo + q * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < n; j++) {
        c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
      }
    }
    for (; q < k; q++) {
      const a0 = a[ai + q * sp];
      const b0 = bo + q * ldb;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
    }
  }
}

/** B transposed: C[i,j] = Σ_p A[i,p]·B[j,p], four columns of C at a time. */
function dots(
  p: GemmProblem,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  c: Float32Array,
  co: number,
): void {
  const { m, n, k, lda, ldb, ldc } = p;
  const si = p.transA ? 1 : lda;
  const sp = p.transA ? lda : 1;
  for (let i = 0; i < m; i++) {
    const ai = ao + i * si;
    const ci = co + i * ldc;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bo + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let q = 0; q < k; q++) {
        const x = a[ai + q * sp];
        s0 += x * b[b0 + q];
        s1 += x * b[b1 + q];
        s2 += x * b[b2 + q];
        s3 += x * b[b3 + q];
      }
      c[ci + j] = s0;
      c[ci + j + 1] = s1;
      c[ci + j + 2] = s2;
      c[ci + j + 3] = s3;
    }
    for (; j < n; j++) {
      const b0 = bo + j * ldb;
      let s = 0;
      for (let q = 0; q < k; q++) s += a[ai + q * sp] * b[b0 + q];
      c[ci + j] = s;
    }
  }
}
