import assert from "node:assert/strict";
import { displayToken } from "../../lib/plot/mod.ts";

Deno.test("displayToken() makes whitespace visible and leaves other text alone", () => {
  assert.equal(displayToken(" "), "␣");
  assert.equal(displayToken("\n"), "⏎");
  assert.equal(displayToken("\t"), "⇥");
  assert.equal(displayToken("\u00a0"), "⍽");
  assert.equal(displayToken(" the\n"), "␣the⏎");
  assert.equal(displayToken("König"), "König");
  assert.equal(displayToken("<unk>"), "<unk>");
});

Deno.test("displayToken() escapes control characters and marks the empty token", () => {
  assert.equal(displayToken("\r"), "\\r");
  assert.equal(displayToken("\x1b"), "\\x1b");
  assert.equal(displayToken("\x00"), "\\x00");
  assert.equal(displayToken("\x7f"), "\\x7f");
  assert.equal(displayToken(""), "∅");
});

Deno.test("displayToken() keeps characters outside the BMP whole", () => {
  assert.equal(displayToken("😀 "), "😀␣");
});
