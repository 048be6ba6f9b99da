/**
 * Attention over a recurrent network's own past hidden states: at step t the
 * query is h_t, the keys and values are h_s for every s ≤ t (causal: a step
 * sees itself and the past, never the future), and the context is their
 * weighted sum
 *
 *     α_ts = softmax_s(score(h_t, h_s))      c_t = Σ_s α_ts·h_s
 *
 * with one of two scorers:
 *
 * - **additive** (Bahdanau et al., 2015): `score = vᵀ tanh(W_q h_t + W_k h_s)`,
 *   a one-hidden-layer network per pair; parameters `<prefix>.w_query.weight`
 *   `[A, H]`, `<prefix>.w_key.weight` `[A, H]` and `<prefix>.v.weight`
 *   `[1, A]` (`nn.Linear(…, bias=False)` layouts);
 * - **dot** (Luong et al., 2015, scaled as in Vaswani et al., 2017):
 *   `score = h_tᵀ h_s / √H`, no parameters.
 *
 * Causality (and an optional window: step t sees at most `window` states,
 * itself included) is an additive mask, 0 where allowed and −1e9 elsewhere,
 * which is much cheaper here than `tf.where` (`lib/README.md`, "The engine"). Shapes are
 * batch-first: queries `(B, Tq, H)`, keys `(B, Tk, H)` with `Tk ≥ Tq`, the
 * queries being the last `Tq` of the keys (earlier keys are remembered
 * states), weights `(B, Tq, Tk)`.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import type { ParamStore } from "./param_store.ts";

/** The scorers. */
export const ATTENTION_SCORERS = ["additive", "dot"] as const;

/** Which scorer. */
export type AttentionScorer = typeof ATTENTION_SCORERS[number];

/** Options for {@link PastAttention}. */
export interface PastAttentionOptions {
  /** The scorer. */
  readonly scorer: AttentionScorer;
  /** Width H of the hidden states. */
  readonly hiddenSize: number;
  /** Width A of the additive scorer's hidden layer (default H). */
  readonly attentionDim?: number;
}

/** What {@link PastAttention.forward} returns. */
export interface PastAttentionOutput {
  /** The context vectors c_t, `(B, Tq, H)`. */
  readonly context: tf.Tensor3D;
  /** The attention weights α, `(B, Tq, Tk)`; each row sums to 1. */
  readonly weights: tf.Tensor3D;
}

/**
 * The additive causal mask `(Tq, Tk)`: 0 where query t (the key at position
 * `Tk − Tq + t`) may look, −1e9 elsewhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pastMask } from "./past_attention.ts";
 * assert.deepEqual(pastMask(2, 3).arraySync(), [[0, 0, -1e9], [0, 0, 0]]); // one remembered state
 * assert.deepEqual(pastMask(2, 2, 1).arraySync(), [[0, -1e9], [-1e9, 0]]); // window 1: itself only
 * ```
 */
export function pastMask(queries: number, keys: number, window = Infinity): tf.Tensor2D {
  const offset = keys - queries;
  const m = new Float32Array(queries * keys);
  for (let t = 0; t < queries; t++) {
    const at = offset + t;
    for (let s = 0; s < keys; s++) m[t * keys + s] = s <= at && s > at - window ? 0 : -1e9;
  }
  return tf.tensor2d(m, [queries, keys]);
}

/**
 * Causal attention over past hidden states with an additive or a scaled
 * dot-product scorer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { PastAttention } from "./past_attention.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const attn = new PastAttention(store, "attn", { scorer: "additive", hiddenSize: 8, attentionDim: 4 });
 * const h = tf.randomNormal([2, 5, 8]); // (B, T, H)
 * const { context, weights } = attn.forward(h, h);
 * assert.deepEqual(context.shape, [2, 5, 8]);
 * const w = weights.arraySync()[0];
 * assert.equal(w[0][0], 1); // step 0 can only look at itself
 * assert.equal(w[2][3], 0); // never at the future
 * store.dispose();
 * ```
 */
