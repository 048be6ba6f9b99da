import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { BpeTokenizer } from "../../lib/tokenizers/bpe.ts";
import { learnMerges } from "../../lib/tokenizers/bpe_train.ts";
import { BYTE_TO_UNICODE, preTokenize } from "../../lib/tokenizers/byte_level.ts";
import { LONE_SURROGATES, randomTexts } from "./_random_text.ts";

const SHAKESPEARE = new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url);
const shakespeare = await Deno.readTextFile(SHAKESPEARE);
const trained = BpeTokenizer.train(shakespeare, { vocabSize: 1024 });
const utf8 = (text: string) => Array.from(new TextEncoder().encode(text));

Deno.test("BPE learns the textbook merges on 'aaabdaaabac'", () => {
  // Counts: aa ×4 → 256; then "aa a b …": (256,a) and (a,b) tie at 2, smaller left id wins:
  // ab → 257; then (256,257) ×2 → 258 "aaab"; then every pair occurs once: smallest left id.
  const merges = learnMerges("aaabdaaabac", { vocabSize: 263, specialTokens: [] });
  assert.deepEqual(merges, [[97, 97], [97, 98], [256, 257], [97, 99], [100, 258], [258, 260], [
    261,
    259,
  ]]);
  const tok = BpeTokenizer.train("aaabdaaabac", { vocabSize: 260 });
  assert.deepEqual(tok.merges, [[97, 97], [97, 98], [256, 257]]);
  assert.deepEqual(tok.encode("aaabdaaabac"), [258, 100, 258, 97, 99]);
  assert.equal(tok.idToToken(258), "aaab");
  assert.equal(tok.idToToken(259), "<|endoftext|>");
});

Deno.test("BPE says how many tokens a text supports when asked for more", () => {
  assert.equal(BpeTokenizer.train("aaabdaaabac", { vocabSize: 264 }).vocabSize, 264);
  assert.throws(
    () => BpeTokenizer.train("aaabdaaabac", { vocabSize: 265 }),
    (error: Error) =>
      error instanceof InputError &&
      error.message.startsWith("this text supports at most 264 BPE tokens") &&
      error.message.includes("ask for fewer"),
  );
  assert.equal(BpeTokenizer.train("", { vocabSize: 257 }).vocabSize, 257);
  assert.throws(() => BpeTokenizer.train("", { vocabSize: 258 }), InputError);
});

Deno.test("BPE ids 0..255 are the raw bytes, and merge i is id 256 + i", () => {
  const bytesOnly = BpeTokenizer.train("whatever", { vocabSize: 257 });
  assert.deepEqual(bytesOnly.encode("é\n🙂"), utf8("é\n🙂"));
  for (let id = 0; id < 256; id++) assert.deepEqual(Array.from(trained.tokenBytes(id)), [id]);
  trained.merges.forEach(([left, right], i) => {
    const joined = [...trained.tokenBytes(left), ...trained.tokenBytes(right)];
    assert.deepEqual(Array.from(trained.tokenBytes(256 + i)), joined);
  });
});

Deno.test("BPE on Tiny Shakespeare starts by merging ' t', 'he', ' a'", () => {
  assert.equal(trained.vocabSize, 1024);
  assert.equal(trained.merges.length, 1024 - 256 - 1);
  const first = trained.merges.slice(0, 3).map(([l, r]) =>
    trained.idToToken(l) + trained.idToToken(r)
  );
  assert.deepEqual(first, ["Ġt", "he", "Ġa"]);
  assert.equal(trained.idToToken(1023), "<|endoftext|>");
  // Deterministic: training again gives the same merges.
  const again = BpeTokenizer.train(shakespeare.slice(0, 100_000), { vocabSize: 400 });
  const third = BpeTokenizer.train(shakespeare.slice(0, 100_000), { vocabSize: 400 });
  assert.deepEqual(again.merges, third.merges);
});

Deno.test("BPE round-trips random Unicode, and lone surrogates become U+FFFD", () => {
  for (const text of randomTexts(500)) {
    const ids = trained.encode(text);
    assert.equal(trained.decode(ids), text, JSON.stringify(text));
  }
  for (const text of ["\ufeffBOM first", "a\r\n\r\nb", "tabs\t\tand  spaces   ", "\u0000"]) {
    assert.equal(trained.decode(trained.encode(text)), text);
  }
  for (const text of LONE_SURROGATES) {
    assert.equal(trained.decode(trained.encode(text)), text.toWellFormed());
    assert.deepEqual(trained.encode(text), trained.encode(text.toWellFormed()));
  }
});

Deno.test("BPE round-trips all of Tiny Shakespeare and compresses it", () => {
  const ids = trained.encode(shakespeare);
  assert.equal(trained.decode(ids), shakespeare);
  assert.ok(ids.length < shakespeare.length / 2, `${ids.length} tokens`);
});

Deno.test("BPE never merges across pre-token boundaries", () => {
  for (const text of randomTexts(200, 99).filter((t) => !t.includes("<|endoftext|>"))) {
    const piecewise = preTokenize(text).flatMap((piece) => trained.encode(piece));
    assert.deepEqual(trained.encode(text), piecewise);
  }
});

