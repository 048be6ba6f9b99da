/**
 * One sampler for every model: greedy, temperature, top-k, top-p, a seed,
 * stop sequences and stop strings, a length limit, token-by-token streaming
 * and cancellation. Recurrent models carry their state and attention models
 * use their KV cache (see `model_stepper.ts`); the sampling arithmetic lives
 * in `sampling.ts` and the stop/streaming rules in `token_stream.ts`.
 *
 * @module
 */
import { setImmediate } from "node:timers";
import type { LanguageModel } from "../models/types.ts";
import { Rng } from "../rng.ts";
import { ModelStepper } from "./model_stepper.ts";
import {
  type GenerateOptions,
  type GenerateResult,
  type StopReason,
  validateGenerateOptions,
  validatePrompt,
} from "./options.ts";
import { pickToken } from "./sampling.ts";
import { type ReleasedToken, TokenStream } from "./token_stream.ts";

/**
 * Generates up to `options.maxNewTokens` tokens after `promptIds`.
 *
 * The prompt is cropped from the left to the model's `maxContext`
 * (`promptCropped` says so, for a one-line notice). Tokens reach `onToken` in
 * order as soon as they are final; tokens that might begin a stop string are
 * held until that is decided, so a stop string is never streamed. Between two
 * tokens the event loop runs, so an `AbortSignal` (Ctrl-C) or a notebook
 * display can act. No tensor outlives the call.
 *
 * Bad options (top-p outside (0, 1], temperature < 0, a length or top-k that
 * is not a suitable integer, an empty prompt, ids outside the vocabulary) are
 * refused with a one-line `InputError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { generate } from "./generate.ts";
 * import type { LanguageModel } from "../models/types.ts";
 * // a stand-in model that always predicts "the next id" (mod 5)
 * const model = {
 *   name: "gpt", recurrent: false, maxContext: 8, config: { vocabSize: 5, blockSize: 8 },
 *   forward: (ids: tf.Tensor2D) => {
 *     const next = tf.mod(tf.add(ids, tf.scalar(1, "int32")), tf.scalar(5, "int32"));
 *     return { logits: tf.mul(tf.oneHot(next, 5), 10) as tf.Tensor3D };
 *   },
 * } as unknown as LanguageModel;
 * const seen: number[] = [];
 * const result = await generate(model, [3], {
 *   maxNewTokens: 6,
 *   greedy: true,
 *   onToken: (id) => void seen.push(id),
 * });
 * assert.deepEqual(result.ids, [4, 0, 1, 2, 3, 4]);
 * assert.deepEqual(seen, result.ids);
 * assert.equal(result.stoppedBy, "length");
 *
 * const letters = (ids: number[]) => ids.map((i) => "abcde"[i]).join("");
 * const stopped = await generate(model, [0], {
 *   maxNewTokens: 10, temperature: 0.5, seed: 1, stopStrings: ["de"], decode: letters,
 * });
 * assert.equal(stopped.text, "bc");
 * assert.equal(stopped.stoppedBy, "stop");
 * ```
 */
export async function generate(
  model: LanguageModel,
  promptIds: readonly number[],
  options: GenerateOptions,
): Promise<GenerateResult> {
  validateGenerateOptions(options);
  validatePrompt(promptIds, model.config.vocabSize);
  const seed = options.rng ? undefined : options.seed ?? randomSeed();
  const rng = options.rng ?? new Rng(seed!);
  const { decode, onToken, signal } = options;
  const stream = new TokenStream(options);
  const stepper = new ModelStepper(model, promptIds, { useCache: options.useCache });
  const ids: number[] = [];
  let stoppedBy: StopReason = "length";
  let partial = false; // the callback stopped in the middle of a batch of released tokens

  /** Hands released tokens to the callback; false when it asks to stop. */
  const emit = async (released: ReleasedToken[]): Promise<boolean> => {
    for (const token of released) {
      ids.push(token.id);
      if (onToken && (await onToken(token.id, ids.length - 1, token.text)) === false) {
        partial = token !== released[released.length - 1];
        return false;
      }
    }
    return true;
  };

  try {
    if (signal?.aborted) {
      stoppedBy = "signal";
    } else {
      let logits = await stepper.start();
      for (let count = 1;; count++) {
        const id = pickToken(logits, options, rng);
        const { released, stopped } = stream.push(id);
        if (!(await emit(released))) {
          stoppedBy = "callback";
          break;
        }
        if (stopped) {
          stoppedBy = "stop";
          break;
        }
        if (count === options.maxNewTokens) break;
        await yieldToEventLoop();
        if (signal?.aborted) {
          stoppedBy = "signal";
          break;
        }
        logits = await stepper.append(id);
      }
    }
    if (stoppedBy === "length" || stoppedBy === "signal") {
      if (!(await emit(stream.flush()))) stoppedBy = "callback";
    }
  } finally {
    stepper.dispose();
  }
  let text: string | undefined;
  // the stream's text (cut at a stop string) holds when every token it released was taken
  if (decode) text = partial || stream.text === undefined ? decode(ids) : stream.text;
  return { ids, text, promptCropped: stepper.promptCropped, stoppedBy, seed };
}

/** A random seed, reported back in the result so a run can be repeated. */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** Lets timers, signal handlers and I/O run between two tokens (~µs, unlike setTimeout). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
