import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { CharTokenizer } from "../../lib/tokenizers/char.ts";
import { LONE_SURROGATES, randomTexts } from "./_random_text.ts";

const SHAKESPEARE = new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url);

Deno.test("CharTokenizer on Tiny Shakespeare has nanoGPT's 65 symbols", async () => {
  const text = await Deno.readTextFile(SHAKESPEARE);
  const tok = CharTokenizer.train(text);
  assert.equal(tok.vocabSize, 65);
  assert.equal(
    tok.symbols.join(""),
    "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  );
  const ids = tok.encode(text);
  assert.equal(ids.length, text.length);
  assert.equal(tok.decode(ids), text);
});

Deno.test("CharTokenizer sorts symbols by code point and treats an emoji as one symbol", () => {
  const tok = CharTokenizer.train("b🙂a\uffff🙂");
  // "\uffff" sorts before "🙂" (U+1F642) by code point, though not by UTF-16 unit.
  assert.deepEqual(tok.symbols, ["a", "b", "\uffff", "🙂"]);
  assert.deepEqual(tok.encode("🙂a"), [3, 0]);
});

Deno.test("CharTokenizer round-trips random Unicode it was trained on", () => {
  for (const text of randomTexts(500)) {
    if (text.length === 0) continue;
    const tok = CharTokenizer.train(text);
    assert.equal(tok.decode(tok.encode(text)), text, JSON.stringify(text));
  }
});

Deno.test("CharTokenizer keeps lone surrogates as symbols, so they round-trip exactly", () => {
  for (const text of LONE_SURROGATES) {
    const tok = CharTokenizer.train(text);
    assert.equal(tok.decode(tok.encode(text)), text);
  }
});

Deno.test("CharTokenizer without an unknown token rejects unseen characters by name", () => {
  const tok = CharTokenizer.train("abc");
  assert.throws(
    () => tok.encode("abcé"),
    (error: Error) =>
      error instanceof InputError && error.message.includes('"é"') &&
      error.message.includes("1 character") && error.message.includes("unknown: true") &&
      !error.message.includes("\n"),
  );
  assert.throws(
    () => tok.encode("1234567"),
    (error: Error) =>
      error instanceof InputError &&
      error.message.includes('"1", "2", "3", "4", "5" and 2 more') &&
      error.message.includes("7 distinct characters"),
  );
});

Deno.test("CharTokenizer with unknown: true maps unseen characters to the last id, decoded as U+FFFD", () => {
  const tok = CharTokenizer.train("abc", { unknown: true });
  assert.equal(tok.vocabSize, 4);
  assert.equal(tok.unknownId, 3);
  assert.deepEqual(tok.encode("a🙂c"), [0, 3, 2]);
  assert.equal(tok.decode([0, 3, 2]), "a\ufffdc");
});

Deno.test("CharTokenizer JSON round-trips, unknown flag included", () => {
  for (const unknown of [false, true]) {
    const tok = CharTokenizer.train("hello 🙂", { unknown });
    const json = JSON.parse(JSON.stringify(tok.toJSON()));
    assert.deepEqual(json, { type: "char", version: 1, symbols: tok.symbols, unknown });
    const copy = CharTokenizer.fromJSON(json);
    assert.equal(copy.vocabSize, tok.vocabSize);
    assert.deepEqual(copy.encode("hole 🙂"), tok.encode("hole 🙂"));
  }
});

Deno.test("CharTokenizer rejects bad input with InputError", () => {
  assert.throws(() => CharTokenizer.train(""), InputError);
  const tok = CharTokenizer.train("ab");
  assert.throws(() => tok.decode([2]), InputError);
  assert.throws(() => tok.decode([-1]), InputError);
  assert.throws(() => tok.decode([0.5]), InputError);
  assert.throws(() => new CharTokenizer(["a", "a"]), InputError);
  assert.throws(() => new CharTokenizer(["ab"]), InputError);
  assert.throws(() => new CharTokenizer([""]), InputError);
  const good = { type: "char", version: 1, symbols: ["a"], unknown: false };
  for (
    const bad of [
      null,
      [],
      "char",
      { ...good, type: "word" },
      { ...good, version: 2 },
      { ...good, symbols: "ab" },
      { ...good, symbols: [] },
      { ...good, symbols: ["a", 1] },
      { ...good, symbols: ["a", "a"] },
      { ...good, symbols: ["🙂🙂"] },
      { ...good, unknown: "no" },
    ]
  ) {
    assert.throws(() => CharTokenizer.fromJSON(bad), InputError, JSON.stringify(bad));
  }
});
