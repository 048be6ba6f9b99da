/**
 * Principal component analysis down to two dimensions, in plain JavaScript
 * (float64), for plotting embedding tables: centre the rows, find the two
 * directions of largest variance, project onto them.
 *
 * Method: block power iteration on the covariance XᵀX with two
 * orthonormalised vectors (the d × d matrix is formed when there are more
 * rows than dimensions, else applied as Xᵀ(Xv)), then a 2 × 2 Rayleigh–Ritz
 * step to order and align them. The start vectors are fixed and each component's sign is chosen
 * so its largest-magnitude entry is positive: the same input always gives
 * the same picture.
 *
 * @module
 */

/** A point in the PCA plane: `x` along the first component, `y` the second. */
export interface Point2d {
  x: number;
  y: number;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Returns a function computing XᵀX v for the centred rows `X`. */
function covarianceOperator(rows: Float64Array[], d: number): (v: Float64Array) => Float64Array {
  if (d > rows.length) {
    // Few rows: apply Xᵀ(Xv) directly, O(rows × d) per call.
    return (v) => {
      const out = new Float64Array(d);
      for (const row of rows) {
        const p = dot(row, v);
        for (let j = 0; j < d; j++) out[j] += p * row[j];
      }
      return out;
    };
  }
  // Many rows: form the d × d matrix once, then O(d²) per call.
  const cov = new Float64Array(d * d);
  for (const row of rows) {
    for (let i = 0; i < d; i++) {
      const ri = row[i];
      if (ri === 0) continue;
      for (let j = i; j < d; j++) cov[i * d + j] += ri * row[j];
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i * d + j] = cov[j * d + i];
  return (v) => {
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += cov[i * d + j] * v[j];
      out[i] = s;
    }
    return out;
  };
}

/**
 * Gram–Schmidt on two vectors in place (twice, for accuracy). A vector whose
 * length falls below `tiny` is rounding noise and becomes 0.
 */
function orthonormalise(a: Float64Array, b: Float64Array, tiny: number): void {
  const na = Math.sqrt(dot(a, a));
  if (na > tiny) { for (let i = 0; i < a.length; i++) a[i] /= na; }
  else a.fill(0);
  for (let pass = 0; pass < 2; pass++) {
    const p = dot(a, b);
    for (let i = 0; i < b.length; i++) b[i] -= p * a[i];
  }
  const nb = Math.sqrt(dot(b, b));
  if (nb > tiny) { for (let i = 0; i < b.length; i++) b[i] /= nb; }
  else b.fill(0);
}

/** Squared length of the part of `v` outside the span of orthonormal `a`, `b`. */
function outside(v: Float64Array, a: Float64Array, b: Float64Array): number {
  const pa = dot(v, a);
  const pb = dot(v, b);
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const r = v[i] - pa * a[i] - pb * b[i];
    s += r * r;
  }
  return s;
}

/** Flips `v` so that its largest-magnitude entry (first on ties) is positive. */
function fixSign(v: Float64Array): void {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best]) + 1e-12) best = i;
  if (v[best] < 0) { for (let i = 0; i < v.length; i++) v[i] = -v[i]; }
}

/**
 * Projects each row of `matrix` (e.g. an embedding table, one row per token)
 * onto its first two principal components. Rows must all have the same
 * length; with fewer than two dimensions (or rank below two) the missing
 * coordinates are 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pca2d } from "./pca.ts";
 * // Points on the line t·(3, 4): the first component is that line.
 * const points = pca2d([[-3, -4], [0, 0], [3, 4], [6, 8]]);
 * assert.deepEqual(points.map((p) => Math.round(p.x * 1e9) / 1e9), [-7.5, -2.5, 2.5, 7.5]);
 * assert.ok(points.every((p) => Math.abs(p.y) < 1e-9));
 * ```
 */
export function pca2d(matrix: readonly (readonly number[])[]): Point2d[] {
  const n = matrix.length;
  if (n === 0) return [];
  const d = matrix[0].length;
  const mean = new Float64Array(d);
  matrix.forEach((row, i) => {
    if (row.length !== d) {
      throw new RangeError(
        `pca2d needs rows of equal length; row 0 has ${d}, row ${i} has ${row.length}`,
      );
    }
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(row[j])) {
        throw new RangeError(`pca2d got a non-finite value at row ${i}, column ${j}: ${row[j]}`);
      }
      mean[j] += row[j] / n;
    }
  });
  const rows = matrix.map((row) => Float64Array.from(row, (v, j) => v - mean[j]));
  const cov = covarianceOperator(rows, d);
  // Fixed, generic start vectors (not orthogonal to any simple direction).
  let a: Float64Array = Float64Array.from({ length: d }, (_, j) => 1 + Math.sin(j + 1) / 2);
  let b: Float64Array = Float64Array.from({ length: d }, (_, j) => Math.cos(3 * j + 1));
  orthonormalise(a, b, 0);
  for (let iter = 0; iter < 2000; iter++) {
    const na = cov(a);
    const nb = cov(b);
    // Lengths below 1e-12 of the largest are rounding noise (rank < 2).
    const tiny = 1e-12 * Math.max(Math.sqrt(dot(na, na)), Math.sqrt(dot(nb, nb)));
    orthonormalise(na, nb, tiny);
    const moved = outside(na, a, b) + outside(nb, a, b);
    a = na;
    b = nb;
    if (moved < 1e-24) break;
  }
  // Rayleigh–Ritz: diagonalise the 2 × 2 projected covariance.
  const ca = cov(a);
  const cb = cov(b);
  const saa = dot(a, ca);
  const sab = dot(a, cb);
  const sbb = dot(b, cb);
  const theta = 0.5 * Math.atan2(2 * sab, saa - sbb);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const u1 = a.map((v, i) => c * v + s * b[i]);
  const u2 = a.map((v, i) => -s * v + c * b[i]);
  fixSign(u1);
  fixSign(u2);
  return rows.map((row) => ({ x: dot(row, u1), y: dot(row, u2) }));
}
