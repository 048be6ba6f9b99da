/**
 * One Transformer block, laid out like `torch.nn.TransformerEncoderLayer`
 * (`batch_first=True`, `activation="relu"`), with a causal mask:
 *
 *     post-LN (the 2017 paper, norm_first=False):
 *       x = norm1(x + attn(x))
 *       x = norm2(x + ffn(x))
 *     pre-LN (GPT-2 and later, norm_first=True):
 *       x = x + attn(norm1(x))
 *       x = x + ffn(norm2(x))
 *     ffn(x) = linear2(dropout(relu(linear1(x))))      C → dimFeedforward → C
 *
 * Dropout (training only) follows the paper (§5.4): on each branch's output
 * before the addition, and inside the FFN as PyTorch does; not on the
 * attention weights unless `attentionDropout` asks for it.
 *
 * Weight names are PyTorch's: `self_attn.in_proj_weight` `[3C, C]`,
 * `self_attn.in_proj_bias`, `self_attn.out_proj.{weight,bias}`,
 * `linear1.{weight,bias}`, `linear2.{weight,bias}`, `norm1.*`, `norm2.*`, so
 * a block's state dict loads into PyTorch unchanged. Attention is the shared
 * {@link CausalSelfAttention} (GPT's), in its `"torch"` layout.
 *
 * Two ablation switches for notebook 4: `residual: false` drops the skip
 * connections (`x = norm(attn(x))`), `layerNorm: false` drops the norms.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { Rng } from "../rng.ts";
import { CausalSelfAttention, type LayerCache } from "./attention.ts";
import { dropout } from "./dropout.ts";
import { LayerNorm } from "./layer_norm.ts";
import { Linear } from "./linear.ts";
import type { ParamStore } from "./param_store.ts";

/** Options for {@link TransformerBlock}. */
export interface TransformerBlockOptions {
  /** Model width C. */
  readonly nEmbd: number;
  /** Attention heads (must divide C). */
  readonly nHead: number;
  /** Hidden width of the feed-forward network (the paper: 4C). */
  readonly dimFeedforward: number;
  /** Dropout on each branch's output and inside the FFN (the paper's residual dropout). */
  readonly dropout: number;
  /**
   * Dropout on the attention weights (default 0: the paper has none; PyTorch's
   * layer uses `dropout` here too). At 0, training keeps the fused attention.
   */
  readonly attentionDropout?: number;
  /** Where the layer norms sit (default `"post"`, as the paper). */
  readonly norm?: "post" | "pre";
  /** Skip connections (default true; false is an ablation). */
  readonly residual?: boolean;
  /** Layer norms (default true; false is an ablation). */
  readonly layerNorm?: boolean;
  /** Number of blocks in the stack (scales the output projections' init). */
  readonly nLayer?: number;
}

/** Per-call options of {@link TransformerBlock.forward}. */
export interface BlockForwardOptions {
  /** Dropout on. */
  readonly training?: boolean;
  /** Dropout masks' RNG (needed when training with dropout). */
  readonly rng?: Rng;
  /** Continue from (and extend) this key/value cache. */
  readonly cache?: LayerCache;
  /** Also return the attention weights `(B, H, T, T_total)`. */
  readonly returnWeights?: boolean;
}

/**
 * A post-LN or pre-LN Transformer block with causal self-attention.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { TransformerBlock } from "./transformer_block.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const block = new TransformerBlock(store, "layers.0", { nEmbd: 8, nHead: 2, dimFeedforward: 16, dropout: 0 });
 * const { y } = block.forward(tf.randomNormal([2, 5, 8]));
 * assert.deepEqual(y.shape, [2, 5, 8]);
 * assert.ok(store.list().some((p) => p.name === "layers.0.self_attn.in_proj_weight"));
 * block.dispose();
 * store.dispose();
 * ```
 */
export class TransformerBlock {
  /** The block's self-attention. */
  readonly attn: CausalSelfAttention;
  readonly #linear1: Linear;
  readonly #linear2: Linear;
  readonly #norm1?: LayerNorm;
  readonly #norm2?: LayerNorm;
  readonly #o: TransformerBlockOptions;

  /** Creates the block's parameters in `store` under `prefix`. */
  constructor(store: ParamStore, prefix: string, options: TransformerBlockOptions) {
    this.#o = options;
    const { nEmbd: C, dimFeedforward: F } = options;
    const nLayer = options.nLayer ?? 1;
    this.attn = new CausalSelfAttention(store, `${prefix}.self_attn`, {
      nEmbd: C,
      nHead: options.nHead,
      bias: true,
      // the block drops the branch's output itself (torch's dropout1); inside
      // the attention only the weights are dropped, as nn.MultiheadAttention
      dropout: 0,
      attnDropout: options.attentionDropout ?? 0,
      nLayer,
      layout: "torch",
    });
    this.#linear1 = new Linear(store, `${prefix}.linear1`, { inFeatures: C, outFeatures: F });
    this.#linear2 = new Linear(store, `${prefix}.linear2`, {
      inFeatures: F,
      outFeatures: C,
      init: { kind: "normal", std: 0.02 / Math.sqrt(2 * nLayer) },
    });
    if (options.layerNorm ?? true) {
      this.#norm1 = new LayerNorm(store, `${prefix}.norm1`, { dim: C });
      this.#norm2 = new LayerNorm(store, `${prefix}.norm2`, { dim: C });
    }
  }

  /** The block applied to `x` `(B, T, C)`. */
  forward(
    x: tf.Tensor,
    options: BlockForwardOptions = {},
  ): { y: tf.Tensor; weights?: tf.Tensor4D } {
    const training = options.training ?? false;
    const drop = (t: tf.Tensor) =>
      training && this.#o.dropout > 0
        ? dropout(t, this.#o.dropout, { training, rng: options.rng! })
        : t;
    const pre = this.#o.norm === "pre";
    const residual = this.#o.residual ?? true;
    const n1 = (t: tf.Tensor) => this.#norm1 ? this.#norm1.forward(t) : t;
    const n2 = (t: tf.Tensor) => this.#norm2 ? this.#norm2.forward(t) : t;
    const add = (a: tf.Tensor, b: tf.Tensor) => residual ? tf.add(a, b) : b;
    let weights: tf.Tensor4D | undefined;
    const y = tf.tidy(() => {
      // attention branch, then dropout on its output (torch's dropout1)
      const a = this.attn.forward(pre ? n1(x) : x, {
        cache: options.cache,
        returnWeights: options.returnWeights,
        training,
        rng: options.rng,
      });
      if (a.weights) weights = tf.keep(a.weights);
      const ay = drop(a.y);
      let h = pre ? add(x, ay) : n1(add(x, ay));
      // feed-forward branch
      const ffn = (t: tf.Tensor) =>
        drop(this.#linear2.forward(drop(tf.relu(this.#linear1.forward(t)))));
      h = pre ? add(h, ffn(n2(h))) : n2(add(h, ffn(h)));
      return h;
    });
    return weights ? { y, weights } : { y };
  }

  /** Frees the attention's cached masks (the parameters belong to the store). */
  dispose(): void {
    this.attn.dispose();
  }
}
