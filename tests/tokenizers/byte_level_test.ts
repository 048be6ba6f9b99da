import assert from "node:assert/strict";
import {
  BYTE_TO_UNICODE,
  bytesToUnicode,
  preTokenize,
  UNICODE_TO_BYTE,
  unicodeToBytes,
} from "../../lib/tokenizers/byte_level.ts";
import { LONE_SURROGATES, randomTexts } from "./_random_text.ts";

Deno.test("bytes_to_unicode gives 256 distinct printable characters", () => {
  assert.equal(BYTE_TO_UNICODE.length, 256);
  assert.equal(new Set(BYTE_TO_UNICODE).size, 256);
  assert.equal(UNICODE_TO_BYTE.size, 256);
  for (const char of BYTE_TO_UNICODE) {
    assert.equal([...char].length, 1);
    assert.ok(/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char), `printable: ${char}`);
  }
});

Deno.test("bytes_to_unicode keeps printable bytes and moves the rest to U+0100 onwards", () => {
  assert.equal(BYTE_TO_UNICODE[0x61], "a");
  assert.equal(BYTE_TO_UNICODE[0x21], "!");
  assert.equal(BYTE_TO_UNICODE[0xe9], "é");
  assert.equal(BYTE_TO_UNICODE[0x00], "Ā"); // U+0100, the first byte that moves
  assert.equal(BYTE_TO_UNICODE[0x20], "Ġ"); // GPT-2's famous space
  assert.equal(BYTE_TO_UNICODE[0x0a], "Ċ");
  assert.equal(BYTE_TO_UNICODE[0xad], "Ń"); // U+0143, the last byte that moves (soft hyphen)
});

Deno.test("bytesToUnicode and unicodeToBytes are inverses", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(unicodeToBytes(bytesToUnicode(all)), all);
  assert.equal(bytesToUnicode(new TextEncoder().encode(" héllo")), "ĠhÃ©llo");
  assert.equal(unicodeToBytes("Ġ€"), undefined);
});

Deno.test("preTokenize splits like GPT-2: contractions, leading spaces, space runs", () => {
  assert.deepEqual(preTokenize("I'm here, they'll see   it\n\n"), [
    "I",
    "'m",
    " here",
    ",",
    " they",
    "'ll",
    " see",
    "  ",
    " it",
    "\n\n",
  ]);
  assert.deepEqual(preTokenize("abc123 !!?\r\n x"), ["abc", "123", " !!?", "\r\n", " x"]);
  assert.deepEqual(preTokenize(""), []);
});

Deno.test("preTokenize pieces join back to the text", () => {
  for (const text of [...randomTexts(300, 7), ...LONE_SURROGATES]) {
    assert.equal(preTokenize(text).join(""), text, JSON.stringify(text));
  }
});
