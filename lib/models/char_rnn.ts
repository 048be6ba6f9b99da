/**
 * A character-level vanilla RNN language model (Karpathy's char-rnn), laid
 * out like a PyTorch module of `embed = nn.Embedding(V, E)`,
 * `rnn = nn.RNN(E, H, nLayer)` and `fc = nn.Linear(H, V)`, so its weights
 * load into PyTorch unchanged:
 *
 *     x = embed[ids]   or   onehot(ids)                      (B, T, E) or (B, T, V)
 *     for each of nLayer layers:                             rnn.weight_ih_l{k} …
 *       h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)    (B, H) for each t
 *       x = dropout(h)                                       (B, T, H)
 *     logits = x·fc.weightᵀ + fc.bias                        (B, T, V)
 *
 * The hidden state (one `[B, H]` tensor per layer) is carried from one
 * training window to the next (truncated backpropagation through time) and
 * from token to token in generation; there is no context limit. Each layer's
 * backward pass is backpropagation through time written by hand (see
 * `lib/nn/rnn_layer.ts`). Inside, the layers run time-major (`(T, B, ·)`,
 * every step's batch one contiguous block); `forward` returns batch-first
 * logits as every model does.
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

/** Char-RNN hyper-parameters. */
export interface CharRnnConfig extends BaseConfig {
  /** Stacked RNN layers (1–3). */
  readonly nLayer: number;
  /** Hidden units per layer H. */
  readonly hidden: number;
  /** Embedding width E (used when `inputMode` is `"embedding"`). */
  readonly embedDim: number;
  /** Dropout on every RNN layer's output (between layers and before `fc`), in training. */
  readonly dropout: number;
  /** How ids enter the first layer: a learned embedding, or one-hot vectors of size V. */
  readonly inputMode: "embedding" | "onehot";
}

/**
 * Checks a char-RNN config; one-line {@link InputError} for the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateCharRnnConfig } from "./char_rnn.ts";
 * const config = { vocabSize: 65, blockSize: 100, nLayer: 2, hidden: 256, embedDim: 64, dropout: 0, inputMode: "embedding" } as const;
 * validateCharRnnConfig(config);
 * assert.throws(() => validateCharRnnConfig({ ...config, nLayer: 4 }), /nLayer must be 1, 2 or 3; got 4/);
 * ```
 */
export function validateCharRnnConfig(c: CharRnnConfig): void {
  checkPositiveIntegers(c, ["vocabSize", "blockSize", "nLayer", "hidden", "embedDim"]);
  if (c.nLayer > 3) throw new InputError(`nLayer must be 1, 2 or 3; got ${c.nLayer}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new InputError(`dropout must be in [0, 1); got ${c.dropout}`);
  }
  if (c.inputMode !== "embedding" && c.inputMode !== "onehot") {
    throw new InputError(`inputMode must be "embedding" or "onehot"; got "${c.inputMode}"`);
  }
}

/** Options for {@link CharRnn} beyond its config. */
export interface CharRnnOptions {
  /**
   * Differentiate the plain unrolled loop with tfjs's autodiff instead of the
   * hand-written backpropagation through time (same gradients, several times
   * slower; for comparison).
   */
  readonly autodiff?: boolean;
}

/**
 * The char-RNN model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { CharRnn } from "./char_rnn.ts";
 * const rnn = new CharRnn({ vocabSize: 65, blockSize: 16, nLayer: 2, hidden: 8, embedDim: 4, dropout: 0, inputMode: "embedding" });
 * const { logits, state } = rnn.forward(tf.zeros([2, 5], "int32"), { returnState: true });
 * assert.deepEqual(logits.shape, [2, 5, 65]);
 * assert.deepEqual(state!.map((s) => s.shape), [[2, 8], [2, 8]]); // one [B, H] per layer
 * rnn.dispose();
 * ```
 */
export class CharRnn implements LanguageModel<CharRnnConfig> {
  readonly name = "char-rnn" as const;
  readonly recurrent = true;
  readonly maxContext = undefined;
  readonly config: CharRnnConfig;
  readonly #store: ParamStore;
  readonly #embed?: Embedding;
  readonly #rnn: Rnn;
  readonly #fcWeight: tf.Variable;
  readonly #fcBias: tf.Variable;
  readonly #rng: Rng;
  readonly #autodiff: boolean;

  /** Creates a model with fresh weights drawn from `seed` (PyTorch's default inits). */
  constructor(config: CharRnnConfig, seed = 1337, options: CharRnnOptions = {}) {
    validateCharRnnConfig(config);
    this.config = config;
    this.#autodiff = options.autodiff ?? false;
    this.#rng = new Rng(seed + 7); // dropout masks
    const store = this.#store = new ParamStore(new Rng(seed));
    const { vocabSize: V, hidden: H, embedDim: E } = config;
    if (config.inputMode === "embedding") {
      this.#embed = new Embedding(store, "embed", {
        num: V,
        dim: E,
        init: { kind: "normal", std: 1 },
      });
    }
    this.#rnn = new Rnn(store, "rnn", {
      inputSize: config.inputMode === "embedding" ? E : V,
      hiddenSize: H,
      numLayers: config.nLayer,
      dropout: config.dropout,
    });
    // the output projection, torch.nn.Linear(H, V): weight [V, H] and bias both ~ U(±1/√H)
    const fcInit = { kind: "uniform", low: -1 / Math.sqrt(H), high: 1 / Math.sqrt(H) } as const;
    this.#fcWeight = store.add("fc.weight", [V, H], fcInit);
    this.#fcBias = store.add("fc.bias", [V], fcInit);
  }

  /** The parameters. */
  params(): ParamStore {
    return this.#store;
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
      // the mean over positions does not care about their order: transpose the
      // targets to time-major rather than the logits to batch-first
      const loss = crossEntropy(out.logits, tf.transpose(targets));
      return options.returnState ? { loss, state: out.state } : { loss };
    });
  }

  /** Time-major logits `(T, B, V)` and the final state. */
  #run(ids: tf.Tensor2D, options: ForwardOptions): { logits: tf.Tensor3D; state: tf.Tensor2D[] } {
    const training = options.training ?? false;
    const idsT = tf.transpose(ids); // (T, B): the RNN runs time-major
    const x = this.#embed // (T, B, E) or (T, B, V)
      ? this.#embed.forward(idsT)
      : tf.cast(tf.oneHot(idsT, this.config.vocabSize), "float32");
    const out = this.#rnn.forward(x, {
      state: options.state,
      training,
      rng: this.#rng,
      autodiff: this.#autodiff,
    });
    const y = dropout(out.y, this.config.dropout, { training, rng: this.#rng }); // (T, B, H)
    const logits = linear(y, this.#fcWeight, this.#fcBias) as tf.Tensor3D; // (T, B, V)
    return { logits, state: out.state };
  }

  /** Frees the weights. */
  dispose(): void {
    this.#store.dispose();
  }
}
