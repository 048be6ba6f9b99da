/**
 * The interface of the engine's element loops (see `loops.ts`), apart from
 * the code that picks an implementation, so that the implementations
 * (`loops_js.ts`, `loops_simd.ts`) import it without an import cycle.
 *
 * @module
 */
import type { Slab } from "./heap.ts";

/** One AdamW update's scalars (see `lib/train/adamw.ts`). */
export interface AdamWStep {
  /** `1 − lr·weightDecay` for decayed parameters, else 1. */
  readonly decay: number;
  readonly beta1: number;
  readonly beta2: number;
  /** `lr / (1 − β1ᵗ)`. */
  readonly stepSize: number;
  /** `√(1 − β2ᵗ)`. */
  readonly bc2Sqrt: number;
  readonly eps: number;
}

/** The loops; every length counts float32 elements. */
export interface Loops {
  /** `js` or `simd`. */
  readonly kind: "js" | "simd";
  /**
   * Layer norm of `rows` rows of `cols` (`b` may be absent); `stats` gets
   * each row's mean and `1/√(variance + eps)`, two floats a row.
   */
  layerNorm(
    x: Slab,
    w: Slab,
    b: Slab | null,
    y: Slab,
    stats: Slab,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  /** Its gradient, given the forward pass's `stats`: `dx` per row, `dw` and `db` summed over rows. */
  layerNormGrad(
    dy: Slab,
    x: Slab,
    w: Slab,
    stats: Slab,
    dx: Slab,
    dw: Slab,
    db: Slab,
    rows: number,
    cols: number,
  ): void;
  /**
   * In place, for `count` square `[t, t]` blocks of scores: row i becomes
   * `softmax(scale · s[i, 0..i])` followed by zeros (the causal mask).
   */
  causalSoftmax(s: Slab, count: number, t: number, scale: number): void;
  /** In place: `dp` becomes `scale · p ⊙ (dp − rowsum(p ⊙ dp))`, zero above the diagonal. */
  causalSoftmaxGrad(p: Slab, dp: Slab, count: number, t: number, scale: number): void;
  /**
   * For `rows` rows of `v` logits: `stats[2r]` = the row's max, `stats[2r + 1]`
   * = `Σ exp(x − max)` (so logsumexp = max + log of it).
   */
  rowSoftmaxStats(x: Slab, rows: number, v: number, stats: Slab): void;
  /** `g = c · exp(x − lse[r])` row by row: the softmax times `c`, given each row's logsumexp. */
  rowSoftmaxScaled(x: Slab, lse: Slab, rows: number, v: number, g: Slab, c: number): void;
  /**
   * One AdamW update in float32 as PyTorch computes it: `m`, `v` in place,
   * the new parameter into `out` (which may be `p` itself).
   */
  adamW(p: Slab, g: Slab, m: Slab, v: Slab, out: Slab, n: number, h: AdamWStep): void;
  /** `Σ x²` (accumulated in float64 by the TypeScript loop, float32 lanes by SIMD). */
  sumSquares(x: Slab, n: number): number;
  /** `y[r, :] += b` for each of `rows` rows of `cols`. */
  addBias(y: Slab, b: Slab, rows: number, cols: number): void;
  /** `out[j] = Σ_r x[r, j]` over `rows` rows of `cols`. */
  sumRows(x: Slab, rows: number, cols: number, out: Slab): void;
  /** `y = c · x`, with `c` rounded to float32. */
  scale(x: Slab, y: Slab, n: number, c: number): void;
  /** GPT-2's tanh GELU, `y = x·σ(2√(2/π)(x + 0.044715x³))`. */
  gelu(x: Slab, y: Slab, n: number): void;
  /** `dx = dy · gelu'(x)` given `y = gelu(x)` (σ(u) is y/x, or ½ where x = 0). */
  geluGrad(dy: Slab, x: Slab, y: Slab, dx: Slab, n: number): void;
}
