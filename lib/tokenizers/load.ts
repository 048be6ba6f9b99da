/**
 * One entry point for every tokenizer: train one by name, save it, load it back.
 * Char and word tokenizers save our own small JSON (`"type": "char"` or
 * `"word"`); BPE saves a Hugging Face `tokenizer.json`.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { BpeTokenizer } from "./bpe.ts";
import { CharTokenizer } from "./char.ts";
import { type Tokenizer, TOKENIZER_KINDS, type TokenizerKind, type WordSplit } from "./types.ts";
import { WordTokenizer } from "./word.ts";

/**
 * Turns saved tokenizer JSON (already parsed) back into a tokenizer: ours
 * by its `"type"`, a Hugging Face `tokenizer.json` by its `"model"`. Throws an
 * {@link InputError} for anything else or for a corrupt file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadTokenizer } from "./load.ts";
 * import { CharTokenizer } from "./char.ts";
 * const tok = loadTokenizer(JSON.parse(JSON.stringify(CharTokenizer.train("abc"))));
 * assert(tok.kind === "char" && tok.decode(tok.encode("cab")) === "cab");
 * ```
 */
export function loadTokenizer(json: unknown): Tokenizer {
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const { type, model } = json as Record<string, unknown>;
    if (type === "char") return CharTokenizer.fromJSON(json);
    if (type === "word") return WordTokenizer.fromJSON(json);
    if (model !== undefined) return BpeTokenizer.fromJSON(json);
  }
  throw new InputError(
    'unrecognised tokenizer JSON: expected "type": "char" or "word", ' +
      'or a Hugging Face tokenizer.json with a "model"',
  );
}

/**
 * Reads a tokenizer file. Throws an {@link InputError} starting "cannot read
 * tokenizer file PATH:" when the file is missing, is not JSON, or is not a
 * usable tokenizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTokenizerFile, writeTokenizerFile } from "./load.ts";
 * import { WordTokenizer } from "./word.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await writeTokenizerFile(path, WordTokenizer.train("to be or not to be"));
 * const tok = await readTokenizerFile(path);
 * assert(tok.kind === "word" && tok.vocabSize === 6);
 * await Deno.remove(path);
 * ```
 */
export async function readTokenizerFile(path: string | URL): Promise<Tokenizer> {
  const where = `cannot read tokenizer file ${path}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new InputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  try {
    return loadTokenizer(json);
  } catch (error) {
    if (error instanceof InputError) {
      throw new InputError(`${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Writes a tokenizer as pretty-printed JSON (`tokenizer.json` for BPE).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeTokenizerFile } from "./load.ts";
 * import { CharTokenizer } from "./char.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await writeTokenizerFile(path, CharTokenizer.train("hi"));
 * assert(JSON.parse(await Deno.readTextFile(path)).type === "char");
 * await Deno.remove(path);
 * ```
 */
export async function writeTokenizerFile(path: string | URL, tokenizer: Tokenizer): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(tokenizer.toJSON(), null, 2) + "\n");
}

/** Options for {@link trainTokenizer}. */
export interface TrainTokenizerOptions {
  /** BPE: total vocabulary size (required). Word: largest vocabulary (`maxSize`). */
  vocabSize?: number;
  /** Word: keep only words seen at least this often (default 1). */
  minFreq?: number;
  /** Word: how lines are cut into words (default `"punctuation"`). */
  split?: WordSplit;
  /** Char: add an unknown token for unseen characters (default false). */
  unknown?: boolean;
  /** BPE: special tokens (default `["<|endoftext|>"]`). */
  specialTokens?: readonly string[];
  /** BPE: progress callback, called after each merge. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Trains a tokenizer of the given kind on `text`. Throws an {@link InputError}
 * for an unknown kind, an option that does not apply to the kind, or a BPE
 * request without `vocabSize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainTokenizer } from "./load.ts";
 * const text = "the cat sat on the mat";
 * assert(trainTokenizer("char", text).vocabSize === 10);
 * assert(trainTokenizer("word", text).vocabSize === 7);
 * assert(trainTokenizer("bpe", text, { vocabSize: 260 }).vocabSize === 260);
 * ```
 */
export function trainTokenizer(
  kind: TokenizerKind,
  text: string,
  options: TrainTokenizerOptions = {},
): Tokenizer {
  const { vocabSize, minFreq, split, unknown, specialTokens, onProgress } = options;
  const reject = (option: string) => {
    throw new InputError(`${option} does not apply to the ${kind} tokenizer`);
  };
  switch (kind) {
    case "char":
      if (vocabSize !== undefined) reject("vocabSize (its vocabulary is the text's characters)");
      if (minFreq !== undefined) reject("minFreq");
      if (split !== undefined) reject("split");
      if (specialTokens !== undefined) reject("specialTokens");
      return CharTokenizer.train(text, { unknown });
    case "word":
      if (unknown !== undefined) reject("unknown (word tokenizers always have <unk>)");
      if (specialTokens !== undefined) reject("specialTokens");
      return WordTokenizer.train(text, { maxSize: vocabSize, minFreq, split });
    case "bpe":
      if (minFreq !== undefined) reject("minFreq");
      if (split !== undefined) reject("split (byte-level BPE splits like GPT-2)");
      if (unknown !== undefined) {
        reject("unknown (byte-level BPE never meets an unknown character)");
      }
      if (vocabSize === undefined) {
        throw new InputError("the bpe tokenizer needs a vocabSize, e.g. 1024");
      }
      return BpeTokenizer.train(text, { vocabSize, specialTokens, onProgress });
    default:
      throw new InputError(
        `unknown tokenizer ${JSON.stringify(kind)}; use one of ${TOKENIZER_KINDS.join(", ")}`,
      );
  }
}
