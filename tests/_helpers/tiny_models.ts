/**
 * Two tiny models for testing the training loop without the real ones: a
 * bigram table (attention-free, random windows) and a one-layer tanh RNN
 * (recurrent, carries state). Both implement the LanguageModel contract.
 */
import { tf } from "../../lib/engine/mod.ts";
import type {
  ForwardOptions,
  ForwardOutput,
  LanguageModel,
  RecurrentState,
} from "../../lib/models/types.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { crossEntropy } from "../../lib/nn/cross_entropy.ts";
import { Rng } from "../../lib/rng.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";

/** Config of the test models. */
export interface TinyConfig {
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly hidden?: number;
}

/** logits[t] = W[x[t]]: a learnable bigram table. */
export class Bigram implements LanguageModel<TinyConfig> {
  readonly name = "gpt" as const;
  readonly recurrent = false;
  readonly maxContext: number;
  readonly #store: ParamStore;
  constructor(readonly config: TinyConfig, seed = 0) {
    this.#store = new ParamStore(new Rng(seed));
    this.#store.add("table.weight", [config.vocabSize, config.vocabSize], {
      kind: "normal",
      std: 0.02,
    });
    this.maxContext = config.blockSize;
  }
  params(): ParamStore {
    return this.#store;
  }
  forward(ids: tf.Tensor2D): ForwardOutput {
    return { logits: tf.gather(this.#store.get("table.weight"), ids) as tf.Tensor3D };
  }
  loss(ids: tf.Tensor2D, targets: tf.Tensor2D): { loss: tf.Scalar } {
    return { loss: tf.tidy(() => crossEntropy(this.forward(ids).logits, targets)) };
  }
  dispose(): void {
    this.#store.dispose();
  }
}

/** h[t] = tanh(E[x[t]] + h[t-1]·U), logits = h·Vᵀ: the smallest recurrent model. */
export class TinyRnn implements LanguageModel<TinyConfig> {
  readonly name = "char-rnn" as const;
  readonly recurrent = true;
  readonly maxContext = undefined;
  readonly #store: ParamStore;
  readonly #h: number;
  constructor(readonly config: TinyConfig, seed = 0) {
    this.#h = config.hidden ?? 16;
    this.#store = new ParamStore(new Rng(seed));
    this.#store.add("emb.weight", [config.vocabSize, this.#h], { kind: "normal", std: 0.3 });
    this.#store.add("u.weight", [this.#h, this.#h], { kind: "normal", std: 0.1 });
    this.#store.add("out.weight", [config.vocabSize, this.#h], { kind: "normal", std: 0.3 });
  }
  params(): ParamStore {
    return this.#store;
  }
  forward(ids: tf.Tensor2D, options: ForwardOptions = {}): ForwardOutput {
    const [B, T] = ids.shape;
    let final: RecurrentState | undefined;
    const logits = tf.tidy(() => {
      const x = tf.gather(this.#store.get("emb.weight"), ids); // (B, T, H)
      let h = options.state?.[0] ?? tf.zeros([B, this.#h]);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, this.#h]), [B, this.#h]);
        h = tf.tanh(tf.add(xt, tf.matMul(h, this.#store.get("u.weight"))));
        outs.push(h);
      }
      if (options.returnState) final = [tf.keep(h)];
      const hs = tf.stack(outs, 1); // (B, T, H)
      return tf.reshape(
        tf.matMul(tf.reshape(hs, [B * T, this.#h]), this.#store.get("out.weight"), false, true),
        [B, T, this.config.vocabSize],
      ) as tf.Tensor3D;
    });
    return { logits, state: final };
  }
  loss(
    ids: tf.Tensor2D,
    targets: tf.Tensor2D,
    options: ForwardOptions = {},
  ): { loss: tf.Scalar; state?: RecurrentState } {
    const out = this.forward(ids, options);
    const loss = crossEntropy(out.logits, targets);
    out.logits.dispose();
    return { loss, state: out.state };
  }
  dispose(): void {
    this.#store.dispose();
  }
}

/** Token ids of a text over a fixed alphabet (char level), for tests. */
export function charIds(text: string): { ids: Int32Array; vocab: number } {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { ids: Int32Array.from(text, (c) => index.get(c)!), vocab: chars.length };
}

/**
 * The short run the model tests train for (60 steps, 16 windows a batch,
 * learning rate 1e-2 → 1e-3, two evaluations): long enough for a real
 * model's validation loss to fall well below ln V on Tiny Shakespeare.
 */
export const SHORT_RUN: TrainConfig = {
  ...DEFAULT_TRAIN,
  maxIters: 60,
  lrDecayIters: 60,
  warmupIters: 5,
  lr: 1e-2,
  minLr: 1e-3,
  weightDecay: 0,
  gradClip: 5,
  batchSize: 16,
  evalInterval: 30,
  evalIters: 4,
};
