/**
 * A check shared by every tokenizer's `decode`: ids must be integers in range.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Throws an {@link InputError} unless `id` is an integer in `0..vocabSize − 1`.
 * A bad id usually means the ids came from a model trained with another tokenizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTokenId } from "./token_ids.ts";
 * checkTokenId(3, 65); // fine
 * let threw = false;
 * try { checkTokenId(65, 65); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export function checkTokenId(id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new InputError(
      `token id ${id} is out of range: this tokenizer has ids 0..${vocabSize - 1}; ` +
        "were these ids made with another tokenizer?",
    );
  }
}
