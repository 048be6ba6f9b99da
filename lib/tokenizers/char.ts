/**
 * The character tokenizer: one id per distinct character of the training text.
 *
 * This is nanoGPT's `chars = sorted(list(set(text)))`: the vocabulary is every
 * distinct Unicode code point of the text, sorted by code point, so Tiny
 * Shakespeare gives exactly 65 symbols. We walk strings by code point (not by
 * UTF-16 unit), so an emoji such as "🙂" is one symbol, not two halves.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { checkTokenId } from "./token_ids.ts";
import type { CharTokenizerJSON, Tokenizer } from "./types.ts";

/** Options for {@link CharTokenizer.train}. */
export interface CharTrainOptions {
  /**
   * Add one extra id (the last) that stands for any character not seen in
   * training; it decodes to U+FFFD "�". Default false: unseen characters are an error.
   */
  unknown?: boolean;
}

/** The character every unknown id decodes to. */
const REPLACEMENT_CHARACTER = "\uFFFD";
/** How many unseen characters an error message names before "… and N more". */
const MAX_NAMED = 5;

/**
 * A character-level tokenizer: each Unicode code point of the vocabulary is one id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CharTokenizer } from "./char.ts";
 * const tok = CharTokenizer.train("hello world");
 * assert(tok.vocabSize === 8); // " ", d, e, h, l, o, r, w
 * const ids = tok.encode("hello");
 * assert(ids.join() === "3,2,4,4,5");
 * assert(tok.decode(ids) === "hello");
 * ```
 */
export class CharTokenizer implements Tokenizer {
  /** Always `"char"`. */
  readonly kind = "char" as const;
  /** The characters in id order (without the unknown token). */
  readonly symbols: readonly string[];
  /** Whether the last id stands for unseen characters. */
  readonly unknown: boolean;
  /** The id of unseen characters, or -1 when there is no unknown token. */
  readonly unknownId: number;
  /** Code point → id. */
  readonly #ids: Map<number, number>;

  /**
   * Builds a tokenizer from its symbols (each one code point, no duplicates).
   * Most code calls {@link CharTokenizer.train} or {@link CharTokenizer.fromJSON} instead.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const tok = new CharTokenizer(["a", "b"], { unknown: true });
   * assert(tok.encode("abc").join() === "0,1,2" && tok.decode([2]) === "\uFFFD");
   * ```
   */
  constructor(symbols: readonly string[], options: CharTrainOptions = {}) {
    this.#ids = new Map();
    symbols.forEach((symbol, id) => {
      const codePoint = symbol.codePointAt(0);
      if (codePoint === undefined || String.fromCodePoint(codePoint) !== symbol) {
        throw new InputError(
          `char tokenizer symbol ${id} must be exactly one character; got ${
            JSON.stringify(symbol)
          }`,
        );
      }
      if (this.#ids.has(codePoint)) {
        throw new InputError(
          `char tokenizer symbol ${JSON.stringify(symbol)} appears twice (ids ` +
            `${this.#ids.get(codePoint)} and ${id}); each character needs exactly one id`,
        );
      }
      this.#ids.set(codePoint, id);
    });
    this.symbols = Object.freeze([...symbols]);
    this.unknown = options.unknown ?? false;
    this.unknownId = this.unknown ? symbols.length : -1;
  }

  /**
   * Learns the vocabulary: the distinct code points of `text`, sorted by code point.
   * Throws an {@link InputError} for empty text.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const tok = CharTokenizer.train("baa🙂");
   * assert(tok.symbols.join("|") === "a|b|🙂");
   * ```
   */
  static train(text: string, options: CharTrainOptions = {}): CharTokenizer {
    if (text.length === 0) {
      throw new InputError("cannot train a char tokenizer on empty text; give it some text");
    }
    const codePoints = new Set<number>();
    for (const char of text) codePoints.add(char.codePointAt(0)!);
    const sorted = [...codePoints].sort((a, b) => a - b);
    return new CharTokenizer(sorted.map((cp) => String.fromCodePoint(cp)), options);
  }

