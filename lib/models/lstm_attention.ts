/**
 * An LSTM language model that attends over its own past hidden states, laid
 * out like a PyTorch module of `embed = nn.Embedding(V, E)`,
 * `lstm = nn.LSTM(E, H, nLayer)`, an attention scorer `attn`,
 * `combine = nn.Linear(2H, H)` and `fc = nn.Linear(H, V)`:
 *
 *     x = embed[ids]                                   (T, B, E)   time-major inside
 *     h = lstm(x)                                      (T, B, H)   h_t: the top layer's state
 *     α_ts = softmax_{s ≤ t}(score(h_t, h_s))          (B, T, T)   additive or scaled dot
 *     ctx_t = Σ_s α_ts·h_s                             (B, T, H)
 *     h̃_t = tanh(combine([ctx_t; h_t]))               (B, T, H)   Luong's attentional state
 *     logits = fc(h̃)                                  (B, T, V)
 *
 * With `attention: "none"` the attention and `combine` are left out: a plain
 * LSTM language model (`logits = fc(h)`), the ablation.
 *
 * The LSTM state (h and c per layer) is carried from one training window to
 * the next, like the char RNN; attention looks back over at most `blockSize`
 * states. In training it sees only the current window; in generation
 * `forward(…, { returnState: true })` adds a last state tensor, the last
 * `blockSize − 1` top-layer states `(B, M, H)`, so that token by token the
 * model attends over the same span it was trained on.
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
import { Lstm } from "../nn/lstm.ts";
import type { LstmGates } from "../nn/lstm_layer.ts";
import { PastAttention } from "../nn/past_attention.ts";
import { ParamStore } from "../nn/param_store.ts";
import type {
  BaseConfig,
  ForwardOptions,
  ForwardOutput,
  LanguageModel,
  RecurrentState,
} from "./types.ts";

/** Attention choices: the two scorers, or none (a plain LSTM). */
export const ATTENTION_TYPES = ["additive", "dot", "none"] as const;

/** Which attention. */
export type AttentionType = typeof ATTENTION_TYPES[number];

/** LSTM + attention hyper-parameters. */
export interface LstmAttentionConfig extends BaseConfig {
  /** Stacked LSTM layers (1 or 2). */
  readonly nLayer: number;
  /** Hidden units per layer H. */
  readonly hidden: number;
  /** Embedding width E. */
  readonly embedDim: number;
  /** Scorer over past states: `additive` (Bahdanau), `dot` (scaled, Luong) or `none`. */
  readonly attention: AttentionType;
  /** Width A of the additive scorer's hidden layer (unused by `dot` and `none`). */
  readonly attentionDim: number;
  /** Dropout between LSTM layers and before `fc`, in training. */
  readonly dropout: number;
}

/**
 * Checks a config; one-line {@link InputError} for the first problem.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateLstmAttentionConfig } from "./lstm_attention.ts";
 * const config = { vocabSize: 65, blockSize: 64, nLayer: 2, hidden: 128, embedDim: 32, attention: "dot", attentionDim: 32, dropout: 0 } as const;
 * validateLstmAttentionConfig(config);
 * assert.throws(() => validateLstmAttentionConfig({ ...config, hidden: 0 }), /hidden must be a positive integer; got 0/);
 * assert.throws(() => validateLstmAttentionConfig({ ...config, attention: "cosine" as "dot" }), /choose one of additive, dot, none/);
 * ```
 */
export function validateLstmAttentionConfig(c: LstmAttentionConfig): void {
  checkPositiveIntegers(c, ["vocabSize", "blockSize", "nLayer", "hidden", "embedDim"]);
  if (c.nLayer > 2) throw new InputError(`nLayer must be 1 or 2; got ${c.nLayer}`);
  if (!ATTENTION_TYPES.includes(c.attention)) {
    throw new InputError(
      `unknown attention "${c.attention}": choose one of ${ATTENTION_TYPES.join(", ")}`,
    );
  }
  if (c.attention === "additive") checkPositiveIntegers(c, ["attentionDim"]);
  if (!(c.dropout >= 0 && c.dropout < 1)) {
    throw new InputError(`dropout must be in [0, 1); got ${c.dropout}`);
  }
}

