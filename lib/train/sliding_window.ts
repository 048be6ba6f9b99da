/**
 * Loss over a whole text with sliding windows, as GPT-2's paper evaluates
 * long texts and Hugging Face's perplexity guide computes it: windows of
 * `context` tokens start every `stride` tokens; each window scores only the
 * targets no earlier window scored, so every token after the first is scored
 * exactly once, with `context − stride` to `context` tokens before it (all
 * of them at stride 1; none shared at stride = context). The last window is
 * moved back to end at the text's end, so every window is full.
 *
 * @module
 */
import { tf } from "../engine/mod.ts";
import type { LanguageModel } from "../models/types.ts";

/** Options for {@link slidingWindowLoss}. */
export interface SlidingWindowOptions {
  /** Tokens of input per window (at most the model's context). */
  readonly context: number;
  /** Tokens between window starts, 1 ≤ stride ≤ context (default: context / 2). */
  readonly stride?: number;
  /** Windows per forward pass (default 1). */
  readonly batchSize?: number;
  /** Called after each batch with targets scored so far and in all. */
  readonly onProgress?: (scored: number, total: number) => void;
  /** Stops between batches. */
  readonly signal?: AbortSignal;
}

/** The sum of the per-token losses over a text. */
export interface SlidingWindowResult {
  /** Total cross-entropy in nats over the scored targets. */
  readonly nats: number;
  /** Targets scored: every token but the first. */
  readonly tokens: number;
  /** Windows evaluated. */
  readonly windows: number;
}

/** One window: inputs start at `start`; targets from `first` (an index into the window) on are scored. */
export interface SlidingWindow {
  /** Index of the window's first input token. */
  readonly start: number;
  /** Index (within the window) of the first target it scores. */
  readonly first: number;
}

/**
 * The windows for `n` tokens: each covers inputs `[start, start + len)` and
 * targets one position later, and scores targets from index `first` on
 * (`len` = min(context, n − 1)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slidingWindows } from "./sliding_window.ts";
 * // 11 tokens, context 4, stride 2: the last window is moved back to end at the text's end
 * assert.deepEqual(slidingWindows(11, 4, 2), [
 *   { start: 0, first: 0 }, { start: 2, first: 2 }, { start: 4, first: 2 }, { start: 6, first: 2 },
 * ]);
 * ```
 */
export function slidingWindows(n: number, context: number, stride: number): SlidingWindow[] {
  const len = Math.min(context, n - 1);
  const windows: SlidingWindow[] = [];
  let scoredUpTo = 0; // targets ids[1..scoredUpTo] are done
  for (let start = 0; scoredUpTo < n - 1; start += stride) {
    const s = Math.min(start, n - 1 - len);
    const end = s + len; // last target position
    windows.push({ start: s, first: scoredUpTo - s });
    scoredUpTo = end;
  }
  return windows;
}

/**
 * Sums the next-token cross-entropy of `model` over all of `ids` with sliding
 * windows. Recurrent models start every window from a zero state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Gpt } from "../models/gpt.ts";
 * import { slidingWindowLoss } from "./sliding_window.ts";
 * const gpt = new Gpt({ vocabSize: 7, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 8, dropout: 0, bias: false, tieWeights: true });
 * const ids = Int32Array.from({ length: 30 }, (_, i) => i % 7);
 * const r = await slidingWindowLoss(gpt, ids, { context: 8, stride: 4 });
 * assert.equal(r.tokens, 29);
 * assert.ok(Math.abs(r.nats / r.tokens - Math.log(7)) < 0.1); // untrained: near uniform
 * gpt.dispose();
 * ```
 */
export async function slidingWindowLoss(
  model: LanguageModel,
  ids: Int32Array,
  options: SlidingWindowOptions,
): Promise<SlidingWindowResult> {
  const n = ids.length;
  if (n < 2) throw new RangeError(`need at least 2 tokens to score; got ${n}`);
  const context = options.context;
  const stride = options.stride ?? Math.max(1, Math.floor(context / 2));
  if (!(Number.isInteger(stride) && stride >= 1 && stride <= context)) {
    throw new RangeError(`stride must be an integer in [1, ${context}]; got ${stride}`);
  }
  const len = Math.min(context, n - 1);
  const windows = slidingWindows(n, context, stride);
  const batchSize = Math.max(1, options.batchSize ?? 1);
  const V = model.config.vocabSize;
  let nats = 0;
  let scored = 0;
  for (let b = 0; b < windows.length; b += batchSize) {
    await new Promise((resolve) => setTimeout(resolve, 0)); // let a Ctrl-C through
    options.signal?.throwIfAborted();
    const batch = windows.slice(b, b + batchSize);
    const x = new Int32Array(batch.length * len);
    const flat: number[] = []; // index into the [B·len·V] log-probabilities of each scored target
    batch.forEach((w, i) => {
      x.set(ids.subarray(w.start, w.start + len), i * len);
      for (let t = w.first; t < len; t++) {
        flat.push((i * len + t) * V + ids[w.start + t + 1]);
      }
    });
    const sum = tf.tidy(() => {
      const { logits } = model.forward(tf.tensor2d(x, [batch.length, len], "int32"));
      const logp = tf.logSoftmax(logits).reshape([-1]);
      return tf.neg(tf.sum(tf.gather(logp, tf.tensor1d(flat, "int32"))));
    });
    nats += scalar(sum);
    scored += flat.length;
    options.onProgress?.(scored, n - 1);
  }
  return { nats, tokens: scored, windows: windows.length };
}

function scalar(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}
