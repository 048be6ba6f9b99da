/**
 * Causal multi-head self-attention, GPT-2 style. For every position, each
 * head compares its query with the keys of that position and all earlier ones
 * (scaled dot products), turns the scores into weights with a softmax, and
 * returns the weighted sum of the values; the heads' outputs are concatenated
 * and projected back to the model width.
 *
 * Shapes: x `(B, T, C)`; per head `D = C / H`; q, k, v `(B, H, T, D)`; scores
 * `(B, H, T, T_total)`. Causality is an additive mask (0 where allowed, −1e9
 * in the future), which is much faster here than `tf.where` (`lib/README.md`, "The engine"). A
 * key/value cache lets generation feed one new token at a time.
 *
 * {@link causalAttentionOps} is the heart of it in tfjs ops, from the fused
 * `qkv` projection to the heads' outputs side by side. Training and plain
 * forward passes (no cache, no attention weights returned, no attention
 * dropout) call {@link causalAttention}: that maths, or on the engine's
 * backends the same as one fused op with a hand-written gradient that reads
 * the heads straight out of `qkv` (`fusedCausalAttention`,
 * `lib/engine/attention.ts`); `tests/engine/attention_test.ts` checks both
 * against a float64 reference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedCausalAttention } from "../engine/attention.ts";
import type { Rng } from "../rng.ts";
import { dropout } from "./dropout.ts";
import { Linear, linear } from "./linear.ts";
import type { ParamStore } from "./param_store.ts";

/**
 * The maths: causal self-attention of `qkv` (`[B, T, 3C]`: queries, keys and
 * values side by side) with `nHead` heads, in tfjs ops. Split into heads
 * `(B, H, T, D)`, scores `q·kᵀ/√D` plus an additive mask that hides the
 * future, softmax, weighted sum of the values, heads back side by side:
 * `[B, T, C]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { causalAttentionOps } from "./attention.ts";
 * const v = tf.tensor3d([[[1, 2], [3, 4]]]); // B 1, T 2, C 2
 * const qkv = tf.concat([tf.zerosLike(v), tf.zerosLike(v), v], 2);
 * const y = causalAttentionOps(qkv, 1).arraySync() as number[][][];
 * assert.deepEqual(y[0], [[1, 2], [2, 3]]); // token 0 sees itself, token 1 averages both
 * ```
 */
export function causalAttentionOps(qkv: tf.Tensor, nHead: number): tf.Tensor {
  const [B, T, C3] = qkv.shape as [number, number, number];
  const C = C3 / 3, D = C / nHead;
  return tf.tidy(() => {
    const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nHead, D]), [0, 2, 1, 3]);
    const [q, k, v] = tf.split(qkv, 3, 2).map(heads);
    const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), mask);
    const y = tf.matMul(tf.softmax(scores), v); // (B, H, T, D)
    return tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [B, T, C]);
  });
}

/**
 * Causal self-attention of `qkv` (`[B, T, 3C]`, as GPT-2's `c_attn` makes
 * it) with `nHead` heads: `[B, T, C]`. It is {@link causalAttentionOps}; where
 * the engine has its fused kernel, that computes the same in one op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { causalAttention } from "./attention.ts";
 * const v = tf.tensor3d([[[1, 2], [3, 4]]]);
 * const qkv = tf.concat([tf.zerosLike(v), tf.zerosLike(v), v], 2);
 * assert.deepEqual((causalAttention(qkv, 1).arraySync() as number[][][])[0], [[1, 2], [2, 3]]);
 * ```
 */
export function causalAttention(qkv: tf.Tensor, nHead: number): tf.Tensor {
  if (qkv.rank !== 3 || (qkv.shape[2] as number) % (3 * nHead) !== 0) {
    throw new Error(`causalAttention: qkv must be [B, T, 3C] with C divisible by ${nHead} heads`);
  }
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/attention_test.ts checks both); null where it has none.
  return fusedCausalAttention(qkv, nHead) ?? causalAttentionOps(qkv, nHead);
}

