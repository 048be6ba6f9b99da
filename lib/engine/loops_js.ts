/**
 * The element loops of the engine's fused kernels in plain TypeScript: the
 * implementation on the `cpu` backend, and the reference the wasm SIMD loops
 * are tested against. Every array argument is a {@link Slab} (an array and
 * an element offset into it), so the same loops run on the wasm heap and on
 * cpu tensors. Sums are accumulated in float64.
 *
 * @module
 */
import type { Slab } from "./heap.ts";
import type { AdamWStep, Loops } from "./loop_types.ts";

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** The loops in TypeScript. */
export const jsLoops: Loops = {
  kind: "js",

  layerNorm(x, w, b, y, stats, rows, cols, eps) {
    const xs = x.arr, ys = y.arr, ws = w.arr, bs = b?.arr, st = stats.arr;
    for (let r = 0; r < rows; r++) {
      const xo = x.off + r * cols, yo = y.off + r * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s += xs[xo + j];
      const mean = s / cols;
      let q = 0;
      for (let j = 0; j < cols; j++) q += (xs[xo + j] - mean) ** 2;
      const rstd = 1 / Math.sqrt(q / cols + eps);
      st[stats.off + 2 * r] = mean;
      st[stats.off + 2 * r + 1] = rstd;
      for (let j = 0; j < cols; j++) {
        const shift = bs ? bs[b!.off + j] : 0;
        ys[yo + j] = (xs[xo + j] - mean) * rstd * ws[w.off + j] + shift;
      }
    }
  },

  layerNormGrad(dy, x, w, stats, dx, dw, db, rows, cols) {
    const gs = dy.arr, xs = x.arr, ws = w.arr, out = dx.arr, st = stats.arr;
    const sw = new Float64Array(cols), sb = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const xo = x.off + r * cols, go = dy.off + r * cols, oo = dx.off + r * cols;
      const mean = st[stats.off + 2 * r], rstd = st[stats.off + 2 * r + 1];
      let sg = 0, sgx = 0;
      for (let j = 0; j < cols; j++) {
        const xhat = (xs[xo + j] - mean) * rstd, d = gs[go + j], g = d * ws[w.off + j];
        sg += g;
        sgx += g * xhat;
        sw[j] += d * xhat;
        sb[j] += d;
      }
      const mg = sg / cols, mgx = sgx / cols;
      for (let j = 0; j < cols; j++) {
        const xhat = (xs[xo + j] - mean) * rstd;
        out[oo + j] = rstd * (gs[go + j] * ws[w.off + j] - mg - xhat * mgx);
      }
    }
    dw.arr.set(sw, dw.off);
    db.arr.set(sb, db.off);
  },

  causalSoftmax(s, count, t, scale) {
    const a = s.arr;
    for (let blk = 0; blk < count; blk++) {
      for (let i = 0; i < t; i++) {
        const o = s.off + (blk * t + i) * t;
        let max = -Infinity;
        for (let j = 0; j <= i; j++) max = Math.max(max, a[o + j] * scale);
        let sum = 0;
        for (let j = 0; j <= i; j++) {
          const e = Math.exp(a[o + j] * scale - max);
          a[o + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j <= i; j++) a[o + j] *= inv;
        for (let j = i + 1; j < t; j++) a[o + j] = 0;
      }
    }
  },

  causalSoftmaxGrad(p, dp, count, t, scale) {
    const ps = p.arr, ds = dp.arr;
    for (let blk = 0; blk < count; blk++) {
      for (let i = 0; i < t; i++) {
        const po = p.off + (blk * t + i) * t, d = dp.off + (blk * t + i) * t;
        let dot = 0;
        for (let j = 0; j <= i; j++) dot += ps[po + j] * ds[d + j];
        for (let j = 0; j <= i; j++) ds[d + j] = ps[po + j] * (ds[d + j] - dot) * scale;
        for (let j = i + 1; j < t; j++) ds[d + j] = 0;
      }
    }
  },

  rowSoftmaxStats(x, rows, v, stats) {
    const a = x.arr, out = stats.arr;
    for (let r = 0; r < rows; r++) {
      const o = x.off + r * v;
      let max = -Infinity;
      for (let j = 0; j < v; j++) if (a[o + j] > max) max = a[o + j];
      let sum = 0;
      for (let j = 0; j < v; j++) sum += Math.exp(a[o + j] - max);
      out[stats.off + 2 * r] = max;
      out[stats.off + 2 * r + 1] = sum;
    }
  },

  rowSoftmaxScaled(x, lse, rows, v, g, c) {
    const a = x.arr, l = lse.arr, out = g.arr;
    for (let r = 0; r < rows; r++) {
      const o = r * v, m = l[lse.off + r];
      for (let j = 0; j < v; j++) out[g.off + o + j] = Math.exp(a[x.off + o + j] - m) * c;
    }
  },

  adamW(p, g, m, v, out, n, h) {
    adamWLoop(p, g, m, v, out, n, h);
  },

  sumSquares(x, n) {
    const a = x.arr;
    let s = 0;
    for (let i = x.off, end = x.off + n; i < end; i++) s += a[i] * a[i];
    return s;
  },

  addBias(y, b, rows, cols) {
    const ys = y.arr, bs = b.arr;
    for (let r = 0; r < rows; r++) {
      const o = y.off + r * cols;
      for (let j = 0; j < cols; j++) ys[o + j] += bs[b.off + j];
    }
  },

  sumRows(x, rows, cols, out) {
    const xs = x.arr, sums = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = x.off + r * cols;
      for (let j = 0; j < cols; j++) sums[j] += xs[o + j];
    }
    out.arr.set(sums, out.off);
  },

  scale(x, y, n, c) {
    const a = x.arr, b = y.arr, cf = Math.fround(c);
    for (let i = 0; i < n; i++) b[y.off + i] = a[x.off + i] * cf;
  },

  gelu(x, y, n) {
    const a = x.arr, b = y.arr;
    for (let i = 0; i < n; i++) {
      const v = a[x.off + i];
      b[y.off + i] = v / (1 + Math.exp(-2 * GELU_C * v * (1 + GELU_A * v * v)));
    }
  },

  geluGrad(dy, x, y, dx, n) {
    const a = x.arr, b = y.arr, d = dy.arr, out = dx.arr;
    const k1 = 2 * GELU_C, k3 = 3 * 2 * GELU_C * GELU_A;
    for (let i = 0; i < n; i++) {
      const v = a[x.off + i];
      const s = v === 0 ? 0.5 : b[y.off + i] / v;
      out[dx.off + i] = d[dy.off + i] * (s + v * s * (1 - s) * (k1 + k3 * v * v));
    }
  },
};

