/**
 * Runs a model one token at a time for generation, in the cheapest way that
 * gives the same logits as re-reading the whole context:
 *
 * - **recurrent** models read the prompt once and then carry their hidden
 *   state from token to token (old states are disposed);
 * - **attention models with a KV cache** read the prompt once into the cache,
 *   then one token per step; when the cache would outgrow `maxContext`, it is
 *   rebuilt from the last `maxContext` tokens (exactly what a model without a
 *   cache sees; with learned positions nothing cheaper is exact);
 * - **other models** re-read the last `maxContext` tokens every step.
 *
 * Prompts longer than `maxContext` lose their start (`promptCropped`). Every
 * forward pass runs inside `tf.tidy`; a model's cache must `tf.keep` the
 * tensors it stores, since they are created inside that tidy.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { ForwardOptions, KVCache, LanguageModel, RecurrentState } from "../models/types.ts";

/** How a {@link ModelStepper} drives its model. */
export type StepMode = "recurrent" | "cache" | "window";

/**
 * The logits at the last position of `ids` (`[V]`), from one forward pass
 * inside `tf.tidy`. With `returnState`, also the model's final state (which
 * the caller disposes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { lastLogits } from "./model_stepper.ts";
 * import type { LanguageModel } from "../models/types.ts";
 * // a stand-in model whose logits at each position are one-hot on the input id
 * const model = {
 *   forward: (ids: tf.Tensor2D) => ({ logits: tf.oneHot(ids, 4).toFloat() as tf.Tensor3D }),
 * } as unknown as LanguageModel;
 * const { logits } = lastLogits(model, [1, 3]);
 * assert.deepEqual([...logits.dataSync()], [0, 0, 0, 1]);
 * logits.dispose();
 * ```
 */
export function lastLogits(
  model: LanguageModel,
  ids: readonly number[],
  options: ForwardOptions = {},
): { logits: tf.Tensor1D; state?: RecurrentState } {
  return tf.tidy(() => {
    const input = tf.tensor2d([...ids], [1, ids.length], "int32");
    const out = model.forward(input, options);
    const [batch, steps, vocab] = out.logits.shape;
    if (batch !== 1 || steps < 1) {
      throw new Error(
        `${model.name}.forward returned logits of shape [${out.logits.shape}] for input [1, ${ids.length}]`,
      );
    }
    const logits = tf.reshape(tf.slice(out.logits, [0, steps - 1, 0], [1, 1, vocab]), [vocab]);
    if (options.returnState && !out.state) {
      throw new Error(`${model.name} is recurrent but forward() returned no state`);
    }
    return out.state ? { logits: logits as tf.Tensor1D, state: out.state } : {
      logits: logits as tf.Tensor1D,
    };
  });
}

/**
 * Feeds a model its prompt, then one sampled token at a time, and hands back
 * the next-token logits each time. Call {@link dispose} when done (it frees
 * the state or cache).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ModelStepper } from "./model_stepper.ts";
 * import type { LanguageModel } from "../models/types.ts";
 * const model = {
 *   name: "gpt", recurrent: false, maxContext: 2,
 *   forward: (ids: tf.Tensor2D) => ({ logits: tf.oneHot(ids, 4).toFloat() as tf.Tensor3D }),
 * } as unknown as LanguageModel;
 * const stepper = new ModelStepper(model, [0, 1, 2]);
 * assert.ok(stepper.promptCropped);
 * assert.deepEqual([...await stepper.start()], [0, 0, 1, 0]);
 * assert.deepEqual([...await stepper.append(3)], [0, 0, 0, 1]);
 * stepper.dispose();
 * ```
 */
export class ModelStepper {
  /** Whether the prompt was longer than the model's context. */
  readonly promptCropped: boolean;
  /** How the model is driven. */
  readonly mode: StepMode;
  readonly #model: LanguageModel;
  readonly #maxContext: number;
  /** The tokens the model currently sees (at most `maxContext`). */
  #context: number[];
  #state: RecurrentState | undefined;
  #cache: KVCache | undefined;
  #started = false;

  /** Prepares to generate after `promptIds` (validated by the caller). */
  constructor(
    model: LanguageModel,
    promptIds: readonly number[],
    options: { useCache?: boolean } = {},
  ) {
    this.#model = model;
    const max = model.maxContext;
    this.#maxContext = max === undefined ? Infinity : max;
    if (!(this.#maxContext >= 1)) {
      throw new Error(`${model.name}.maxContext must be at least 1; got ${max}`);
    }
    this.promptCropped = promptIds.length > this.#maxContext;
    this.#context = promptIds.slice(-this.#maxContext);
    const cache = model.createCache !== undefined && (options.useCache ?? true);
    this.mode = model.recurrent ? "recurrent" : cache ? "cache" : "window";
  }

  /** Reads the prompt; returns the logits for the first new token. */
  start(): Promise<Float32Array> {
    if (this.#started) throw new Error("ModelStepper.start() called twice");
    this.#started = true;
    switch (this.mode) {
      case "recurrent":
        return this.#runRecurrent(this.#context);
      case "cache":
        return this.#rebuildCache();
      case "window":
        return this.#read(lastLogits(this.#model, this.#context).logits);
    }
  }

  /** Adds the token just sampled; returns the logits for the next one. */
  append(id: number): Promise<Float32Array> {
    if (!this.#started) throw new Error("ModelStepper.append() before start()");
    if (this.mode === "recurrent") return this.#runRecurrent([id]);
    this.#context.push(id);
    if (this.#context.length > this.#maxContext) this.#context.shift();
    if (this.mode === "window") return this.#read(lastLogits(this.#model, this.#context).logits);
    const cache = this.#cache!;
    if (cache.length + 1 > this.#maxContext) return this.#rebuildCache();
    return this.#read(lastLogits(this.#model, [id], { cache }).logits);
  }

  /** Frees the recurrent state or KV cache. */
  dispose(): void {
    this.#disposeState();
    this.#cache?.dispose();
    this.#cache = undefined;
  }

  async #runRecurrent(ids: readonly number[]): Promise<Float32Array> {
    const out = lastLogits(this.#model, ids, { state: this.#state, returnState: true });
    this.#disposeState(out.state);
    this.#state = out.state;
    return await this.#read(out.logits);
  }

  /** A fresh cache filled with the current context. */
  #rebuildCache(): Promise<Float32Array> {
    this.#cache?.dispose();
    this.#cache = undefined;
    const cache = this.#model.createCache!(1);
    this.#cache = cache;
    return this.#read(lastLogits(this.#model, this.#context, { cache }).logits);
  }

  /** Frees the current state, except tensors that live on in `next`. */
  #disposeState(next?: RecurrentState): void {
    for (const t of this.#state ?? []) if (!next?.includes(t)) t.dispose();
    this.#state = undefined;
  }

  async #read(logits: tf.Tensor1D): Promise<Float32Array> {
    try {
      return await logits.data() as Float32Array;
    } finally {
      logits.dispose();
    }
  }
}