/** Cached keys and values of one layer, `(B, H, T_past, D)` each. */
export interface LayerCache {
  k?: tf.Tensor4D;
  v?: tf.Tensor4D;
}

/** Options for {@link CausalSelfAttention}. */
export interface AttentionOptions {
  /** Model width C. */
  readonly nEmbd: number;
  /** Number of heads H (must divide C). */
  readonly nHead: number;
  /** Biases on the projections. */
  readonly bias: boolean;
  /** Dropout on the output (and on the attention weights unless `attnDropout` is set). */
  readonly dropout: number;
  /**
   * Dropout on the attention weights (GPT-2's `attn_pdrop`); default: `dropout`.
   * Zero keeps training on the fused attention kernel, which is much faster.
   */
  readonly attnDropout?: number;
  /** Number of layers (scales the output projection's init, as GPT-2 does). */
  readonly nLayer: number;
  /**
   * Weight names and layout (default `"gpt2"`):
   * - `"gpt2"`: Hugging Face GPT-2's `<prefix>.c_attn.weight` `[C, 3C]` and
   *   `<prefix>.c_proj.weight` `[C, C]` (Conv1D, `[in, out]`);
   * - `"torch"`: `torch.nn.MultiheadAttention`'s `<prefix>.in_proj_weight`
   *   `[3C, C]`, `<prefix>.in_proj_bias` and `<prefix>.out_proj.weight`
   *   `[C, C]` (`[out, in]`), as in `nn.TransformerEncoderLayer`'s `self_attn`.
   *
   * Either way the fused projection's output is q, k, v one after the other,
   * each split into heads of `C / H` features, so the maths is the same.
   */
  readonly layout?: "gpt2" | "torch";
}

/**
 * One attention layer: `<prefix>.c_attn` (C → 3C, Conv1D layout, as GPT-2)
 * and `<prefix>.c_proj` (C → C), or with `layout: "torch"` the names and
 * layout of `torch.nn.MultiheadAttention` (`in_proj_weight`, `out_proj`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { CausalSelfAttention } from "./attention.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const attn = new CausalSelfAttention(store, "h.0.attn", { nEmbd: 8, nHead: 2, bias: true, dropout: 0, nLayer: 1 });
 * const { y, weights } = attn.forward(tf.ones([1, 3, 8]), { returnWeights: true });
 * assert.deepEqual(y.shape, [1, 3, 8]);
 * assert.deepEqual(weights!.arraySync()[0][0][0].map((w) => Math.round(w * 1e6) / 1e6), [1, 0, 0]); // first token sees itself only
 * attn.dispose();
 * store.dispose();
 * ```
 */
export class CausalSelfAttention {
  readonly #cAttn: Linear | InProjection;
  readonly #cProj: Linear;
  readonly #o: AttentionOptions;
  readonly #masks = new Map<string, tf.Tensor2D>();

