/**
 * What `generate()` accepts and returns, and the checks that turn a bad option
 * into a one-line {@link InputError} (exit code 2 in the scripts).
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import type { SamplingOptions } from "./sampling.ts";

/**
 * Called for every new token, in order, as soon as it is final (tokens that
 * might start a stop string are held back until that is decided). `index`
 * counts from 0; `text` is the text this token adds when `decode` was given
 * (it may be `""` while a multi-byte character is incomplete; the pieces join
 * to the result's `text`). Return `false` to stop after this token.
 */
export type TokenCallback = (
  id: number,
  index: number,
  text: string | undefined,
) => boolean | void | Promise<boolean | void>;

/** Options for `generate()`. */
export interface GenerateOptions extends SamplingOptions {
  /** How many new tokens to generate at most (a positive integer). */
  readonly maxNewTokens: number;
  /** Always take the most likely token (same as temperature 0). Default false. */
  readonly greedy?: boolean;
  /** Seed for the sampler's {@link Rng}: the same seed gives the same tokens. Default: random. */
  readonly seed?: number;
  /** Draw from this generator instead of a new one (it advances); overrides `seed`. */
  readonly rng?: Rng;
  /** Stop when the new tokens end with one of these id sequences (left out of the result). */
  readonly stopSequences?: readonly (readonly number[])[];
  /** Stop when the decoded continuation contains one of these strings (cut from the result). Needs `decode`. */
  readonly stopStrings?: readonly string[];
  /** Stop when this returns true for the decoded continuation (kept in the result). Needs `decode`. */
  readonly stopWhen?: (text: string, ids: readonly number[]) => boolean;
  /** Token ids → text (a tokenizer's `decode`), for stop strings and streamed text. */
  readonly decode?: (ids: number[]) => string;
  /** Streaming: called token by token; return `false` to stop. */
  readonly onToken?: TokenCallback;
  /** Stops generation between two tokens when aborted (e.g. on Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Use the model's KV cache when it has one (default true; false re-reads the window each step). */
  readonly useCache?: boolean;
}

/** Why generation ended. */
export type StopReason = "length" | "stop" | "callback" | "signal";

/** What `generate()` returns. */
export interface GenerateResult {
  /** The new tokens only (the prompt is not repeated). */
  readonly ids: number[];
  /**
   * The decoded continuation when `decode` was given: `decode(ids)`, except
   * that a stop string cuts it exactly where the string begins (a token that
   * straddles that point stays in `ids`, only its text before the cut is kept).
   */
  readonly text: string | undefined;
  /** Whether the prompt was longer than the model's context and lost its start. */
  readonly promptCropped: boolean;
  /** Why generation ended. */
  readonly stoppedBy: StopReason;
  /** The seed used (`undefined` when an `rng` was passed). */
  readonly seed: number | undefined;
}

/**
 * Checks the sampling knobs shared by `generate()` and
 * `nextTokenDistribution()`; throws a one-line {@link InputError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateSampling } from "./options.ts";
 * import { InputError } from "../errors.ts";
 * validateSampling({ temperature: 0.8, topK: 40, topP: 0.95 });
 * assert.throws(() => validateSampling({ topP: 0 }), InputError);
 * ```
 */
export function validateSampling(options: SamplingOptions & { readonly greedy?: boolean }): void {
  const { temperature, topK, topP, greedy } = options;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) {
    throw new InputError(`temperature must be a number ≥ 0 (0 = greedy); got ${temperature}`);
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) {
    throw new InputError(`top-k must be an integer ≥ 0 (0 = off); got ${topK}`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    throw new InputError(`top-p must be in (0, 1] (1 = off); got ${topP}`);
  }
  if (greedy !== undefined && typeof greedy !== "boolean") {
    throw new InputError(`greedy must be true or false; got ${greedy}`);
  }
}

/**
 * Checks that `ids` is a non-empty list of token ids below `vocabSize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validatePrompt } from "./options.ts";
 * validatePrompt([0, 4], 5);
 * assert.throws(() => validatePrompt([], 5), /empty/);
 * assert.throws(() => validatePrompt([5], 5), /token id 5/);
 * ```
 */
export function validatePrompt(ids: readonly number[], vocabSize: number): void {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new InputError(
      "the prompt is empty: generation needs at least one token to start from " +
        "(give a prompt, or start from a newline or <eos> token)",
    );
  }
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new InputError(
        `token id ${id} is not in this model's vocabulary (0..${vocabSize - 1}); ` +
          `was the prompt encoded with the checkpoint's own tokenizer?`,
      );
    }
  }
}

/**
 * Checks every option of `generate()` (the CLI can call it before loading a
 * checkpoint); throws a one-line {@link InputError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateGenerateOptions } from "./options.ts";
 * import { InputError } from "../errors.ts";
 * validateGenerateOptions({ maxNewTokens: 100, temperature: 0.8, topK: 40 });
 * assert.throws(() => validateGenerateOptions({ maxNewTokens: 0 }), InputError);
 * assert.throws(() => validateGenerateOptions({ maxNewTokens: 5, stopStrings: ["\n\n"] }), /decode/);
 * ```
 */
export function validateGenerateOptions(options: GenerateOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new InputError("generate() needs an options object with at least maxNewTokens");
  }
  const { maxNewTokens, seed } = options;
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens > 0)) {
    throw new InputError(`length (maxNewTokens) must be a positive integer; got ${maxNewTokens}`);
  }
  validateSampling(options);
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new InputError(`seed must be an integer; got ${seed}`);
  }
  for (const seq of options.stopSequences ?? []) {
    if (!Array.isArray(seq) || seq.length === 0 || !seq.every((id) => Number.isInteger(id))) {
      throw new InputError(
        `each stop sequence must be a non-empty list of token ids; got ${JSON.stringify(seq)}`,
      );
    }
  }
  for (const s of options.stopStrings ?? []) {
    if (typeof s !== "string" || s.length === 0) {
      throw new InputError(`a stop string must be non-empty text; got ${JSON.stringify(s)}`);
    }
  }
  const needsDecode = (options.stopStrings?.length ?? 0) > 0 || options.stopWhen !== undefined;
  if (needsDecode && typeof options.decode !== "function") {
    throw new InputError(
      "stop strings need a decode function (pass the tokenizer's decode) to read the text",
    );
  }
}
