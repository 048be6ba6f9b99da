/**
 * The byte-level BPE tokenizer of GPT-2: encode and decode.
 *
 * Encoding a text: cut out special tokens, cut the rest into pre-tokens with
 * GPT-2's regex, write each pre-token as UTF-8 bytes (one base token per byte),
 * then apply the learned merges, lowest rank (earliest learned) first, until no
 * merge applies. Decoding concatenates the bytes of the tokens and reads them
 * as UTF-8. Because every byte has a token, any text can be encoded and
 * nothing is ever unknown.
 *
 * @module
 */

import { BYTE_TO_UNICODE, bytesToUnicode, preTokenize } from "./byte_level.ts";
import {
  type BpeTrainOptions,
  BYTE_TOKENS,
  DEFAULT_SPECIAL_TOKENS,
  learnMerges,
  mergePair,
} from "./bpe_train.ts";
import { type AddedToken, type BpeParts, type BpeTables, buildBpeTables } from "./bpe_vocab.ts";
import { parseHuggingFaceJSON, toHuggingFaceJSON } from "./hf_json.ts";
import type { HuggingFaceTokenizerJSON } from "./hf_json.ts";
import { specialTokenSplitter } from "./special_tokens.ts";
import { checkTokenId } from "./token_ids.ts";
import type { Tokenizer } from "./types.ts";

/** At most this many pre-tokens are remembered between `encode` calls. */
const CACHE_LIMIT = 100_000;
/** Longer pre-tokens are not remembered: they rarely repeat. */
const CACHE_MAX_LENGTH = 256;

/**
 * A byte-level BPE tokenizer (GPT-2's scheme), trained here with
 * {@link BpeTokenizer.train} or loaded from a Hugging Face `tokenizer.json`.
 *
 * `decode(encode(s)) === s` for every well-formed string. A string with lone
 * surrogates (half of a UTF-16 pair) has no UTF-8 form: like `TextEncoder`,
 * encoding turns each into U+FFFD "�", so the round trip gives
 * `s.toWellFormed()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BpeTokenizer } from "./bpe.ts";
 * const tok = BpeTokenizer.train("low lower lowest low low", { vocabSize: 260 });
 * assert(tok.vocabSize === 260 && tok.merges.length === 3);
 * const ids = tok.encode("lowest<|endoftext|>");
 * assert(ids[ids.length - 1] === 259); // the special token takes the last id
 * assert(tok.decode(ids) === "lowest<|endoftext|>");
 * assert(tok.idToToken(tok.encode(" low")[0]) === "Ġlow");
 * ```
 */
export class BpeTokenizer implements Tokenizer {
  /** Always `"bpe"`. */
  readonly kind = "bpe" as const;
  /** The merges in rank order, as pairs of ids. */
  readonly merges: readonly (readonly [number, number])[];
  /** Tokens matched literally in text, such as `<|endoftext|>`. */
  readonly addedTokens: readonly AddedToken[];
  /** Whether a pre-token that is already in the vocabulary skips merging. */
  readonly ignoreMerges: boolean;
  readonly #tokens: readonly string[];
  readonly #tables: BpeTables;
  readonly #splitAdded: (text: string) => string[];
  readonly #cache = new Map<string, number[]>(); // pre-token → ids
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  /**
   * Builds a tokenizer from its parts, checking that they fit together. Most
   * code calls {@link BpeTokenizer.train} or {@link BpeTokenizer.fromJSON} instead.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * import { BYTE_TO_UNICODE } from "./byte_level.ts";
   * const tokens = [...BYTE_TO_UNICODE, "hi"]; // ids 0..255 are bytes; "hi" is id 256
   * const tok = new BpeTokenizer({ tokens, merges: [[104, 105]], addedTokens: [] });
   * assert(tok.encode("hih").join() === "256,104");
   * ```
   */
  constructor(parts: BpeParts) {
    const { tokens, merges, addedTokens, ignoreMerges = false } = parts;
    this.#tables = buildBpeTables(parts);
    this.#tokens = Object.freeze([...tokens]);
    this.merges = Object.freeze(merges.map(([l, r]) => Object.freeze([l, r] as const)));
    this.addedTokens = Object.freeze(addedTokens.map((t) => Object.freeze({ ...t })));
    this.ignoreMerges = ignoreMerges;
    this.#splitAdded = specialTokenSplitter(addedTokens.map((t) => t.content));
  }

  /**
   * Trains a tokenizer on `text` (see `learnMerges` in `bpe_train.ts`): ids
   * 0..255 are the bytes, merge `i` makes id `256 + i`, and the special tokens
   * (default `["<|endoftext|>"]`) take the last ids, as GPT-2's 50256.
   * Throws an {@link InputError} if `vocabSize` is not an integer, is below
   * 256 + the number of special tokens, or is more than the text supports
   * (the message says how many it supports).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("aaabdaaabac", { vocabSize: 260 });
   * assert(JSON.stringify(tok.merges) === "[[97,97],[97,98],[256,257]]");
   * assert(tok.encode("aaabdaaabac").join() === "258,100,258,97,99");
   * ```
   */
  static train(text: string, options: BpeTrainOptions): BpeTokenizer {
    const merges = learnMerges(text, options);
    const tokens = [...BYTE_TO_UNICODE];
    for (const [left, right] of merges) tokens.push(tokens[left] + tokens[right]);
    const specials = options.specialTokens ?? DEFAULT_SPECIAL_TOKENS;
    const addedTokens = specials.map((content, i) => ({
      id: BYTE_TOKENS + merges.length + i,
      content,
      special: true,
    }));
    return new BpeTokenizer({ tokens: [...tokens, ...specials], merges, addedTokens });
  }