Deno.test("BPE turns literal special-token text into the special id, never into merges", () => {
  const text = "the quick brown fox<|endoftext|>jumps over<|pad|> the lazy dog<|endoftext|>"
    .repeat(50);
  const tok = BpeTokenizer.train(text, {
    vocabSize: 270,
    specialTokens: ["<|pad|>", "<|endoftext|>"],
  });
  assert.deepEqual([tok.tokenToId("<|pad|>"), tok.tokenToId("<|endoftext|>")], [268, 269]);
  assert.deepEqual(tok.encode("<|pad|>x<|endoftext|>"), [268, 120, 269]);
  assert.equal(tok.decode(tok.encode(text)), text);
  for (const [l, r] of tok.merges) {
    const spelled = tok.idToToken(l) + tok.idToToken(r);
    assert.ok(!spelled.includes("|"), `merge learned from a special token: ${spelled}`);
  }
  const none = BpeTokenizer.train("a<|endoftext|>b", { vocabSize: 256, specialTokens: [] });
  assert.equal(none.decode(none.encode("<|endoftext|>")), "<|endoftext|>");
  assert.ok(none.encode("<|endoftext|>").length > 1); // plain text without the special
});

Deno.test("BPE shows tokens: idToToken, tokenToId, tokenBytes, merges", () => {
  const space = trained.tokenToId("Ġ")!;
  assert.equal(space, 32);
  assert.equal(trained.idToToken(10), "Ċ");
  const the = trained.encode(" the");
  assert.equal(the.length, 1);
  assert.equal(trained.idToToken(the[0]), "Ġthe");
  assert.equal(new TextDecoder().decode(trained.tokenBytes(the[0])), " the");
  assert.equal(trained.tokenToId("no such token"), undefined);
  assert.ok(Object.isFrozen(trained.merges) && Object.isFrozen(trained.merges[0]));
  const copy = trained.tokenBytes(the[0]);
  copy[0] = 0;
  assert.equal(trained.tokenBytes(the[0])[0], 32); // tokenBytes hands out a copy
  assert.equal(BYTE_TO_UNICODE[trained.tokenBytes(the[0])[0]], "Ġ");
});

Deno.test("BPE training reports progress after every merge", () => {
  const calls: Array<[number, number]> = [];
  BpeTokenizer.train(shakespeare.slice(0, 10_000), {
    vocabSize: 300,
    onProgress: (done, total) => calls.push([done, total]),
  });
  assert.equal(calls.length, 43);
  assert.deepEqual(calls[0], [1, 43]);
  assert.deepEqual(calls[42], [43, 43]);
});

Deno.test("BPE rejects bad vocabSize, special tokens and ids with InputError", () => {
  assert.throws(
    () => BpeTokenizer.train("abc", { vocabSize: 256 }),
    (error: Error) =>
      error instanceof InputError &&
      error.message ===
        "BPE vocabSize must be at least 257 (256 byte tokens + 1 special token); got 256",
  );
  assert.throws(
    () => BpeTokenizer.train("abc", { vocabSize: 257, specialTokens: ["<a>", "<b>"] }),
    /at least 258 \(256 byte tokens \+ 2 special tokens\)/,
  );
  for (const vocabSize of [300.5, NaN, Infinity, -1, 0]) {
    assert.throws(() => BpeTokenizer.train("abc", { vocabSize }), InputError, String(vocabSize));
  }
  for (const specialTokens of [[""], ["<s>", "<s>"]]) {
    assert.throws(() => BpeTokenizer.train("abc", { vocabSize: 300, specialTokens }), InputError);
  }
  assert.throws(() => trained.decode([1024]), InputError);
  assert.throws(() => trained.decode([-1]), InputError);
  assert.throws(() => trained.decode([1.5]), InputError);
  assert.throws(() => trained.idToToken(5000), InputError);
  assert.throws(() => trained.tokenBytes(-3), InputError);
});

Deno.test("BPE constructor rejects parts that do not fit together", () => {
  const bytes = [...BYTE_TO_UNICODE];
  const cases = [
    { tokens: bytes.slice(1), merges: [], addedTokens: [] }, // a byte has no token
    { tokens: [...bytes, "日"], merges: [], addedTokens: [] }, // not a byte-level string
    { tokens: [...bytes, "a"], merges: [], addedTokens: [] }, // "a" twice
    { tokens: [...bytes, "ab"], merges: [[97, 99]], addedTokens: [] }, // "ac" is no token
    { tokens: [...bytes, "ab"], merges: [[97, 98], [97, 98]], addedTokens: [] }, // repeated
    { tokens: [...bytes, "ab"], merges: [[97, 300]], addedTokens: [] }, // id out of range
    {
      tokens: [...bytes, "<s>"],
      merges: [],
      addedTokens: [{ id: 256, content: "<t>", special: true }],
    },
  ];
  for (const parts of cases) {
    assert.throws(() => new BpeTokenizer(parts as never), InputError, JSON.stringify(parts.merges));
  }
});