  /**
   * Rebuilds a tokenizer from {@link CharTokenizer.toJSON}'s output, checking every field.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const tok = CharTokenizer.fromJSON({ type: "char", version: 1, symbols: ["a"], unknown: false });
   * assert(tok.vocabSize === 1);
   * ```
   */
  static fromJSON(json: unknown): CharTokenizer {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new InputError("char tokenizer JSON must be an object");
    }
    const { type, version, symbols, unknown } = json as Record<string, unknown>;
    if (type !== "char") {
      throw new InputError(`char tokenizer JSON needs "type": "char"; got ${JSON.stringify(type)}`);
    }
    if (version !== 1) {
      throw new InputError(
        `char tokenizer JSON "version" must be 1; got ${JSON.stringify(version)}`,
      );
    }
    if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string")) {
      throw new InputError('char tokenizer JSON "symbols" must be an array of strings');
    }
    if (symbols.length === 0) {
      throw new InputError('char tokenizer JSON "symbols" is empty');
    }
    if (typeof unknown !== "boolean") {
      throw new InputError('char tokenizer JSON "unknown" must be true or false');
    }
    return new CharTokenizer(symbols, { unknown });
  }

  /** Number of ids: one per symbol, plus one when there is an unknown token. */
  get vocabSize(): number {
    return this.symbols.length + (this.unknown ? 1 : 0);
  }

  /**
   * Text → ids, one per code point. Without an unknown token, an unseen
   * character throws an {@link InputError} that names it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const tok = CharTokenizer.train("ab");
   * assert(tok.encode("ba").join() === "1,0");
   * ```
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    let unseen: Set<string> | undefined;
    for (let i = 0; i < text.length; i++) {
      const codePoint = text.codePointAt(i)!;
      if (codePoint > 0xffff) i++; // an astral character fills two UTF-16 units
      const id = this.#ids.get(codePoint);
      if (id !== undefined) {
        ids.push(id);
      } else if (this.unknown) {
        ids.push(this.unknownId);
      } else {
        (unseen ??= new Set()).add(String.fromCodePoint(codePoint));
      }
    }
    if (unseen) throw this.#unseenError(unseen);
    return ids;
  }

  /**
   * Ids → text. The unknown id decodes to U+FFFD "�".
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const tok = CharTokenizer.train("ab");
   * assert(tok.decode([1, 0, 0]) === "baa");
   * ```
   */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkTokenId(id, this.vocabSize);
      parts[i] = id === this.unknownId ? REPLACEMENT_CHARACTER : this.symbols[id];
    }
    return parts.join("");
  }

  /**
   * The JSON that {@link CharTokenizer.fromJSON} (or `loadTokenizer`) reads back.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CharTokenizer } from "./char.ts";
   * const json = CharTokenizer.train("ba").toJSON();
   * assert(JSON.stringify(json) === '{"type":"char","version":1,"symbols":["a","b"],"unknown":false}');
   * ```
   */
  toJSON(): CharTokenizerJSON {
    return { type: "char", version: 1, symbols: [...this.symbols], unknown: this.unknown };
  }

  /** The error for characters outside the vocabulary: names a few and suggests a fix. */
  #unseenError(unseen: Set<string>): InputError {
    const named = [...unseen].slice(0, MAX_NAMED).map((c) => JSON.stringify(c)).join(", ");
    const more = unseen.size > MAX_NAMED ? ` and ${unseen.size - MAX_NAMED} more` : "";
    const what = unseen.size === 1 ? "1 character" : `${unseen.size} distinct characters`;
    return new InputError(
      `text has ${what} not in this char tokenizer's ${this.symbols.length} symbols: ` +
        `${named}${more}; train on text that contains them, or with an unknown token ` +
        `(command line: train with --set unknownToken=true; code: { unknown: true })`,
    );
  }
}
