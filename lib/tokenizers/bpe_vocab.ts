/**
 * The vocabulary side of byte-level BPE: which bytes each id stands for, and
 * which pair of ids each merge joins. Trained and loaded tokenizers both come
 * down to {@link BpeParts}; {@link buildBpeTables} checks that the parts fit
 * together and builds the lookup tables that encoding and decoding use.
 *
 * Nothing here assumes our training layout (bytes at ids 0..255, merge `i` at
 * id 256 + i): GPT-2's own vocabulary numbers its tokens differently.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { BYTE_TO_UNICODE, unicodeToBytes } from "./byte_level.ts";
import { checkSpecialTokens } from "./special_tokens.ts";
import { checkTokenId } from "./token_ids.ts";

/** A token matched literally in text, such as `<|endoftext|>`. */
export interface AddedToken {
  /** Its id. */
  id: number;
  /** The exact text it stands for. */
  content: string;
  /** Whether it is a special (control) token rather than an ordinary added word. */
  special: boolean;
}

/** Everything that defines a byte-level BPE tokenizer, in id terms. */
export interface BpeParts {
  /**
   * Every token in id order: byte-level strings (GPT-2's "Ġthe" for " the")
   * for vocabulary tokens, the content itself for added tokens.
   */
  tokens: readonly string[];
  /** Merges in rank order, each a pair of ids whose joined text is also a token. */
  merges: readonly (readonly [number, number])[];
  /** Tokens matched literally before pre-tokenization. */
  addedTokens: readonly AddedToken[];
  /** Hugging Face's `ignore_merges`: a pre-token that is already a token skips merging. */
  ignoreMerges?: boolean;
}

/** Lookup tables for encoding and decoding, built by {@link buildBpeTables}. */
export interface BpeTables {
  /** Id → the bytes it stands for (added tokens: their UTF-8 content). */
  bytes: Uint8Array[];
  /** Id → 1 for added tokens, 0 otherwise. */
  isAdded: Uint8Array;
  /** Byte value → the id of its one-byte token. */
  byteIds: Int32Array;
  /** Byte-level token string → id (added tokens excluded). */
  tokenIds: Map<string, number>;
  /** Added token content → id. */
  addedIds: Map<string, number>;
  /** Merge pair, as `left * vocabSize + right` → rank (its position in the merge list). */
  ranks: Map<number, number>;
  /** Rank → the id the merge makes. */
  mergedIds: Int32Array;
}

/**
 * Checks a tokenizer's parts and builds its lookup tables. Throws an
 * {@link InputError} when a token is not a byte-level string or appears twice,
 * a byte has no token, an added token does not match its id, or a merge does
 * not join two tokens into a third.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { buildBpeTables } from "./bpe_vocab.ts";
 * import { BYTE_TO_UNICODE } from "./byte_level.ts";
 * const tables = buildBpeTables({ tokens: [...BYTE_TO_UNICODE, "hi"], merges: [[104, 105]], addedTokens: [] });
 * assert(tables.mergedIds[0] === 256 && tables.byteIds[0x20] === 32);
 * assert(tables.ranks.get(104 * 257 + 105) === 0); // the pair key uses vocabSize 257
 * ```
 */
export function buildBpeTables(parts: BpeParts): BpeTables {
  const { tokens, merges, addedTokens } = parts;
  const size = tokens.length;
  const encoder = new TextEncoder();
  const t: BpeTables = {
    bytes: [],
    isAdded: new Uint8Array(size),
    byteIds: new Int32Array(256).fill(-1),
    tokenIds: new Map(),
    addedIds: new Map(),
    ranks: new Map(),
    mergedIds: new Int32Array(merges.length),
  };
  checkSpecialTokens(addedTokens.map((token) => token.content));
  for (const { id, content } of addedTokens) {
    checkTokenId(id, size);
    if (tokens[id] !== content) {
      throw new InputError(`added token ${JSON.stringify(content)} must be token ${id}`);
    }
    t.isAdded[id] = 1;
    t.addedIds.set(content, id);
  }
  // Every vocabulary token must spell bytes in GPT-2's byte-level alphabet.
  t.bytes = tokens.map((token, id) => {
    if (t.isAdded[id]) return encoder.encode(token);
    const bytes = unicodeToBytes(token);
    if (bytes === undefined || bytes.length === 0) {
      throw new InputError(
        `token ${id} (${JSON.stringify(token)}) is not a byte-level string; ` +
          "only GPT-2-style byte-level BPE vocabularies are supported",
      );
    }
    if (t.tokenIds.has(token)) {
      throw new InputError(
        `token ${JSON.stringify(token)} has two ids: ${t.tokenIds.get(token)} and ${id}`,
      );
    }
    if (bytes.length === 1) t.byteIds[bytes[0]] = id;
    t.tokenIds.set(token, id);
    return bytes;
  });
  const missing = t.byteIds.indexOf(-1);
  if (missing >= 0) {
    throw new InputError(
      `the vocabulary has no token for byte 0x${missing.toString(16).padStart(2, "0")} ` +
        `(${JSON.stringify(BYTE_TO_UNICODE[missing])}); byte-level BPE needs all 256 bytes`,
    );
  }
  // A merge (left, right) makes the token spelled left + right.
  merges.forEach(([left, right], rank) => {
    checkTokenId(left, size);
    checkTokenId(right, size);
    const merged = t.tokenIds.get(tokens[left] + tokens[right]);
    if (t.isAdded[left] || t.isAdded[right] || merged === undefined) {
      throw new InputError(
        `merge ${rank} (${JSON.stringify(tokens[left])} ${JSON.stringify(tokens[right])}) ` +
          "must join two vocabulary tokens into a third",
      );
    }
    const key = left * size + right;
    if (t.ranks.has(key)) {
      throw new InputError(`merge ${rank} repeats merge ${t.ranks.get(key)}`);
    }
    t.ranks.set(key, rank);
    t.mergedIds[rank] = merged;
  });
  return t;
}
