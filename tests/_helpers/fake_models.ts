/**
 * Small deterministic models that implement the `LanguageModel` contract
 * faithfully, for testing code that drives models (the sampler, the training
 * loop) without a real model:
 *
 * - {@link BigramModel}: logits depend on the current token only;
 * - {@link CounterRnn}: a recurrent model (tanh RNN plus a step counter) whose
 *   logits depend on its whole history through its state;
 * - {@link MeanAttentionModel}: an attention-like model with learned absolute
 *   positions that averages its window causally, with an optional trivial
 *   KV cache (the running sum).
 *
 * Every model records its forward calls in `calls`, so tests can check how a
 * caller drives it. Weights come from a seeded {@link Rng}.
 *
 * @module
 */
import { tf } from "../../lib/engine/tf.ts";
import type {
  BaseConfig,
  ForwardOptions,
  ForwardOutput,
  KVCache,
  LanguageModel,
  ModelName,
  RecurrentState,
} from "../../lib/models/types.ts";
import { crossEntropy } from "../../lib/nn/cross_entropy.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { Rng } from "../../lib/rng.ts";

/** One recorded forward call. */
export interface ForwardCall {
  /** The ids of the first batch row. */
  readonly ids: number[];
  /** Whether a state was passed in. */
  readonly withState: boolean;
  /** The cache length before the call, when a cache was passed. */
  readonly cacheLength: number | undefined;
}

/** Options shared by the fake models. */
export interface FakeModelOptions {
  /** Vocabulary size. Default 11. */
  readonly vocabSize?: number;
  /** Weight seed. Default 0. */
  readonly seed?: number;
  /** Standard deviation of the weights (sharper logits when larger). Default 1. */
  readonly std?: number;
}

abstract class FakeModel implements LanguageModel {
  abstract readonly name: ModelName;
  abstract readonly recurrent: boolean;
  abstract readonly maxContext: number | undefined;
  readonly config: BaseConfig;
  readonly calls: ForwardCall[] = [];
  protected readonly store: ParamStore;
  protected readonly std: number;

  constructor(options: FakeModelOptions, blockSize: number) {
    this.config = { vocabSize: options.vocabSize ?? 11, blockSize };
    this.store = new ParamStore(new Rng(options.seed ?? 0));
    this.std = options.std ?? 1;
  }

