/**
 * The contract every model implements, so one `train()` and one `generate()`
 * serve all five. A model owns its parameters (a {@link ParamStore}), maps
 * token ids to next-token logits, and reports its loss; recurrent models also
 * pass their hidden state along, attention models can return their attention
 * weights and implement a key/value cache for fast generation.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import type { ParamStore } from "../nn/param_store.ts";

/** The five models' names, as used on the command line and in directories. */
export type ModelName = "char-rnn" | "word-rnn" | "lstm-attention" | "transformer" | "gpt";

/** Every model's config has at least these fields (camelCase, JSON-serialisable). */
export interface BaseConfig {
  /** Number of distinct tokens (the tokenizer's `vocabSize`). */
  readonly vocabSize: number;
  /** Training window length in tokens (and the context limit for attention models). */
  readonly blockSize: number;
}

/** A recurrent model's hidden state: one tensor per layer (LSTMs: h and c). */
export type RecurrentState = tf.Tensor[];

/** A per-layer cache of attention keys and values for incremental decoding. */
export interface KVCache {
  /** Number of positions already in the cache. */
  readonly length: number;
  /** Frees the cached tensors. */
  dispose(): void;
}

/** Options for {@link LanguageModel.forward}. */
export interface ForwardOptions {
  /** Training mode (dropout on). Default false. */
  readonly training?: boolean;
  /** Recurrent models: the state to start from (default zeros). Not disposed. */
  readonly state?: RecurrentState;
  /** Recurrent models: return the final state (the caller disposes it). */
  readonly returnState?: boolean;
  /** Attention models: return attention weights per layer (the caller disposes them). */
  readonly returnAttention?: boolean;
  /** Attention models: continue from (and extend) this cache. */
  readonly cache?: KVCache;
}

/** What {@link LanguageModel.forward} returns. */
export interface ForwardOutput {
  /** Next-token logits, `[B, T, vocabSize]`. */
  readonly logits: tf.Tensor3D;
  /** The final recurrent state, when asked for. */
  readonly state?: RecurrentState;
  /** Attention weights per layer, `[B, heads, T, T_total]`, when asked for. */
  readonly attention?: tf.Tensor[];
}

/** A language model. */
export interface LanguageModel<C extends BaseConfig = BaseConfig> {
  /** Which of the five models this is. */
  readonly name: ModelName;
  /** The model's config (saved as `config.json`). */
  readonly config: C;
  /** Whether the model carries hidden state across windows (RNNs). */
  readonly recurrent: boolean;
  /**
   * The longest context the model can attend to (`blockSize` for models with
   * learned positions); `undefined` when unlimited (recurrent models).
   */
  readonly maxContext: number | undefined;
  /** The model's parameters. */
  params(): ParamStore;
  /** Logits for every position of `ids` (int32 `[B, T]`). */
  forward(ids: tf.Tensor2D, options?: ForwardOptions): ForwardOutput;
  /** Mean cross-entropy of next-token predictions (nats), plus the final state for RNNs. */
  loss(
    ids: tf.Tensor2D,
    targets: tf.Tensor2D,
    options?: ForwardOptions,
  ): { loss: tf.Scalar; state?: RecurrentState };
  /** Attention models: a new, empty KV cache for batch size `batch`. */
  createCache?(batch: number): KVCache;
  /** Frees every tensor the model owns. */
  dispose(): void;
}
