/**
 * The word tokenizer: one id per frequent word, `<unk>` for the rest.
 *
 * As in PyTorch's word_language_model example (which reads WikiText-2 with
 * `line.split() + ['<eos>']`), every line becomes its words followed by an
 * end-of-sentence token `<eos>`, so a model also learns where lines end.
 * Vocabularies are cut by frequency: words rarer than `minFreq`, or beyond the
 * `maxSize` most frequent, all share the id of `<unk>`.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { checkTokenId } from "./token_ids.ts";
import type { Tokenizer, WordSplit, WordTokenizerJSON } from "./types.ts";

/** Options for {@link WordTokenizer.train}. */
export interface WordTrainOptions {
  /** Keep only words seen at least this many times (default 1: every word). */
  minFreq?: number;
  /** Largest vocabulary, `<unk>` and `<eos>` included (default: no limit). */
  maxSize?: number;
  /**
   * How to cut a line into words. `"punctuation"` (default) keeps letters,
   * digits and inner apostrophes together ("don't") and makes every other
   * non-space character its own word; `"whitespace"` splits on spaces only, for
   * text that is already tokenized, like WikiText-2.
   */
  split?: WordSplit;
}

/** Stands for every word outside the vocabulary; always id 0. */
export const UNK = "<unk>";
/** Marks the end of each line; always id 1. */
export const EOS = "<eos>";

/**
 * Words for `"punctuation"` splitting: a literal `<unk>` (WikiText writes it),
 * runs of letters, combining marks and digits with apostrophes between letters,
 * or any other single non-space character.
 */
