/**
 * Saving and loading byte-level BPE in Hugging Face's `tokenizer.json` format,
 * the format of GPT-2's own tokenizer, so a tokenizer trained here works in
 * Python's `tokenizers`/`transformers` and in `@huggingface/tokenizers`.
 *
 * The file names tokens by their byte-level strings ("Ġthe"), not by ids:
 * `model.vocab` maps each string to its id, and `model.merges` lists the merges
 * in rank order as pairs of strings. Ids need not follow our training layout
 * (GPT-2's byte tokens are not ids 0..255), so loading maps everything to ids.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { AddedToken, BpeParts } from "./bpe_vocab.ts";

/** One entry of `added_tokens`. */
export interface HuggingFaceAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The `ByteLevel` pre-tokenizer, post-processor and decoder settings. */
export interface HuggingFaceByteLevel {
  type: "ByteLevel";
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

/** The `model` section of a BPE `tokenizer.json`. */
export interface HuggingFaceBpeModel {
  type: "BPE";
  dropout: null;
  unk_token: null;
  continuing_subword_prefix: null;
  end_of_word_suffix: null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  /** Byte-level token string → id. */
  vocab: Record<string, number>;
  /** Merges in rank order. */
  merges: [string, string][];
}

/** A Hugging Face `tokenizer.json` for byte-level BPE, as {@link toHuggingFaceJSON} writes it. */
export interface HuggingFaceTokenizerJSON {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: HuggingFaceAddedToken[];
  normalizer: null;
  pre_tokenizer: HuggingFaceByteLevel;
  post_processor: HuggingFaceByteLevel;
  decoder: HuggingFaceByteLevel;
  model: HuggingFaceBpeModel;
}

/** The ByteLevel block, with the settings GPT-2's `tokenizer.json` uses in each place. */
function byteLevel(addPrefixSpace: boolean, trimOffsets: boolean): HuggingFaceByteLevel {
  return {
    type: "ByteLevel",
    add_prefix_space: addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: true,
  };
}

/**
 * Writes a tokenizer's parts as a `tokenizer.json` object. Added tokens are
 * listed in `added_tokens` and, as in GPT-2's file, also in `model.vocab`
 * (unless their text is already the name of a byte-level token).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toHuggingFaceJSON } from "./hf_json.ts";
 * import { BYTE_TO_UNICODE } from "./byte_level.ts";
 * const json = toHuggingFaceJSON({
 *   tokens: [...BYTE_TO_UNICODE, "Ġt", "<|endoftext|>"],
 *   merges: [[32, 116]],
 *   addedTokens: [{ id: 257, content: "<|endoftext|>", special: true }],
 * });
 * assert(JSON.stringify(json.model.merges) === '[["Ġ","t"]]');
 * assert(json.model.vocab["Ġt"] === 256 && json.added_tokens[0].id === 257);
 * ```
 */
export function toHuggingFaceJSON(parts: BpeParts): HuggingFaceTokenizerJSON {
  const { tokens, merges, addedTokens, ignoreMerges = false } = parts;
  const added = new Set(addedTokens.map((t) => t.id));
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => {
    if (!added.has(id)) vocab[token] = id;
  });
  for (const { id, content } of addedTokens) {
    if (!Object.hasOwn(vocab, content)) vocab[content] = id;
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens.map(({ id, content, special }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel(false, true),
    post_processor: byteLevel(true, false),
    decoder: byteLevel(true, true),
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: ignoreMerges,
      vocab,
      merges: merges.map(([left, right]) => [tokens[left], tokens[right]]),
    },
  };
}

/** Throws the one-line error for a bad field. */
function fail(field: string, problem: string): never {
  throw new InputError(`tokenizer.json: ${field} ${problem}`);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short rendering of a value for an error message. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + "..." : text;
}

/** Accepts `ByteLevel` (GPT-2's regex, no prefix space), or a `Sequence` of just that. */
function checkByteLevel(value: unknown, field: string): void {
  if (isObject(value) && value.type === "Sequence") {
    const inner = value.pretokenizers ?? value.decoders;
    if (!Array.isArray(inner) || inner.length !== 1) {
      fail(field, "must be ByteLevel, or a Sequence holding only ByteLevel");
    }
    return checkByteLevel(inner[0], `${field}.Sequence[0]`);
  }
  if (!isObject(value) || value.type !== "ByteLevel") {
    fail(field, `must be ByteLevel (byte-level BPE); got ${show(value)}`);
  }
  if (value.add_prefix_space === true && field.startsWith("pre_tokenizer")) {
    fail(`${field}.add_prefix_space`, "true is not supported; only false");
  }
  if (value.use_regex === false && field.startsWith("pre_tokenizer")) {
    fail(`${field}.use_regex`, "false is not supported; GPT-2's regex is needed");
  }
}

/** Reads `model.vocab` and `added_tokens` into one id-ordered token list. */
function readTokens(vocab: unknown, addedList: unknown): {
  tokens: string[];
  addedTokens: AddedToken[];
} {
  if (!isObject(vocab)) fail("model.vocab", "must be an object of token → id");
  const tokens: string[] = [];
  const claim = (id: number, token: string, field: string) => {
    if (!Number.isInteger(id) || id < 0) {
      fail(field, `must be a non-negative integer id; got ${show(id)}`);
    }
    if (tokens[id] !== undefined && tokens[id] !== token) {
      fail(
        field,
        `gives id ${id} to ${show(token)}, but it already belongs to ${show(tokens[id])}`,
      );
    }
    tokens[id] = token;
  };
  for (const [token, id] of Object.entries(vocab)) {
    claim(id as number, token, `model.vocab[${show(token)}]`);
  }

  if (addedList !== undefined && addedList !== null && !Array.isArray(addedList)) {
    fail("added_tokens", "must be an array");
  }
  const addedTokens: AddedToken[] = [];
  ((addedList ?? []) as unknown[]).forEach((entry, i) => {
    const field = `added_tokens[${i}]`;
    if (!isObject(entry)) fail(field, "must be an object");
    const { id, content, special } = entry;
    if (typeof content !== "string" || content.length === 0) {
      fail(`${field}.content`, "must be a non-empty string");
    }
    for (const option of ["single_word", "lstrip", "rstrip"]) {
      if (entry[option] === true) fail(`${field}.${option}`, "true is not supported");
    }
    claim(id as number, content, `${field}.id`);
    addedTokens.push({ id: id as number, content, special: special !== false });
  });

  for (let id = 0; id < tokens.length; id++) {
    if (tokens[id] === undefined) {
      fail(
        "model.vocab",
        `has no token with id ${id}; ids must run from 0 to ${tokens.length - 1}`,
      );
    }
  }
  return { tokens, addedTokens };
}

/** Reads one merge: `"left right"` (older files such as GPT-2's) or `["left", "right"]`. */
function readMerge(merge: unknown, field: string): [string, string] {
  if (typeof merge === "string") {
    const parts = merge.split(" ");
    if (parts.length === 2 && parts[0] !== "" && parts[1] !== "") return [parts[0], parts[1]];
  } else if (
    Array.isArray(merge) && merge.length === 2 &&
    typeof merge[0] === "string" && typeof merge[1] === "string"
  ) {
    return [merge[0], merge[1]];
  }
  fail(field, `must be "left right" or ["left", "right"]; got ${show(merge)}`);
}

/**
 * Reads a Hugging Face `tokenizer.json` object for byte-level BPE into a
 * tokenizer's parts. Throws an {@link InputError} naming the field when it is
 * not an object, is not byte-level BPE (model, pre-tokenizer, normalizer),
 * uses an unsupported option, or is inconsistent (ids not integers, shared or
 * with gaps; a merge whose parts or result are not in `model.vocab`).
 * `post_processor`, `truncation` and `padding` are ignored: `encode` never adds
 * special tokens of its own, pads or truncates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHuggingFaceJSON, toHuggingFaceJSON } from "./hf_json.ts";
 * import { BYTE_TO_UNICODE } from "./byte_level.ts";
 * const json = toHuggingFaceJSON({ tokens: [...BYTE_TO_UNICODE, "hi"], merges: [[104, 105]], addedTokens: [] });
 * const parts = parseHuggingFaceJSON(json);
 * assert(parts.tokens[256] === "hi" && parts.merges[0].join() === "104,105");
 * ```
 */
export function parseHuggingFaceJSON(json: unknown): BpeParts {
  if (!isObject(json)) throw new InputError("tokenizer.json must be a JSON object");
  const model = json.model;
  if (!isObject(model)) fail("model", "must be an object");
  // GPT-2's file predates the "type" field; a model with vocab and merges is BPE.
  if (model.type !== "BPE" && !(model.type === undefined && "merges" in model)) {
    fail("model.type", `must be "BPE" (only byte-level BPE is supported); got ${show(model.type)}`);
  }
  if (json.normalizer !== undefined && json.normalizer !== null) {
    fail("normalizer", `must be null; ${show(json.normalizer)} is not supported`);
  }
  checkByteLevel(json.pre_tokenizer, "pre_tokenizer");
  if (json.decoder !== undefined && json.decoder !== null) checkByteLevel(json.decoder, "decoder");
  for (const option of ["dropout", "continuing_subword_prefix", "end_of_word_suffix"]) {
    const value = model[option];
    if (value !== undefined && value !== null && value !== "" && value !== 0) {
      fail(`model.${option}`, `${show(value)} is not supported; only null`);
    }
  }
  if (model.byte_fallback === true) fail("model.byte_fallback", "true is not supported");
  if (model.ignore_merges !== undefined && typeof model.ignore_merges !== "boolean") {
    fail("model.ignore_merges", "must be true or false");
  }

  const { tokens, addedTokens } = readTokens(model.vocab, json.added_tokens);
  const vocab = model.vocab as Record<string, number>;
  if (!Array.isArray(model.merges)) fail("model.merges", "must be an array");
  const merges = model.merges.map((merge, i): [number, number] => {
    const field = `model.merges[${i}]`;
    const [left, right] = readMerge(merge, field);
    for (const part of [left, right]) {
      if (!Object.hasOwn(vocab, part)) {
        fail(field, `uses ${show(part)}, which is not in model.vocab`);
      }
    }
    if (!Object.hasOwn(vocab, left + right)) {
      fail(field, `makes ${show(left + right)}, which is not in model.vocab`);
    }
    return [vocab[left], vocab[right]];
  });
  return { tokens, merges, addedTokens, ignoreMerges: model.ignore_merges === true };
}