/** Options for {@link LstmAttention} beyond its config. */
export interface LstmAttentionOptions {
  /** Differentiate the unrolled LSTM with autodiff instead of hand-written BPTT (slow). */
  readonly autodiff?: boolean;
}

/** What {@link LstmAttention.inspect} returns (the caller disposes it). */
export interface LstmInspection {
  /** Every LSTM layer's gates and cell states, each `(T, B, H)`, bottom layer first. */
  readonly gates: LstmGates[];
  /** The top layer's hidden states, `(B, T, H)`. */
  readonly hidden: tf.Tensor3D;
  /** Attention weights `(B, T, T)` (absent for `attention: "none"`). */
  readonly attention?: tf.Tensor3D;
}

/**
 * The model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { LstmAttention } from "./lstm_attention.ts";
 * const model = new LstmAttention({ vocabSize: 65, blockSize: 16, nLayer: 2, hidden: 8, embedDim: 4, attention: "additive", attentionDim: 4, dropout: 0 });
 * const { logits, attention } = model.forward(tf.zeros([2, 5], "int32"), { returnAttention: true });
 * assert.deepEqual(logits.shape, [2, 5, 65]);
 * assert.deepEqual(attention![0].shape, [2, 1, 5, 5]); // (B, heads = 1, T, T)
 * model.dispose();
 * ```
 */
export class LstmAttention implements LanguageModel<LstmAttentionConfig> {
  readonly name = "lstm-attention" as const;
  readonly recurrent = true;
  readonly maxContext = undefined;
  readonly config: LstmAttentionConfig;
  readonly #store: ParamStore;
  readonly #embed: Embedding;
  readonly #lstm: Lstm;
  readonly #attn?: PastAttention;
  readonly #combine?: { weight: tf.Variable; bias: tf.Variable };
  readonly #fc: { weight: tf.Variable; bias: tf.Variable };
  readonly #rng: Rng;
  readonly #autodiff: boolean;