  /** Creates the two projections in `store`. */
  constructor(store: ParamStore, prefix: string, options: AttentionOptions) {
    const { nEmbd: C, bias, nLayer } = options;
    this.#o = options;
    const torch = options.layout === "torch";
    this.#cAttn = torch
      ? new InProjection(store, prefix, C, bias)
      : new Linear(store, `${prefix}.c_attn`, {
        inFeatures: C,
        outFeatures: 3 * C,
        bias,
        layout: "conv1d",
      });
    this.#cProj = new Linear(store, `${prefix}.${torch ? "out_proj" : "c_proj"}`, {
      inFeatures: C,
      outFeatures: C,
      bias,
      layout: torch ? "torch" : "conv1d",
      init: { kind: "normal", std: 0.02 / Math.sqrt(2 * nLayer) },
    });
  }

  /**
   * Attends over `x` (and the cached past, if any). With `cache`, appends this
   * call's keys and values to it (kept across `tf.tidy`; the old ones are freed).
   */
  forward(
    x: tf.Tensor,
    options: { cache?: LayerCache; returnWeights?: boolean; training?: boolean; rng?: Rng } = {},
  ): { y: tf.Tensor; weights?: tf.Tensor4D } {
    const { nEmbd: C, nHead: H } = this.#o;
    const [B, T] = x.shape as [number, number, number];
    const D = C / H;
    const cache = options.cache;
    let weights: tf.Tensor4D | undefined;
    const training = options.training === true;
    const attnRate = training ? this.#o.attnDropout ?? this.#o.dropout : 0;
    const outRate = training ? this.#o.dropout : 0;
    if (!cache && !options.returnWeights && attnRate === 0) {
      // the fused path: same maths, one op each way
      const y = tf.tidy(() => {
        const projected = this.#cProj.forward(causalAttention(this.#cAttn.forward(x), H));
        return dropout(projected, outRate, { training, rng: options.rng! });
      });
      return { y };
    }
    const y = tf.tidy(() => {
      const qkv = this.#cAttn.forward(x); // (B, T, 3C)
      const heads = (t: tf.Tensor) =>
        tf.transpose(tf.reshape(t, [B, T, H, D]), [0, 2, 1, 3]) as tf.Tensor4D;
      const [q, kNew, vNew] = tf.split(qkv, 3, 2).map(heads); // (B, H, T, D) each
      const past = cache?.k?.shape[2] ?? 0;
      const k = cache?.k ? tf.concat([cache.k, kNew], 2) as tf.Tensor4D : kNew;
      const v = cache?.v ? tf.concat([cache.v, vNew], 2) as tf.Tensor4D : vNew;
      if (cache) {
        tf.dispose([cache.k, cache.v].filter((t) => t !== undefined) as tf.Tensor[]);
        cache.k = tf.keep(k);
        cache.v = tf.keep(v);
      }
      const scores = tf.add(
        tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)),
        this.#mask(T, past),
      );
      let att = tf.softmax(scores) as tf.Tensor4D; // (B, H, T, past + T)
      if (options.returnWeights) weights = tf.keep(att);
      att = dropout(att, attnRate, { training, rng: options.rng! }) as tf.Tensor4D;
      const out = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B, T, C]); // (B, T, C)
      return dropout(this.#cProj.forward(out), outRate, { training, rng: options.rng! });
    });
    return { y, weights };
  }

  /** Additive causal mask `(T, past + T)`: query i sees keys j ≤ past + i. Cached. */
  #mask(T: number, past: number): tf.Tensor2D {
    const key = `${T}:${past}`;
    let mask = this.#masks.get(key);
    if (!mask) {
      const total = past + T;
      const values = new Float32Array(T * total);
      for (let i = 0; i < T; i++) {
        for (let j = past + i + 1; j < total; j++) values[i * total + j] = -1e9;
      }
      mask = tf.keep(tf.tensor2d(values, [T, total]));
      if (this.#masks.size > 64) this.disposeMasks(); // generation makes many shapes
      this.#masks.set(key, mask);
    }
    return mask;
  }

  /** Frees cached masks. */
  disposeMasks(): void {
    for (const m of this.#masks.values()) m.dispose();
    this.#masks.clear();
  }

  /** Frees the masks (the parameters belong to the store). */
  dispose(): void {
    this.disposeMasks();
  }
}

/** `torch.nn.MultiheadAttention`'s fused input projection: `in_proj_weight` `[3C, C]`, `in_proj_bias`. */
class InProjection {
  readonly #weight: tf.Variable;
  readonly #bias?: tf.Variable;
  constructor(store: ParamStore, prefix: string, C: number, bias: boolean) {
    this.#weight = store.add(`${prefix}.in_proj_weight`, [3 * C, C], { kind: "normal", std: 0.02 });
    if (bias) this.#bias = store.add(`${prefix}.in_proj_bias`, [3 * C], { kind: "zeros" });
  }
  forward(x: tf.Tensor): tf.Tensor {
    return linear(x, this.#weight, this.#bias, "torch");
  }
}