  /**
   * Loads a Hugging Face `tokenizer.json` object (this class's own
   * {@link BpeTokenizer.toJSON}, or GPT-2's). Throws an {@link InputError}
   * naming the field when the file is corrupt or uses unsupported features.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("hello hello", { vocabSize: 260 });
   * const copy = BpeTokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
   * assert(copy.encode("hello").join() === tok.encode("hello").join());
   * ```
   */
  static fromJSON(json: unknown): BpeTokenizer {
    return new BpeTokenizer(parseHuggingFaceJSON(json));
  }

  /** Number of ids, special tokens included. */
  get vocabSize(): number {
    return this.#tokens.length;
  }

  /**
   * Text → ids.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("abab", { vocabSize: 258, specialTokens: [] });
   * assert(tok.encode("abc").join() === "256,99"); // "ab" merged, "c" a byte
   * ```
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    const parts = this.#splitAdded(text);
    for (let p = 0; p < parts.length; p++) {
      if (p % 2 === 1) {
        ids.push(this.#tables.addedIds.get(parts[p])!); // odd parts are added tokens
        continue;
      }
      for (const piece of preTokenize(parts[p])) {
        for (const id of this.#encodePiece(piece)) ids.push(id);
      }
    }
    return ids;
  }

  /** One pre-token → ids, remembered in a cache because words repeat. */
  #encodePiece(piece: string): number[] {
    const cached = this.#cache.get(piece);
    if (cached !== undefined) return cached;
    const bytes = this.#encoder.encode(piece); // lone surrogates become U+FFFD here
    let ids = Array.from(bytes, (b) => this.#tables.byteIds[b]);
    const whole = this.ignoreMerges ? this.#tables.tokenIds.get(bytesToUnicode(bytes)) : undefined;
    if (whole !== undefined) {
      ids = [whole];
    } else {
      // GPT-2's loop (its encoder.py, and minbpe's): find the adjacent pair
      // with the lowest rank, i.e. the merge learned first, merge it
      // everywhere, repeat. Hugging Face merges one occurrence at a time with
      // a priority queue; for merges learned in order the result is the same.
      const size = this.#tokens.length;
      while (ids.length > 1) {
        let best = Infinity;
        for (let i = 0; i + 1 < ids.length; i++) {
          const rank = this.#tables.ranks.get(ids[i] * size + ids[i + 1]);
          if (rank !== undefined && rank < best) best = rank;
        }
        if (best === Infinity) break;
        const [left, right] = this.merges[best];
        ids = mergePair(ids, left, right, this.#tables.mergedIds[best]);
      }
    }
    if (piece.length <= CACHE_MAX_LENGTH) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(piece, ids);
    }
    return ids;
  }

  /**
   * Ids → text: the tokens' bytes read as UTF-8 (invalid sequences, e.g. a
   * cut-off character, become "�"); added tokens give their content.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("hi", { vocabSize: 257 });
   * assert(tok.decode(tok.encode("héllo 🙂<|endoftext|>")) === "héllo 🙂<|endoftext|>");
   * ```
   */
  decode(ids: ArrayLike<number>): string {
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      checkTokenId(ids[i], this.vocabSize);
      length += this.#tables.bytes[ids[i]].length;
    }
    const buffer = new Uint8Array(length);
    let text = "";
    let start = 0;
    let end = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (this.#tables.isAdded[id]) {
        // Like Hugging Face, decode the bytes before an added token on their own.
        text += this.#decoder.decode(buffer.subarray(start, end)) + this.#tokens[id];
        start = end;
      } else {
        buffer.set(this.#tables.bytes[id], end);
        end += this.#tables.bytes[id].length;
      }
    }
    return text + this.#decoder.decode(buffer.subarray(start, end));
  }

  /**
   * The token's name as the vocabulary writes it: byte-level ("Ġthe" for
   * " the", "Ċ" for "\n") or an added token's content.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("hi", { vocabSize: 257 });
   * assert(tok.idToToken(32) === "Ġ" && tok.idToToken(256) === "<|endoftext|>");
   * ```
   */
  idToToken(id: number): string {
    checkTokenId(id, this.vocabSize);
    return this.#tokens[id];
  }

  /**
   * The id of a token named as {@link BpeTokenizer.idToToken} writes it, if any.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("hi", { vocabSize: 257 });
   * assert(tok.tokenToId("Ġ") === 32 && tok.tokenToId("<|endoftext|>") === 256);
   * ```
   */
  tokenToId(token: string): number | undefined {
    return this.#tables.addedIds.get(token) ?? this.#tables.tokenIds.get(token);
  }

  /**
   * The bytes a token stands for (a copy). Added tokens give their UTF-8 content.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const tok = BpeTokenizer.train("hi hi", { vocabSize: 258 });
   * assert(new TextDecoder().decode(tok.tokenBytes(256)) === "hi");
   * ```
   */
  tokenBytes(id: number): Uint8Array {
    checkTokenId(id, this.vocabSize);
    return this.#tables.bytes[id].slice();
  }

  /**
   * A Hugging Face `tokenizer.json` object, loadable by `tokenizers` in Python,
   * `@huggingface/tokenizers` in JavaScript, and {@link BpeTokenizer.fromJSON}.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BpeTokenizer } from "./bpe.ts";
   * const json = BpeTokenizer.train("hi hi", { vocabSize: 258 }).toJSON();
   * assert(json.model.type === "BPE" && json.model.vocab["hi"] === 256);
   * ```
   */
  toJSON(): HuggingFaceTokenizerJSON {
    return toHuggingFaceJSON({
      tokens: this.#tokens,
      merges: this.merges,
      addedTokens: this.addedTokens,
      ignoreMerges: this.ignoreMerges,
    });
  }
}
