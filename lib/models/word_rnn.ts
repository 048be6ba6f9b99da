/**
 * A word-level recurrent language model, laid out like PyTorch's
 * `word_language_model` example (`encoder = nn.Embedding(V, E)`,
 * `rnn = nn.RNN(E, H, nLayer)` or `nn.GRU(E, H, nLayer)`,
 * `decoder = nn.Linear(H, V)`), so its weights load into that example:
 *
 *     x = dropout(encoder[ids])                             (B, T, E)
 *     for each of nLayer layers (RNN: tanh; GRU: gates r, z, n):
 *       h_t = cell(x_t, h_{t−1})                             (B, H) for each t
 *       x = dropout(h)                                       (B, T, H)
 *     logits = x·decoder.weightᵀ + decoder.bias              (B, T, V)
 *
 * With `tieWeights` the decoder reuses the embedding table as its weight
 * (Press & Wolf 2017; Inan et al. 2017): `V·E` fewer parameters and usually a
 * lower perplexity; it needs `hidden == embedDim`. A tied checkpoint holds
 * `encoder.weight` and `decoder.bias` only (load it into PyTorch with
 * `strict=False` after tying). The hidden state (one `[B, H]` tensor per
 * layer) is carried from window to window in training and from token to
 * token in generation; there is no context limit.
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
import { Gru } from "../nn/gru.ts";
import { linear } from "../nn/linear.ts";
import { ParamStore } from "../nn/param_store.ts";
import { Rnn } from "../nn/rnn.ts";
import type {
  BaseConfig,
  ForwardOptions,
  ForwardOutput,
  LanguageModel,
  RecurrentState,
} from "./types.ts";

/** Word-RNN hyper-parameters. */
export interface WordRnnConfig extends BaseConfig {
  /** The recurrent cell: vanilla tanh RNN or GRU. */
  readonly cell: "rnn" | "gru";
  /** Stacked recurrent layers (1–4). */
  readonly nLayer: number;
  /** Hidden units per layer H. */
  readonly hidden: number;
  /** Embedding width E. */
  readonly embedDim: number;
  /** Dropout on the embeddings, between layers and before the decoder, in training. */
  readonly dropout: number;
  /** Share the embedding table with the decoder (needs `hidden == embedDim`). */
  readonly tieWeights: boolean;
}

/**
 * Checks a word-RNN config; one-line {@link InputError} for the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateWordRnnConfig } from "./word_rnn.ts";
 * const config = { vocabSize: 1000, blockSize: 35, cell: "gru", nLayer: 2, hidden: 64, embedDim: 64, dropout: 0.2, tieWeights: true } as const;
 * validateWordRnnConfig(config);
 * assert.throws(() => validateWordRnnConfig({ ...config, embedDim: 32 }), /tieWeights needs hidden == embedDim/);
 * ```
 */