  params(): ParamStore {
    return this.store;
  }

  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): ForwardOutput {
    const row = ids.arraySync()[0] ?? [];
    this.calls.push({
      ids: row,
      withState: options.state !== undefined,
      cacheLength: options.cache?.length,
    });
    return this.run(ids, options);
  }

  protected abstract run(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput;

  loss(
    ids: tf.Tensor2D,
    targets: tf.Tensor2D,
    options: ForwardOptions = {},
  ): { loss: tf.Scalar; state?: RecurrentState } {
    return tf.tidy(() => {
      const out = this.run(ids, options);
      const loss = crossEntropy(out.logits, targets);
      return out.state ? { loss, state: out.state } : { loss };
    });
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Logits = a row of a `[V, V]` table picked by the current token. */
export class BigramModel extends FakeModel {
  readonly name: ModelName = "transformer";
  readonly recurrent = false;
  readonly maxContext: number | undefined;
  readonly #table: tf.Variable;

  /** A bigram table; `maxContext` defaults to unlimited. */
  constructor(options: FakeModelOptions & { maxContext?: number } = {}) {
    super(options, options.maxContext ?? 1024);
    this.maxContext = options.maxContext;
    const v = this.config.vocabSize;
    this.#table = this.store.add("table.weight", [v, v], { kind: "normal", std: this.std });
  }

  protected run(ids: tf.Tensor2D): ForwardOutput {
    return { logits: tf.gather(this.#table, ids) as tf.Tensor3D };
  }
}

/**
 * A recurrent model with state `[h (B, H), count (B, 1)]`:
 * `h ← tanh(h·W + E[id])`, `count ← count + 1`,
 * `logits = h·Oᵀ + sin(count · f)` — so a lost or restarted state shows.
 */
export class CounterRnn extends FakeModel {
  readonly name: ModelName = "char-rnn";
  readonly recurrent = true;
  readonly maxContext: number | undefined = undefined;
  readonly hidden: number;
  readonly #embed: tf.Variable;
  readonly #recur: tf.Variable;
  readonly #out: tf.Variable;
  readonly #freq: tf.Variable;

  /** A tanh RNN with `hidden` units (default 8). */
  constructor(options: FakeModelOptions & { hidden?: number } = {}) {
    super(options, 64);
    const v = this.config.vocabSize;
    const h = this.hidden = options.hidden ?? 8;
    this.#embed = this.store.add("embed.weight", [v, h], { kind: "normal", std: this.std });
    this.#recur = this.store.add("weight_hh_l0", [h, h], { kind: "normal", std: 0.5 });
    this.#out = this.store.add("head.weight", [v, h], { kind: "normal", std: this.std });
    this.#freq = this.store.add("freq", [v], { kind: "uniform", low: 0.3, high: 2 });
  }

  protected run(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    const [batch, steps] = ids.shape;
    let h = options.state?.[0] ?? tf.zeros([batch, this.hidden]);
    let count = options.state?.[1] ?? tf.zeros([batch, 1]);
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const x = tf.gather(this.#embed, tf.reshape(tf.slice(ids, [0, t], [batch, 1]), [batch]));
      h = tf.tanh(tf.add(tf.matMul(h, this.#recur), x));
      count = tf.add(count, 1);
      const wave = tf.sin(tf.mul(count, tf.reshape(this.#freq, [1, -1])));
      outputs.push(tf.add(tf.matMul(h, this.#out, false, true), wave));
    }
    const logits = tf.stack(outputs, 1) as tf.Tensor3D; // (B, T, V)
    return options.returnState ? { logits, state: [h, count] } : { logits };
  }
}

/** The trivial cache of a {@link MeanAttentionModel}: the running sum and its length. */
export class MeanCache implements KVCache {
  /** Caches not yet disposed, across all models (for leak checks). */
  static live = 0;
  #length = 0;
  #sum: tf.Tensor | undefined;
  #disposed = false;

  constructor() {
    MeanCache.live++;
  }

  get length(): number {
    return this.#length;
  }

  /** The running sum `(B, H)`, if any position is cached. */
  get sum(): tf.Tensor | undefined {
    if (this.#disposed) throw new Error("MeanCache used after dispose()");
    return this.#sum;
  }

  /** Stores a new sum (kept across `tf.tidy`) and frees the old one. */
  update(sum: tf.Tensor, length: number): void {
    if (this.#disposed) throw new Error("MeanCache used after dispose()");
    tf.keep(sum);
    this.#sum?.dispose();
    this.#sum = sum;
    this.#length = length;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    MeanCache.live--;
    this.#sum?.dispose();
    this.#sum = undefined;
  }
}

/**
 * Attention-like: position t of a window sees
 * `tanh(mean over s ≤ t of (E[id_s] + P[s]))`, logits = that · Oᵀ. Positions
 * are learned and absolute (like GPT's), so a window longer than
 * `maxContext` is an error. With `cache: true`, `createCache` returns a
 * {@link MeanCache} and cached calls give bit-identical logits.
 */
export class MeanAttentionModel extends FakeModel {
  readonly name: ModelName = "gpt";
  readonly recurrent = false;
  readonly maxContext: number;
  readonly hidden: number;
  readonly createCache?: (batch: number) => KVCache;
  readonly #embed: tf.Variable;
  readonly #pos: tf.Variable;
  readonly #out: tf.Variable;

  /** A model with context `maxContext` (default 6) and `hidden` units (default 8). */
  constructor(
    options: FakeModelOptions & { maxContext?: number; hidden?: number; cache?: boolean } = {},
  ) {
    const maxContext = options.maxContext ?? 6;
    super(options, maxContext);
    this.maxContext = maxContext;
    const v = this.config.vocabSize;
    const h = this.hidden = options.hidden ?? 8;
    this.#embed = this.store.add("wte.weight", [v, h], { kind: "normal", std: this.std });
    this.#pos = this.store.add("wpe.weight", [maxContext, h], { kind: "normal", std: this.std });
    this.#out = this.store.add("head.weight", [v, h], { kind: "normal", std: this.std * 2 });
    if (options.cache) this.createCache = () => new MeanCache();
  }

  protected run(ids: tf.Tensor2D, options: ForwardOptions): ForwardOutput {
    const [batch, steps] = ids.shape;
    const cache = options.cache as MeanCache | undefined;
    if (cache !== undefined && !(cache instanceof MeanCache)) {
      throw new TypeError("MeanAttentionModel needs its own MeanCache");
    }
    const offset = cache?.length ?? 0;
    if (offset + steps > this.maxContext) {
      throw new RangeError(
        `positions ${offset}..${offset + steps - 1} exceed maxContext ${this.maxContext}`,
      );
    }
    const x = tf.add(
      tf.gather(this.#embed, ids), // (B, T, H)
      tf.slice(this.#pos, [offset, 0], [steps, this.hidden]), // (T, H)
    );
    let sum = cache?.sum ?? tf.zeros([batch, this.hidden]);
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      sum = tf.add(sum, tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, this.hidden]), [batch, -1]));
      const mean = tf.tanh(tf.div(sum, offset + t + 1));
      outputs.push(tf.matMul(mean, this.#out, false, true));
    }
    cache?.update(sum, offset + steps);
    return { logits: tf.stack(outputs, 1) as tf.Tensor3D };
  }
}
