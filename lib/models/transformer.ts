/**
 * A mini Transformer language model after "Attention Is All You Need"
 * (Vaswani et al., 2017), decoder-only (causal), with PyTorch's names:
 *
 *     x = tok_emb[ids] · √C + PE[positions]          (B, T, C)  §3.4, §3.5
 *     x = dropout(x)
 *     for each of nLayer blocks (post-LN as the paper, or pre-LN):
 *       x = norm1(x + attn(x));  x = norm2(x + ffn(x))   causal multi-head attention,
 *                                                       ffn: C → dimFeedforward → ReLU → C
 *     [pre-LN only: x = norm(x)]
 *     logits = x · tok_embᵀ                           (B, T, V), tied as in §3.4
 *
 * Choices, stated once:
 * - the token embedding is multiplied by √C, as the paper does; it starts
 *   with std 1/√C, so the scaled embedding has unit variance, the same scale
 *   as the sinusoidal table (whose entries lie in [−1, 1]);
 * - the output projection shares the token embedding (`tieWeights`, the
 *   paper's choice and the default); untied, it is `lm_head.weight` `[V, C]`;
 * - `positional`: `"sinusoidal"` (default, a constant table of `nPositions`
 *   rows), `"learned"` (`pos_emb.weight`), or `"none"` (ablation);
 * - pre-LN stacks end with a final `norm` (as `nn.TransformerEncoder(norm=…)`
 *   and GPT-2's `ln_f`); post-LN stacks already end in a layer norm.
 *
 * Blocks are `layers.{i}.*` in `nn.TransformerEncoderLayer`'s layout (see
 * `lib/nn/transformer_block.ts`); attention is the same
 * {@link CausalSelfAttention} GPT uses, so generation gets its KV cache.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import { checkPositiveIntegers } from "./config_checks.ts";
import { Rng } from "../rng.ts";
import { crossEntropy } from "../nn/cross_entropy.ts";
import { dropout } from "../nn/dropout.ts";
import { Embedding } from "../nn/embedding.ts";
import { LayerNorm } from "../nn/layer_norm.ts";
import { Linear } from "../nn/linear.ts";
import { ParamStore } from "../nn/param_store.ts";
import { checkPositionalKind, PositionalEncoding, type PositionalKind } from "../nn/positional.ts";
import { TransformerBlock } from "../nn/transformer_block.ts";
import { AttentionKVCache } from "../nn/kv_cache.ts";
import type { BaseConfig, ForwardOptions, ForwardOutput, KVCache, LanguageModel } from "./types.ts";

/** Transformer hyper-parameters. */
export interface TransformerConfig extends BaseConfig {
  /** Number of blocks. */
  readonly nLayer: number;
  /** Attention heads per block; must divide `nEmbd`. */
  readonly nHead: number;
  /** Model width C (the paper's d_model). */
  readonly nEmbd: number;
  /** Hidden width of each feed-forward network (the paper's d_ff, 4C). */
  readonly dimFeedforward: number;
  /** Dropout probability (embedding sums, every branch's output, inside the FFN; §5.4). */
  readonly dropout: number;
  /** Positional encoding: `"sinusoidal"`, `"learned"` or `"none"`. */
  readonly positional: PositionalKind;
  /** Rows in the positional table: the longest context; `blockSize` must not exceed it. */
  readonly nPositions: number;
  /** Layer norm after each residual addition (`"post"`, the paper) or before each branch (`"pre"`). */
  readonly norm: "post" | "pre";
  /** Skip connections (false only for the ablation in notebook 4). */
  readonly residual: boolean;
  /** Layer norms (false only for the ablation in notebook 4). */
  readonly layerNorm: boolean;
  /** Share the output projection with the token embedding (the paper: true). */
  readonly tieWeights: boolean;
}

/**
 * Checks a Transformer config; one-line {@link InputError} for the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateTransformerConfig } from "./transformer.ts";
 * import { TRANSFORMER_PRESETS } from "../presets/transformer_presets.ts";
 * const base = { ...TRANSFORMER_PRESETS.tiny.model, vocabSize: 65 };
 * validateTransformerConfig(base);
 * assert.throws(() => validateTransformerConfig({ ...base, nHead: 3 }), /must be divisible by nHead/);
 * assert.throws(() => validateTransformerConfig({ ...base, blockSize: 4096 }), /exceeds the positional table/);
 * ```
 */