export function validateWordRnnConfig(c: WordRnnConfig): void {
  checkPositiveIntegers(c, ["vocabSize", "blockSize", "nLayer", "hidden", "embedDim"]);
  if (c.nLayer > 4) throw new InputError(`nLayer must be between 1 and 4; got ${c.nLayer}`);
  if (c.cell !== "rnn" && c.cell !== "gru") {
    throw new InputError(`cell must be "rnn" or "gru"; got "${c.cell}"`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new InputError(`dropout must be in [0, 1); got ${c.dropout}`);
  }
  if (typeof c.tieWeights !== "boolean") {
    throw new InputError(`tieWeights must be true or false; got ${c.tieWeights}`);
  }
  if (c.tieWeights && c.hidden !== c.embedDim) {
    throw new InputError(
      `tieWeights needs hidden == embedDim; got hidden ${c.hidden}, embedDim ${c.embedDim} ` +
        `(set both, or tieWeights=false)`,
    );
  }
}

/** Options for {@link WordRnn} beyond its config. */
export interface WordRnnOptions {
  /** Differentiate the plain unrolled loop with autodiff instead of hand-written BPTT. */
  readonly autodiff?: boolean;
}

/**
 * The word-RNN model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { WordRnn } from "./word_rnn.ts";
 * const model = new WordRnn({ vocabSize: 50, blockSize: 8, cell: "gru", nLayer: 2, hidden: 8, embedDim: 8, dropout: 0, tieWeights: true });
 * const { logits, state } = model.forward(tf.zeros([2, 5], "int32"), { returnState: true });
 * assert.deepEqual(logits.shape, [2, 5, 50]);
 * assert.deepEqual(state!.map((s) => s.shape), [[2, 8], [2, 8]]); // one [B, H] per layer
 * assert.ok(!model.params().list().some((p) => p.name === "decoder.weight")); // tied
 * model.dispose();
 * ```
 */
export class WordRnn implements LanguageModel<WordRnnConfig> {
  readonly name = "word-rnn" as const;
  readonly recurrent = true;
  readonly maxContext = undefined;
  readonly config: WordRnnConfig;
  readonly #store: ParamStore;
  readonly #encoder: Embedding;
  readonly #rnn: Rnn | Gru;
  readonly #decoderWeight: tf.Variable;
  readonly #decoderBias: tf.Variable;
  readonly #rng: Rng;
  readonly #autodiff: boolean;

  /**
   * Creates a model with fresh weights drawn from `seed`: the example's init
   * (embedding and decoder uniform in ±0.1, decoder bias 0), PyTorch's for the cells.
   */
  constructor(config: WordRnnConfig, seed = 1337, options: WordRnnOptions = {}) {
    validateWordRnnConfig(config);
    this.config = config;
    this.#autodiff = options.autodiff ?? false;
    this.#rng = new Rng(seed + 7); // dropout masks
    const store = this.#store = new ParamStore(new Rng(seed));
    const { vocabSize: V, hidden: H, embedDim: E } = config;
    const range = { kind: "uniform", low: -0.1, high: 0.1 } as const;
    this.#encoder = new Embedding(store, "encoder", { num: V, dim: E, init: range });
    const Cell = config.cell === "gru" ? Gru : Rnn;
    this.#rnn = new Cell(store, "rnn", {
      inputSize: E,
      hiddenSize: H,
      numLayers: config.nLayer,
      dropout: config.dropout,
    });
    this.#decoderWeight = config.tieWeights
      ? this.#encoder.weight
      : store.add("decoder.weight", [V, H], range);
    this.#decoderBias = store.add("decoder.bias", [V], { kind: "zeros" });
  }

  /** The parameters. */
  params(): ParamStore {
    return this.#store;
  }

  /** The embedding table `[V, E]` (one row per word). */
  get embedding(): tf.Variable {
    return this.#encoder.weight;
  }

  /** A zero state for a batch of `batch` sequences: one `[batch, H]` per layer. */
  initialState(batch: number): RecurrentState {
    return this.#rnn.layers.map(() => tf.zeros([batch, this.config.hidden]));
  }

  /** Logits for every position, starting from `options.state` (default zeros). */
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): ForwardOutput {
    const { logits, state } = tf.tidy(() => {
      const out = this.#run(ids, options);
      return { logits: tf.transpose(out.logits, [1, 0, 2]) as tf.Tensor3D, state: out.state };
    });
    if (options.returnState) return { logits, state };
    tf.dispose(state);
    return { logits };
  }

  /** Mean next-token cross-entropy, and the final state when asked for. */
  loss(
    ids: tf.Tensor2D,
    targets: tf.Tensor2D,
    options: ForwardOptions = {},
  ): { loss: tf.Scalar; state?: RecurrentState } {
    return tf.tidy(() => {
      const out = this.#run(ids, options);
      const loss = crossEntropy(out.logits, tf.transpose(targets)); // both time-major
      return options.returnState ? { loss, state: out.state } : { loss };
    });
  }

  /** Time-major logits `(T, B, V)` and the final state. */
  #run(ids: tf.Tensor2D, options: ForwardOptions): { logits: tf.Tensor3D; state: tf.Tensor2D[] } {
    const training = options.training ?? false;
    const drop = (t: tf.Tensor) => dropout(t, this.config.dropout, { training, rng: this.#rng });
    const x = drop(this.#encoder.forward(tf.transpose(ids))); // (T, B, E)
    const out = this.#rnn.forward(x, {
      state: options.state,
      training,
      rng: this.#rng,
      autodiff: this.#autodiff,
    });
    const y = drop(out.y); // (T, B, H)
    const logits = linear(y, this.#decoderWeight, this.#decoderBias) as tf.Tensor3D; // (T, B, V)
    return { logits, state: out.state };
  }

  /** Frees the weights. */
  dispose(): void {
    this.#store.dispose();
  }
}