export class PastAttention {
  /** The scorer. */
  readonly scorer: AttentionScorer;
  /** W_q (additive), `[A, H]`. */
  readonly wQuery?: tf.Variable;
  /** W_k (additive), `[A, H]`. */
  readonly wKey?: tf.Variable;
  /** v (additive), `[1, A]`. */
  readonly v?: tf.Variable;
  readonly #hidden: number;

  /** Creates the scorer's weights in `store` under `prefix` (none for `dot`). */
  constructor(store: ParamStore, prefix: string, options: PastAttentionOptions) {
    const { scorer, hiddenSize: H } = options;
    if (!ATTENTION_SCORERS.includes(scorer)) {
      throw new InputError(
        `unknown attention scorer "${scorer}": choose one of ${ATTENTION_SCORERS.join(", ")}`,
      );
    }
    this.scorer = scorer;
    this.#hidden = H;
    if (scorer === "additive") {
      const A = options.attentionDim ?? H;
      const init = (fanIn: number) =>
        ({ kind: "uniform", low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) }) as const;
      this.wQuery = store.add(`${prefix}.w_query.weight`, [A, H], init(H));
      this.wKey = store.add(`${prefix}.w_key.weight`, [A, H], init(H));
      this.v = store.add(`${prefix}.v.weight`, [1, A], init(A));
    }
  }

  /**
   * Attends from `queries` (`(B, Tq, H)`) over `keys` (`(B, Tk, H)`, also the
   * values; the queries are its last `Tq` rows). `window` limits how many
   * states each step sees (itself included; default all).
   */
  forward(
    queries: tf.Tensor,
    keys: tf.Tensor,
    options: { window?: number } = {},
  ): PastAttentionOutput {
    const [B, Tq, H] = queries.shape as [number, number, number];
    const Tk = keys.shape[1] as number;
    if (queries.rank !== 3 || keys.rank !== 3 || H !== this.#hidden || Tk < Tq) {
      throw new InputError(
        `past attention needs queries [B, Tq, ${this.#hidden}] and keys [B, Tk ≥ Tq, ${this.#hidden}]; got [${queries.shape}] and [${keys.shape}]`,
      );
    }
    return tf.tidy(() => {
      const scores = this.scores(queries, keys); // (B, Tq, Tk)
      const masked = tf.add(scores, pastMask(Tq, Tk, options.window));
      const weights = tf.softmax(masked) as tf.Tensor3D;
      const context = tf.matMul(weights, keys) as tf.Tensor3D; // (B, Tq, H)
      assertShape(context, [B, Tq, H]);
      return { context, weights };
    });
  }

  /** Unmasked scores `(B, Tq, Tk)`. */
  scores(queries: tf.Tensor, keys: tf.Tensor): tf.Tensor3D {
    const [B, Tq, H] = queries.shape as [number, number, number];
    const Tk = keys.shape[1] as number;
    return tf.tidy(() => {
      if (this.scorer === "dot") {
        return tf.mul(tf.matMul(queries, keys, false, true), 1 / Math.sqrt(H)) as tf.Tensor3D;
      }
      const A = this.v!.shape[1] as number;
      const q = tf.matMul(tf.reshape(queries, [B * Tq, H]), this.wQuery!, false, true); // (B·Tq, A)
      const k = tf.matMul(tf.reshape(keys, [B * Tk, H]), this.wKey!, false, true); // (B·Tk, A)
      const e = tf.tanh(tf.add( // (B, Tq, Tk, A): one small network per (t, s) pair
        tf.reshape(q, [B, Tq, 1, A]),
        tf.reshape(k, [B, 1, Tk, A]),
      ));
      const s = tf.matMul(tf.reshape(e, [B * Tq * Tk, A]), this.v!, false, true); // vᵀ e
      return tf.reshape(s, [B, Tq, Tk]) as tf.Tensor3D;
    });
  }
}

function assertShape(t: tf.Tensor, shape: number[]): void {
  if (t.shape.join() !== shape.join()) {
    throw new Error(`past attention: expected shape [${shape}], got [${t.shape}]`);
  }
}