export function validateTransformerConfig(c: TransformerConfig): void {
  checkPositiveIntegers(c, [
    "vocabSize",
    "blockSize",
    "nLayer",
    "nHead",
    "nEmbd",
    "dimFeedforward",
    "nPositions",
  ]);
  if (c.nEmbd % c.nHead !== 0) {
    throw new InputError(`nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead})`);
  }
  checkPositionalKind(c.positional);
  if (c.blockSize > c.nPositions) {
    throw new InputError(
      `blockSize ${c.blockSize} exceeds the positional table (nPositions ${c.nPositions}): ` +
        `use --block-size ≤ ${c.nPositions} or --set nPositions=${c.blockSize}`,
    );
  }
  if (c.norm !== "post" && c.norm !== "pre") {
    throw new InputError(`norm must be "post" or "pre"; got "${c.norm}"`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new InputError(`dropout must be in [0, 1); got ${c.dropout}`);
  }
  for (const key of ["residual", "layerNorm", "tieWeights"] as const) {
    if (typeof c[key] !== "boolean") throw new InputError(`${key} must be true or false`);
  }
}

/**
 * The Transformer language model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { Transformer } from "./transformer.ts";
 * import { TRANSFORMER_PRESETS } from "../presets/transformer_presets.ts";
 * const model = new Transformer({ ...TRANSFORMER_PRESETS.tiny.model, vocabSize: 65 });
 * const { logits } = model.forward(tf.zeros([2, 5], "int32"));
 * assert.deepEqual(logits.shape, [2, 5, 65]);
 * model.dispose();
 * ```
 */
export class Transformer implements LanguageModel<TransformerConfig> {
  readonly name = "transformer" as const;
  readonly recurrent = false;
  readonly config: TransformerConfig;
  /** The positional encoding (its table is plotted in notebook 4). */
  readonly positional: PositionalEncoding;
  readonly #store: ParamStore;
  readonly #tokEmb: Embedding;
  readonly #blocks: TransformerBlock[] = [];
  readonly #norm?: LayerNorm;
  readonly #lmHead?: Linear;
  readonly #rng: Rng;

  /** Creates a model with fresh weights drawn from `seed`. */
  constructor(config: TransformerConfig, seed = 1337) {
    validateTransformerConfig(config);
    this.config = config;
    this.#rng = new Rng(seed + 7); // dropout masks
    const store = this.#store = new ParamStore(new Rng(seed));
    const { vocabSize: V, nEmbd: C } = config;
    this.#tokEmb = new Embedding(store, "tok_emb", {
      num: V,
      dim: C,
      init: { kind: "normal", std: 1 / Math.sqrt(C) },
    });
    this.positional = new PositionalEncoding(store, "pos_emb", {
      kind: config.positional,
      nPositions: config.nPositions,
      dim: C,
    });
    for (let i = 0; i < config.nLayer; i++) {
      this.#blocks.push(new TransformerBlock(store, `layers.${i}`, config));
    }
    if (config.norm === "pre" && config.layerNorm) {
      this.#norm = new LayerNorm(store, "norm", { dim: C });
    }
    if (!config.tieWeights) {
      this.#lmHead = new Linear(store, "lm_head", { inFeatures: C, outFeatures: V, bias: false });
    }
  }

  /** Positions the model attends to: `blockSize` (the context it was trained on). */
  get maxContext(): number {
    return this.config.blockSize;
  }

  /** The parameters. */
  params(): ParamStore {
    return this.#store;
  }

  /** A new, empty KV cache. */
  createCache(_batch: number): KVCache {
    return new AttentionKVCache(this.#blocks.map(() => ({})));
  }

  /** Logits for every position; with a cache, `ids` continue the cached context. */
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): ForwardOutput {
    const [B, T] = ids.shape;
    const cache = options.cache as AttentionKVCache | undefined;
    const past = cache?.length ?? 0;
    if (past + T > this.config.blockSize) {
      throw new InputError(
        `context of ${past + T} tokens exceeds blockSize ${this.config.blockSize}: crop the input`,
      );
    }
    const training = options.training ?? false;
    const attention: tf.Tensor[] = [];
    const { nEmbd: C, vocabSize: V } = this.config;
    const logits = tf.tidy(() => {
      let x = tf.mul(this.#tokEmb.forward(ids), Math.sqrt(C)); // (B, T, C)
      const pe = this.positional.forward(past, T); // (T, C) or none
      if (pe) x = tf.add(x, pe);
      x = dropout(x, this.config.dropout, { training, rng: this.#rng });
      for (const [i, block] of this.#blocks.entries()) {
        const out = block.forward(x, {
          cache: cache?.layers[i],
          returnWeights: options.returnAttention,
          training,
          rng: this.#rng,
        });
        if (out.weights) attention.push(tf.keep(out.weights));
        x = out.y;
      }
      if (this.#norm) x = this.#norm.forward(x);
      if (this.#lmHead) return this.#lmHead.forward(x) as tf.Tensor3D;
      const flat = tf.matMul(tf.reshape(x, [-1, C]), this.#tokEmb.weight, false, true); // (B·T, V)
      return tf.reshape(flat, [B, T, V]) as tf.Tensor3D;
    });
    return options.returnAttention ? { logits, attention } : { logits };
  }

  /** Mean next-token cross-entropy. */
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D, options: ForwardOptions = {}): { loss: tf.Scalar } {
    return {
      loss: tf.tidy(() =>
        crossEntropy(this.forward(ids, { training: options.training }).logits, targets)
      ),
    };
  }

  /** Frees the weights, the sinusoidal table and cached masks. */
  dispose(): void {
    for (const b of this.#blocks) b.dispose();
    this.positional.dispose();
    this.#store.dispose();
  }
}