/**
 * AdamW in float32, operation by operation as `torch.optim.AdamW` (its
 * single-tensor path) rounds: `Math.fround` after every step.
 */
function adamWLoop(
  p: Slab,
  g: Slab,
  m: Slab,
  v: Slab,
  out: Slab,
  n: number,
  h: AdamWStep,
): void {
  const f = Math.fround;
  const ps = p.arr, gs = g.arr, ms = m.arr, vs = v.arr, os = out.arr;
  const [b1, b2, one1, one2] = [f(h.beta1), f(h.beta2), f(1 - h.beta1), f(1 - h.beta2)];
  const [decay, stepSize, bc2Sqrt, eps] = [f(h.decay), f(h.stepSize), f(h.bc2Sqrt), f(h.eps)];
  for (let i = 0; i < n; i++) {
    const gi = gs[g.off + i];
    const mi = f(f(ms[m.off + i] * b1) + f(gi * one1));
    const vi = f(f(vs[v.off + i] * b2) + f(f(gi * gi) * one2));
    ms[m.off + i] = mi;
    vs[v.off + i] = vi;
    const denom = f(f(f(Math.sqrt(vi)) / bc2Sqrt) + eps);
    const pi = decay === 1 ? ps[p.off + i] : f(ps[p.off + i] * decay);
    os[out.off + i] = f(pi - f(f(mi / denom) * stepSize));
  }
}
