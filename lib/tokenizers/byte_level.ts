/**
 * The two pieces of GPT-2's byte-level BPE that come before any merging:
 *
 * 1. **Pre-tokenization.** A regex cuts text into word-like pieces (" the",
 *    "'s", "123", " !!", runs of spaces). BPE then works inside each piece and
 *    never merges across pieces, so no token can glue the end of one word to
 *    the start of the next, and the merge budget goes to reusable pieces.
 * 2. **bytes_to_unicode.** BPE runs on the UTF-8 bytes of each piece, so any
 *    text can be encoded with at most 256 base tokens and nothing is ever
 *    unknown. To write byte tokens in a JSON vocabulary, GPT-2 maps each byte to
 *    a printable character: printable bytes stay themselves ("a" is "a") and
 *    the others (control codes, space, …) move to code points from 256 up, so a
 *    space is "Ġ" (U+0120) and a newline "Ċ" (U+010A). That is why GPT-2's
 *    vocabulary is full of "Ġthe"-style tokens: "Ġthe" is the bytes " the".
 *
 * @module
 */

/**
 * GPT-2's pre-tokenizer pattern: English contractions, optional-space +
 * letters, optional-space + digits, optional-space + other symbols, and
 * whitespace (a run of spaces leaves its last space to the next word).
 */
export const GPT2_SPLIT_PATTERN: RegExp =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Cuts text into GPT-2 pre-tokens. Joining the pieces gives the text back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { preTokenize } from "./byte_level.ts";
 * const pieces = preTokenize("Hello world, it's 2024!  ok");
 * assert(JSON.stringify(pieces) ===
 *   JSON.stringify(["Hello", " world", ",", " it", "'s", " 2024", "!", " ", " ok"]));
 * ```
 */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_SPLIT_PATTERN) ?? [];
}

/** Builds GPT-2's `bytes_to_unicode()` table: byte value → one printable character. */
function buildByteToUnicode(): string[] {
  const table: string[] = new Array(256);
  // Bytes that are printable on their own: "!".."~", "¡".."¬", "®".."ÿ".
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256; // the others get fresh code points 256, 257, … in byte order
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable(b) ? b : next++);
  }
  return table;
}

/**
 * GPT-2's byte → character table (`bytes_to_unicode()` in its encoder.py):
 * `BYTE_TO_UNICODE[0x20]` is "Ġ", `BYTE_TO_UNICODE[0x61]` is "a".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BYTE_TO_UNICODE } from "./byte_level.ts";
 * assert(BYTE_TO_UNICODE[0x20] === "Ġ" && BYTE_TO_UNICODE[0x0a] === "Ċ");
 * ```
 */
export const BYTE_TO_UNICODE: readonly string[] = Object.freeze(buildByteToUnicode());

/** The inverse table: character → byte value. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(
  BYTE_TO_UNICODE.map((char, byte) => [char, byte]),
);

/**
 * Writes bytes as a byte-level string, the way GPT-2's vocabulary stores tokens.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bytesToUnicode } from "./byte_level.ts";
 * assert(bytesToUnicode(new TextEncoder().encode(" the\n")) === "ĠtheĊ");
 * ```
 */
export function bytesToUnicode(bytes: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += BYTE_TO_UNICODE[bytes[i]];
  return text;
}

/**
 * Reads a byte-level string back into bytes; `undefined` if some character is
 * not in GPT-2's table (such a string is not a byte-level token).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unicodeToBytes } from "./byte_level.ts";
 * assert(unicodeToBytes("Ġhi")?.join() === "32,104,105");
 * assert(unicodeToBytes("<|日本|>") === undefined); // 日 is not in the table
 * ```
 */
export function unicodeToBytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  let n = 0;
  for (const char of text) {
    const byte = UNICODE_TO_BYTE.get(char);
    if (byte === undefined) return undefined;
    bytes[n++] = byte;
  }
  return bytes.subarray(0, n);
}
