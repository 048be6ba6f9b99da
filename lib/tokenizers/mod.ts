/**
 * Tokenizers: characters, words, and GPT-2's byte-level BPE behind one
 * {@link Tokenizer} interface, saved as JSON (BPE as a Hugging Face
 * `tokenizer.json`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTokenizer, trainTokenizer } from "./mod.ts";
 * const tok = trainTokenizer("bpe", "to be or not to be", { vocabSize: 260 });
 * const again = loadTokenizer(tok.toJSON());
 * assert(again.decode(again.encode("to be")) === "to be");
 * ```
 *
 * @module
 */

export type {
  CharTokenizerJSON,
  Tokenizer,
  TokenizerJSON,
  TokenizerKind,
  WordSplit,
  WordTokenizerJSON,
} from "./types.ts";
export { TOKENIZER_KINDS } from "./types.ts";
export { CharTokenizer, type CharTrainOptions } from "./char.ts";
export { EOS, UNK, WordTokenizer, type WordTrainOptions } from "./word.ts";
export { BpeTokenizer } from "./bpe.ts";
export { type AddedToken, type BpeParts, type BpeTables, buildBpeTables } from "./bpe_vocab.ts";
export {
  type BpeTrainOptions,
  BYTE_TOKENS,
  DEFAULT_SPECIAL_TOKENS,
  learnMerges,
  mergePair,
} from "./bpe_train.ts";
export {
  BYTE_TO_UNICODE,
  bytesToUnicode,
  GPT2_SPLIT_PATTERN,
  preTokenize,
  UNICODE_TO_BYTE,
  unicodeToBytes,
} from "./byte_level.ts";
export {
  type HuggingFaceAddedToken,
  type HuggingFaceBpeModel,
  type HuggingFaceByteLevel,
  type HuggingFaceTokenizerJSON,
  parseHuggingFaceJSON,
  toHuggingFaceJSON,
} from "./hf_json.ts";
export {
  loadTokenizer,
  readTokenizerFile,
  trainTokenizer,
  type TrainTokenizerOptions,
  writeTokenizerFile,
} from "./load.ts";
