/**
 * Special tokens such as GPT-2's `<|endoftext|>` are whole strings with their
 * own id. They are cut out of the text before anything else, exactly as
 * Hugging Face tokenizers do: a literal "<|endoftext|>" in the text becomes the
 * special id, and BPE never sees (or merges) its characters.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** Escapes a string for use inside a regular expression. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * Checks a list of special tokens: non-empty strings without duplicates.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSpecialTokens } from "./special_tokens.ts";
 * checkSpecialTokens(["<|endoftext|>", "<|pad|>"]); // fine
 * let threw = false;
 * try { checkSpecialTokens(["<s>", "<s>"]); } catch { threw = true; }
 * assert(threw);
 * ```
 */
export function checkSpecialTokens(tokens: readonly string[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (typeof token !== "string" || token.length === 0) {
      throw new InputError(
        `special tokens must be non-empty strings; got ${JSON.stringify(token)}`,
      );
    }
    if (seen.has(token)) {
      throw new InputError(`special token ${JSON.stringify(token)} is listed twice`);
    }
    seen.add(token);
  }
}

/**
 * Makes a function that splits text around special tokens. Its result
 * alternates ordinary text (even indices, possibly empty) and special tokens
 * (odd indices). Where two special tokens start at the same place, the longer wins.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { specialTokenSplitter } from "./special_tokens.ts";
 * const split = specialTokenSplitter(["<|endoftext|>"]);
 * assert(JSON.stringify(split("a<|endoftext|>b")) === '["a","<|endoftext|>","b"]');
 * assert(specialTokenSplitter([])("plain").length === 1);
 * ```
 */
export function specialTokenSplitter(tokens: readonly string[]): (text: string) => string[] {
  if (tokens.length === 0) return (text) => [text];
  const longestFirst = [...tokens].sort((a, b) => b.length - a.length);
  // One capture group, so String.split keeps the separators at odd indices.
  const pattern = new RegExp(`(${longestFirst.map(escapeRegExp).join("|")})`);
  return (text) => text.split(pattern);
}
