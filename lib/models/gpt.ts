/**
 * A GPT-style decoder (Radford et al., 2019), laid out exactly like Hugging
 * Face's GPT-2 so its weights load into PyTorch unchanged:
 *
 *     x = wte[ids] + wpe[positions]                 (B, T, C)
 *     for each of nLayer blocks (pre-LN):
 *       x = x + attn(ln_1(x))                        causal multi-head self-attention
 *       x = x + mlp(ln_2(x))                         C → 4C → GELU → C
 *     logits = ln_f(x) · wteᵀ                        (B, T, V), weights tied
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { gelu } from "../nn/gelu.ts";
import { InputError } from "../errors.ts";
import { checkPositiveIntegers } from "./config_checks.ts";
import { Rng } from "../rng.ts";
import { CausalSelfAttention } from "../nn/attention.ts";
import { crossEntropy } from "../nn/cross_entropy.ts";
import { dropout } from "../nn/dropout.ts";
import { Embedding } from "../nn/embedding.ts";
import { LayerNorm } from "../nn/layer_norm.ts";
import { Linear } from "../nn/linear.ts";
import { ParamStore } from "../nn/param_store.ts";
import { AttentionKVCache } from "../nn/kv_cache.ts";
import type { BaseConfig, ForwardOptions, ForwardOutput, KVCache, LanguageModel } from "./types.ts";

/** GPT hyper-parameters (nanoGPT's names, camelCase). */
export interface GptConfig extends BaseConfig {
  /** Number of transformer blocks. */
  readonly nLayer: number;
  /** Attention heads per block; must divide `nEmbd`. */
  readonly nHead: number;
  /** Model width C. */
  readonly nEmbd: number;
  /** Dropout probability (embeddings, attention, residual branches). */
  readonly dropout: number;
  /**
   * Dropout on attention weights only (GPT-2's `attn_pdrop`); default `dropout`.
   * 0 with `dropout` > 0 keeps the fast fused attention kernel in training.
   */
  readonly attnDropout?: number;
  /** Biases in linear layers and layer norms (GPT-2: true; nanoGPT's baby: false). */
  readonly bias: boolean;
  /** Share the output projection with the token embedding (GPT-2: true). */
  readonly tieWeights: boolean;
}

/** Checks a GPT config; one-line {@link InputError} for the first problem. */
export function validateGptConfig(c: GptConfig): void {
  checkPositiveIntegers(c, ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"]);
  if (c.nEmbd % c.nHead !== 0) {
    throw new InputError(`nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead})`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new InputError(`dropout must be in [0, 1); got ${c.dropout}`);
  }
  if (c.attnDropout !== undefined && !(c.attnDropout >= 0 && c.attnDropout < 1)) {
    throw new InputError(`attnDropout must be in [0, 1); got ${c.attnDropout}`);
  }
}

interface Block {
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm;
  fc: Linear;
  proj: Linear;
}

/**
 * The GPT model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { Gpt } from "./gpt.ts";
 * const gpt = new Gpt({ vocabSize: 65, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: false, tieWeights: true });
 * const { logits } = gpt.forward(tf.zeros([2, 5], "int32"));
 * assert.deepEqual(logits.shape, [2, 5, 65]);
 * gpt.dispose();
 * ```
 */
export class Gpt implements LanguageModel<GptConfig> {
  readonly name = "gpt" as const;
  readonly recurrent = false;
  readonly config: GptConfig;
  readonly #store: ParamStore;
  readonly #wte: Embedding;
  readonly #wpe: Embedding;
  readonly #blocks: Block[] = [];
  readonly #lnF: LayerNorm;
  readonly #lmHead?: Linear;
  readonly #rng: Rng;

  /** Creates a model with fresh weights drawn from `seed`. */
  constructor(config: GptConfig, seed = 1337) {
    validateGptConfig(config);
    this.config = config;
    this.#rng = new Rng(seed + 7); // dropout masks
    const store = this.#store = new ParamStore(new Rng(seed));
    const { vocabSize: V, blockSize: T, nEmbd: C, bias } = config;
    this.#wte = new Embedding(store, "wte", { num: V, dim: C });
    this.#wpe = new Embedding(store, "wpe", { num: T, dim: C });
    for (let i = 0; i < config.nLayer; i++) {
      const p = `h.${i}`;
      this.#blocks.push({
        ln1: new LayerNorm(store, `${p}.ln_1`, { dim: C, bias }),
        attn: new CausalSelfAttention(store, `${p}.attn`, config),
        ln2: new LayerNorm(store, `${p}.ln_2`, { dim: C, bias }),
        fc: new Linear(store, `${p}.mlp.c_fc`, {
          inFeatures: C,
          outFeatures: 4 * C,
          bias,
          layout: "conv1d",
        }),
        proj: new Linear(store, `${p}.mlp.c_proj`, {
          inFeatures: 4 * C,
          outFeatures: C,
          bias,
          layout: "conv1d",
          init: { kind: "normal", std: 0.02 / Math.sqrt(2 * config.nLayer) },
        }),
      });
    }
    this.#lnF = new LayerNorm(store, "ln_f", { dim: C, bias });
    if (!config.tieWeights) {
      this.#lmHead = new Linear(store, "lm_head", { inFeatures: C, outFeatures: V, bias: false });
    }
  }

  /** Positions the model can attend to (its positional table's length). */
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
    const [, T] = ids.shape;
    const cache = options.cache as AttentionKVCache | undefined;
    const past = cache?.length ?? 0;
    if (past + T > this.config.blockSize) {
      throw new InputError(
        `context of ${past + T} tokens exceeds blockSize ${this.config.blockSize}: crop the input`,
      );
    }
    const training = options.training ?? false;
    const attention: tf.Tensor[] = [];
    const logits = tf.tidy(() => {
      const pos = tf.range(past, past + T, 1, "int32");
      let x = tf.add(this.#wte.forward(ids), this.#wpe.forward(pos)); // (B, T, C)
      x = dropout(x, this.config.dropout, { training, rng: this.#rng });
      for (const [i, b] of this.#blocks.entries()) {
        const a = b.attn.forward(b.ln1.forward(x), {
          cache: cache?.layers[i],
          returnWeights: options.returnAttention,
          training,
          rng: this.#rng,
        });
        if (a.weights) attention.push(tf.keep(a.weights));
        x = tf.add(x, a.y);
        let m = b.proj.forward(gelu(b.fc.forward(b.ln2.forward(x))));
        m = dropout(m, this.config.dropout, { training, rng: this.#rng });
        x = tf.add(x, m);
      }
      x = this.#lnF.forward(x);
      if (this.#lmHead) return this.#lmHead.forward(x) as tf.Tensor3D;
      const C = this.config.nEmbd;
      const flat = tf.matMul(tf.reshape(x, [-1, C]), this.#wte.weight, false, true); // (B·T, V)
      return tf.reshape(flat, [ids.shape[0], T, this.config.vocabSize]) as tf.Tensor3D;
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

  /** Frees the weights and cached masks. */
  dispose(): void {
    for (const b of this.#blocks) b.attn.dispose();
    this.#store.dispose();
  }
}