const PUNCTUATION_WORD = /<unk>|(?:[\p{L}\p{M}\p{N}]|(?<=\p{L})'(?=\p{L}))+|\S/gu;
/** Words that decode without a space before them ("word ," → "word,"). */
const NO_SPACE_BEFORE = new Set([",", ".", ";", ":", "!", "?", ")", "]"]);
/** Words that decode without a space after them ("( word" → "(word"). */
const NO_SPACE_AFTER = new Set(["(", "["]);
/** A contraction suffix such as "'s" or "'ll", glued to the word before. */
const APOSTROPHE_SUFFIX = /^'\p{L}/u;

/** Compares strings by Unicode code point (JavaScript's `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Splits text into lines as Python's `for line in file` does: a final newline
 * does not start an extra empty line.
 */
function lines(text: string): string[] {
  const result = text.split("\n");
  if (result[result.length - 1] === "") result.pop();
  return result;
}

/** Cuts one line into words. */
function splitLine(line: string, split: WordSplit): string[] {
  if (split === "whitespace") return line.split(/\s+/).filter((w) => w.length > 0);
  return line.match(PUNCTUATION_WORD) ?? [];
}

/**
 * A word-level tokenizer with `<unk>` (id 0) and `<eos>` (id 1), then words by
 * falling frequency (ties in code-point order), so training is deterministic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WordTokenizer } from "./word.ts";
 * const tok = WordTokenizer.train("to be, or not to be\n");
 * assert(tok.words.join(" ") === "<unk> <eos> be to , not or");
 * const ids = tok.encode("to be, or not to be");
 * assert(ids.join() === "3,2,4,6,5,3,2,1");
 * assert(tok.decode(ids) === "to be, or not to be\n");
 * assert(tok.encode("to sleep")[1] === 0); // <unk>
 * ```
 */
export class WordTokenizer implements Tokenizer {
  /** Always `"word"`. */
  readonly kind = "word" as const;
  /** The vocabulary in id order: `<unk>`, `<eos>`, then words by frequency. */
  readonly words: readonly string[];
  /** How lines are cut into words. */
  readonly split: WordSplit;
  /** The id of `<unk>` (0). */
  readonly unkId: number = 0;
  /** The id of `<eos>` (1). */
  readonly eosId: number = 1;
  /** Word → id. */
  readonly #ids: Map<string, number>;

  /**
   * Builds a tokenizer from a word list that starts with `<unk>`, `<eos>`.
   * Most code calls {@link WordTokenizer.train} or {@link WordTokenizer.fromJSON} instead.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = new WordTokenizer(["<unk>", "<eos>", "hi"], "whitespace");
   * assert(tok.encode("hi there").join() === "2,0,1");
   * ```
   */
  constructor(words: readonly string[], split: WordSplit = "punctuation") {
    if (words[0] !== UNK || words[1] !== EOS) {
      throw new InputError(`word tokenizer words must start with "${UNK}", "${EOS}"`);
    }
    if (split !== "whitespace" && split !== "punctuation") {
      throw new InputError(
        `word tokenizer split must be "whitespace" or "punctuation"; got ${JSON.stringify(split)}`,
      );
    }
    this.#ids = new Map();
    words.forEach((word, id) => {
      if (word.length === 0 || /\s/u.test(word)) {
        throw new InputError(
          `word tokenizer word ${id} must be non-empty without spaces; got ${JSON.stringify(word)}`,
        );
      }
      if (this.#ids.has(word)) {
        throw new InputError(`word tokenizer word ${JSON.stringify(word)} appears twice`);
      }
      this.#ids.set(word, id);
    });
    this.words = Object.freeze([...words]);
    this.split = split;
  }

  /**
   * Counts the words of `text` and keeps the frequent ones. Throws an
   * {@link InputError} for text without words, `minFreq` below 1, `maxSize`
   * below 3, or limits that would leave only `<unk>` and `<eos>`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = WordTokenizer.train("a a a b b c", { minFreq: 2 });
   * assert(tok.words.join(" ") === "<unk> <eos> a b");
   * assert(WordTokenizer.train("a a a b b c", { maxSize: 3 }).vocabSize === 3);
   * ```
   */
  static train(text: string, options: WordTrainOptions = {}): WordTokenizer {
    const { minFreq = 1, maxSize = Infinity, split = "punctuation" } = options;
    if (split !== "whitespace" && split !== "punctuation") {
      throw new InputError(
        `word tokenizer split must be "whitespace" or "punctuation"; got ${JSON.stringify(split)}`,
      );
    }
    if (!Number.isInteger(minFreq) || minFreq < 1) {
      throw new InputError(`word tokenizer minFreq must be an integer ≥ 1; got ${minFreq}`);
    }
    if (maxSize !== Infinity && (!Number.isInteger(maxSize) || maxSize < 3)) {
      throw new InputError(
        `word tokenizer maxSize must be an integer ≥ 3 (<unk>, <eos> and one word); got ${maxSize}`,
      );
    }
    const counts = new Map<string, number>();
    for (const line of lines(text)) {
      for (const word of splitLine(line, split)) {
        if (word !== UNK && word !== EOS) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
    if (counts.size === 0) {
      throw new InputError("cannot train a word tokenizer: the text has no words");
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    const kept = ranked.filter(([, n]) => n >= minFreq).slice(0, maxSize - 2);
    if (kept.length === 0) {
      throw new InputError(
        `vocabulary would hold only ${UNK} and ${EOS}: lower minFreq to at most ` +
          `${ranked[0][1]} (the count of the most frequent word, ${JSON.stringify(ranked[0][0])})`,
      );
    }
    return new WordTokenizer([UNK, EOS, ...kept.map(([word]) => word)], split);
  }

  /**
   * Rebuilds a tokenizer from {@link WordTokenizer.toJSON}'s output, checking every field.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = WordTokenizer.fromJSON({ type: "word", version: 1, words: ["<unk>", "<eos>", "a"], split: "whitespace" });
   * assert(tok.vocabSize === 3);
   * ```
   */
  static fromJSON(json: unknown): WordTokenizer {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new InputError("word tokenizer JSON must be an object");
    }
    const { type, version, words, split } = json as Record<string, unknown>;
    if (type !== "word") {
      throw new InputError(`word tokenizer JSON needs "type": "word"; got ${JSON.stringify(type)}`);
    }
    if (version !== 1) {
      throw new InputError(
        `word tokenizer JSON "version" must be 1; got ${JSON.stringify(version)}`,
      );
    }
    if (!Array.isArray(words) || !words.every((w) => typeof w === "string")) {
      throw new InputError('word tokenizer JSON "words" must be an array of strings');
    }
    return new WordTokenizer(words, split as WordSplit);
  }

  /** Number of ids, `<unk>` and `<eos>` included. */
  get vocabSize(): number {
    return this.words.length;
  }

  /**
   * Text → ids: each line's words, then `<eos>`. Unknown words become `<unk>` (0).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = WordTokenizer.train("a b\nb\n", { split: "whitespace" });
   * assert(tok.encode("b a\nc").join() === "2,3,1,0,1");
   * ```
   */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const line of lines(text)) {
      for (const word of splitLine(line, this.split)) ids.push(this.#ids.get(word) ?? this.unkId);
      ids.push(this.eosId);
    }
    return ids;
  }

  /**
   * Ids → text: words joined by single spaces, `<eos>` as a newline. With
   * `"punctuation"` splitting, no space goes before `, . ; : ! ? ) ]` or a
   * suffix like "'s", and none after `(` or `[`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = WordTokenizer.train("Hi (there), you!\n");
   * assert(tok.decode(tok.encode("you, Hi!")) === "you, Hi!\n");
   * ```
   */
  decode(ids: ArrayLike<number>): string {
    const glue = this.split === "punctuation";
    let text = "";
    let previous = EOS; // the start of the text behaves like the start of a line
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkTokenId(id, this.vocabSize);
      const word = this.words[id];
      if (word === EOS) {
        text += "\n";
      } else {
        const space = previous !== EOS &&
          !(glue && (NO_SPACE_BEFORE.has(word) || APOSTROPHE_SUFFIX.test(word) ||
            NO_SPACE_AFTER.has(previous)));
        text += space ? " " + word : word;
      }
      previous = word;
    }
    return text;
  }

  /**
   * The fraction of ids that are `<unk>`: how much of a text the vocabulary misses.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const tok = WordTokenizer.train("a a b");
   * assert(tok.unknownRate(tok.encode("a c c")) === 0.5); // a c c <eos>
   * ```
   */
  unknownRate(ids: ArrayLike<number>): number {
    if (ids.length === 0) return 0;
    let unknown = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] === this.unkId) unknown++;
    return unknown / ids.length;
  }

  /**
   * The JSON that {@link WordTokenizer.fromJSON} (or `loadTokenizer`) reads back.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { WordTokenizer } from "./word.ts";
   * const json = WordTokenizer.train("hi").toJSON();
   * assert(JSON.stringify(json) === '{"type":"word","version":1,"words":["<unk>","<eos>","hi"],"split":"punctuation"}');
   * ```
   */
  toJSON(): WordTokenizerJSON {
    return { type: "word", version: 1, words: [...this.words], split: this.split };
  }
}
