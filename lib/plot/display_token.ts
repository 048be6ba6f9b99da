/**
 * Makes tokens readable on plot axes and labels: whitespace and control
 * characters, which would otherwise be invisible or break a label, become
 * visible symbols. All symbols used here exist in DejaVu Sans, the plot font.
 *
 * @module
 */

const VISIBLE: Readonly<Record<string, string>> = {
  " ": "␣",
  "\n": "⏎",
  "\t": "⇥",
  "\u00a0": "⍽",
};

/**
 * Shows a token with its whitespace made visible: space `␣`, newline `⏎`,
 * tab `⇥`, no-break space `⍽`, carriage return as `\r` and other control
 * characters as hex escapes (`\x1b`, `\x7f`; DejaVu Sans has no control
 * pictures), and the empty string as `∅`. Everything else is unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayToken } from "./display_token.ts";
 * assert.equal(displayToken(" the"), "␣the");
 * assert.equal(displayToken("\n"), "⏎");
 * assert.equal(displayToken("a\tb"), "a⇥b");
 * assert.equal(displayToken("\r\n"), "\\r⏎");
 * assert.equal(displayToken(""), "∅");
 * ```
 */
export function displayToken(token: string): string {
  if (token.length === 0) return "∅";
  let out = "";
  for (const ch of token) {
    const visible = VISIBLE[ch];
    if (visible !== undefined) {
      out += visible;
      continue;
    }
    const code = ch.codePointAt(0)!;
    if (code === 0x0d) out += "\\r";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      out += `\\x${code.toString(16).padStart(2, "0")}`;
    } else out += ch;
  }
  return out;
}