  /** Creates a model with fresh weights drawn from `seed` (PyTorch's default inits). */
  constructor(config: LstmAttentionConfig, seed = 1337, options: LstmAttentionOptions = {}) {
    validateLstmAttentionConfig(config);
    this.config = config;
    this.#autodiff = options.autodiff ?? false;
    this.#rng = new Rng(seed + 7);
    const store = this.#store = new ParamStore(new Rng(seed));
    const { vocabSize: V, hidden: H, embedDim: E } = config;
    this.#embed = new Embedding(store, "embed", {
      num: V,
      dim: E,
      init: { kind: "normal", std: 1 },
    });
    this.#lstm = new Lstm(store, "lstm", {
      inputSize: E,
      hiddenSize: H,
      numLayers: config.nLayer,
      dropout: config.dropout,
    });
    const uniform = (fanIn: number) =>
      ({ kind: "uniform", low: -1 / Math.sqrt(fanIn), high: 1 / Math.sqrt(fanIn) }) as const;
    if (config.attention !== "none") {
      this.#attn = new PastAttention(store, "attn", {
        scorer: config.attention,
        hiddenSize: H,
        attentionDim: config.attentionDim,
      });
      this.#combine = {
        weight: store.add("combine.weight", [H, 2 * H], uniform(2 * H)),
        bias: store.add("combine.bias", [H], uniform(2 * H)),
      };
    }
    this.#fc = {
      weight: store.add("fc.weight", [V, H], uniform(H)),
      bias: store.add("fc.bias", [V], uniform(H)),
    };
  }

  /** The parameters. */
  params(): ParamStore {
    return this.#store;
  }

  /** A zero state for `batch` sequences: `[h_0, c_0, h_1, c_1, …]`, each `[batch, H]`. */
  initialState(batch: number): RecurrentState {
    return Array.from(
      { length: 2 * this.config.nLayer },
      () => tf.zeros([batch, this.config.hidden]),
    );
  }

  /**
   * Logits for every position, from `options.state` (default zeros). With
   * `returnState`, the state comes back with the remembered top-layer states
   * appended (attention models), so the next call attends over them too.
   */
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): ForwardOutput {
    const out = tf.tidy(() => {
      const r = this.#run(ids, options);
      const logits = r.batchFirst ? r.logits : tf.transpose(r.logits, [1, 0, 2]) as tf.Tensor3D;
      const attention = r.weights && options.returnAttention ? [tf.expandDims(r.weights, 1)] : [];
      const state = options.returnState ? [...r.state, ...(r.memory ? [r.memory] : [])] : [];
      return { logits, attention, state };
    });
    return {
      logits: out.logits,
      ...(options.returnState ? { state: out.state } : {}),
      ...(options.returnAttention && out.attention.length ? { attention: out.attention } : {}),
    };
  }

  /** Mean next-token cross-entropy, and the final LSTM state (h, c per layer) when asked. */
  loss(
    ids: tf.Tensor2D,
    targets: tf.Tensor2D,
    options: ForwardOptions = {},
  ): { loss: tf.Scalar; state?: RecurrentState } {
    return tf.tidy(() => {
      const out = this.#run(ids, options);
      const loss = crossEntropy(out.logits, out.batchFirst ? targets : tf.transpose(targets));
      return options.returnState ? { loss, state: out.state } : { loss };
    });
  }

  /**
   * Every LSTM gate, the top hidden states and the attention weights for
   * `ids` (`[B, T]`, from a zero state): what the notebook plots.
   */
  inspect(ids: tf.Tensor2D): LstmInspection {
    return tf.tidy(() => {
      const x = this.#embed.forward(tf.transpose(ids)); // (T, B, E)
      const { y, gates } = this.#lstm.forward(x, { returnGates: true });
      const hidden = tf.transpose(y, [1, 0, 2]) as tf.Tensor3D;
      if (!this.#attn) return { gates: gates!, hidden };
      const { weights } = this.#attn.forward(hidden, hidden, { window: this.config.blockSize });
      return { gates: gates!, hidden, attention: weights };
    });
  }

  #run(ids: tf.Tensor2D, options: ForwardOptions): {
    logits: tf.Tensor3D;
    batchFirst: boolean;
    state: tf.Tensor2D[];
    memory?: tf.Tensor3D;
    weights?: tf.Tensor3D;
  } {
    const training = options.training ?? false;
    const L = this.config.nLayer;
    const given = options.state;
    if (given && given.length !== 2 * L && given.length !== 2 * L + 1) {
      throw new InputError(
        `lstm-attention state must be ${
          2 * L
        } tensors (h, c per layer), plus remembered states; got ${given.length}`,
      );
    }
    const x = this.#embed.forward(tf.transpose(ids)); // (T, B, E)
    const lstm = this.#lstm.forward(x, {
      state: given?.slice(0, 2 * L),
      training,
      rng: this.#rng,
      autodiff: this.#autodiff,
    });
    const drop = (t: tf.Tensor) => dropout(t, this.config.dropout, { training, rng: this.#rng });
    if (!this.#attn) {
      const logits = linear(drop(lstm.y), this.#fc.weight, this.#fc.bias) as tf.Tensor3D; // (T, B, V)
      return { logits, batchFirst: false, state: lstm.state };
    }
    const h = tf.transpose(lstm.y, [1, 0, 2]) as tf.Tensor3D; // (B, T, H)
    const past = given?.[2 * L] as tf.Tensor3D | undefined; // (B, M, H)
    const keys = past ? tf.concat([past, h], 1) as tf.Tensor3D : h;
    const window = this.config.blockSize;
    const { context, weights } = this.#attn.forward(h, keys, { window }); // (B, T, H), (B, T, Tk)
    const combined = tf.tanh(
      linear(tf.concat([context, h], 2), this.#combine!.weight, this.#combine!.bias),
    );
    const logits = linear(drop(combined), this.#fc.weight, this.#fc.bias) as tf.Tensor3D; // (B, T, V)
    const [B, Tk, H] = keys.shape;
    const keep = Math.min(Tk, window - 1);
    const memory = keep > 0
      ? tf.slice(keys, [0, Tk - keep, 0], [B, keep, H]) as tf.Tensor3D
      : undefined;
    return { logits, batchFirst: true, state: lstm.state, memory, weights };
  }

  /** Frees the weights. */
  dispose(): void {
    this.#store.dispose();
  }
}
