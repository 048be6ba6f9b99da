/**
 * The one interface every tokenizer implements, and the JSON shapes they save.
 *
 * A tokenizer turns text into a list of integer ids (`encode`) and back
 * (`decode`). Models only ever see the ids; `vocabSize` tells a model how many
 * rows its embedding table needs.
 *
 * @module
 */

import type { HuggingFaceTokenizerJSON } from "./hf_json.ts";

/** The three tokenizers of this project, from the simplest to GPT-2's. */
export type TokenizerKind = "char" | "word" | "bpe";

/** Every tokenizer kind, in teaching order. */
export const TOKENIZER_KINDS: readonly TokenizerKind[] = ["char", "word", "bpe"];

/** What a character tokenizer saves: its symbols in id order. */
export interface CharTokenizerJSON {
  /** Always `"char"`. */
  type: "char";
  /** Format version, currently 1. */
  version: 1;
  /** One Unicode code point per entry; the index is the id. */
  symbols: string[];
  /** Whether one extra id (the last) stands for any unseen character. */
  unknown: boolean;
}

/** How a word tokenizer cuts a line into words. */
export type WordSplit = "whitespace" | "punctuation";

/** What a word tokenizer saves: its words in id order (`<unk>`, `<eos>` first). */
export interface WordTokenizerJSON {
  /** Always `"word"`. */
  type: "word";
  /** Format version, currently 1. */
  version: 1;
  /** The vocabulary; the index is the id. */
  words: string[];
  /** How lines are split into words. */
  split: WordSplit;
}

/** Any saved tokenizer: our own char/word formats or a Hugging Face `tokenizer.json`. */
export type TokenizerJSON = CharTokenizerJSON | WordTokenizerJSON | HuggingFaceTokenizerJSON;

/**
 * Text ⇄ token ids. Implemented by `CharTokenizer`, `WordTokenizer` and
 * `BpeTokenizer`; `loadTokenizer` turns any saved one back into a tokenizer.
 */
export interface Tokenizer {
  /** Which kind of tokenizer this is. */
  readonly kind: TokenizerKind;
  /** Number of distinct ids, special tokens included: ids run from 0 to vocabSize − 1. */
  readonly vocabSize: number;
  /** Text → ids. */
  encode(text: string): number[];
  /** Ids → text. Throws an `InputError` for an id outside 0..vocabSize − 1. */
  decode(ids: ArrayLike<number>): string;
  /** A plain JSON-serialisable object that `loadTokenizer` turns back into this tokenizer. */
  toJSON(): TokenizerJSON;
}
