import assert from "node:assert/strict";
import { type ReleasedToken, TokenStream } from "../../lib/sample/token_stream.ts";
import { BpeTokenizer } from "../../lib/tokenizers/bpe.ts";

/** Id i ↦ the i-th letter. */
const letters = (ids: number[]): string => ids.map((i) => String.fromCharCode(97 + i)).join("");
const ids = (text: string): number[] => [...text].map((c) => c.charCodeAt(0) - 97);

/** Pushes every id until a stop; returns what was released and whether it stopped. */
function run(
  stream: TokenStream,
  input: number[],
): { released: ReleasedToken[]; stopped: boolean } {
  const released: ReleasedToken[] = [];
  for (const id of input) {
    const r = stream.push(id);
    released.push(...r.released);
    if (r.stopped) return { released, stopped: true };
  }
  released.push(...stream.flush());
  return { released, stopped: false };
}

Deno.test("TokenStream without stop conditions releases every token at once", () => {
  const stream = new TokenStream({ decode: letters });
  assert.deepEqual(stream.push(0).released, [{ id: 0, text: "a" }]);
  assert.deepEqual(stream.push(1).released, [{ id: 1, text: "b" }]);
  assert.deepEqual(stream.flush(), []);
  assert.equal(stream.text, "ab");
  const plain = new TokenStream();
  assert.deepEqual(plain.push(4).released, [{ id: 4, text: undefined }]);
  assert.equal(plain.text, undefined);
});

Deno.test("a stop string stops, is cut from the text and is never released", () => {
  const stream = new TokenStream({ stopStrings: ["cab"], decode: letters });
  const { released, stopped } = run(stream, ids("abcacabd"));
  assert.ok(stopped);
  assert.deepEqual(released.map((r) => r.id), ids("abca"));
  assert.equal(released.map((r) => r.text).join(""), "abca");
  assert.equal(stream.text, "abca");
});

Deno.test("held tokens are released once they cannot begin a stop string", () => {
  const stream = new TokenStream({ stopStrings: ["cd"], decode: letters });
  assert.deepEqual(stream.push(2).released, []); // "c"
  assert.deepEqual(stream.push(2).released, [{ id: 2, text: "c" }]); // "cc": the first c is safe
  assert.deepEqual(stream.push(4).released, [{ id: 2, text: "c" }, { id: 4, text: "e" }]);
  assert.deepEqual(stream.push(2).released, []);
  assert.deepEqual(stream.flush(), [{ id: 2, text: "c" }]); // the end releases what was held
  assert.equal(stream.text, "ccec");
});

Deno.test("the earliest of several stop strings wins", () => {
  const stream = new TokenStream({ stopStrings: ["de", "bcd"], decode: letters });
  const { released } = run(stream, ids("abcde"));
  assert.equal(stream.text, "a");
  assert.deepEqual(released.map((r) => r.id), [0]);
});

Deno.test("a token that straddles the stop string stays, with its text before the cut", () => {
  // tokens are multi-letter chunks: 0 = "xy", 1 = "z\n", 2 = "\nU", 3 = "ser:"
  const chunks = ["xy", "z\n", "\nU", "ser:"];
  const decode = (t: number[]) => t.map((i) => chunks[i]).join("");
  const stream = new TokenStream({ stopStrings: ["\n\nUser:"], decode });
  const { released, stopped } = run(stream, [0, 1, 2, 3]);
  assert.ok(stopped);
  assert.equal(stream.text, "xyz");
  assert.deepEqual(released.map((r) => r.id), [0, 1]);
  assert.equal(released.map((r) => r.text).join(""), "xyz");
});

Deno.test("stop sequences of ids are removed; the longest match wins", () => {
  const stream = new TokenStream({ stopSequences: [[3], [2, 3]], decode: letters });
  const { released, stopped } = run(stream, [0, 2, 1, 2, 3, 4]);
  assert.ok(stopped);
  assert.deepEqual(released.map((r) => r.id), [0, 2, 1]);
  assert.equal(stream.text, "acb");
  const noMatch = new TokenStream({ stopSequences: [[1, 1, 1]] });
  assert.deepEqual(run(noMatch, [1, 1, 0, 1, 1]).released.map((r) => r.id), [1, 1, 0, 1, 1]);
});

Deno.test("stopWhen stops and keeps the token that satisfied it", () => {
  const stream = new TokenStream({ stopWhen: (text) => text.length >= 3, decode: letters });
  const { released, stopped } = run(stream, ids("abcdef"));
  assert.ok(stopped);
  assert.equal(stream.text, "abc");
  assert.deepEqual(released.map((r) => r.id), ids("abc"));
});

Deno.test("a character split over two tokens is streamed once it is complete", () => {
  // byte-level tokens: "é" is two UTF-8 bytes, each its own token
  const bytes = [0x61, 0xc3, 0xa9, 0x62];
  const decoder = (t: number[]) => new TextDecoder().decode(new Uint8Array(t.map((i) => bytes[i])));
  const stream = new TokenStream({ decode: decoder });
  const pieces = run(stream, [0, 1, 2, 3]).released.map((r) => r.text);
  assert.deepEqual(pieces, ["a", "", "é", "b"]);
  assert.equal(stream.text, "aéb");
  // with a stop string, the half character is held, then released whole
  const stopping = new TokenStream({ decode: decoder, stopStrings: ["zz"] });
  assert.deepEqual(stopping.push(0).released, [{ id: 0, text: "a" }]);
  assert.deepEqual(stopping.push(1).released, []);
  assert.deepEqual(stopping.push(2).released, [{ id: 1, text: "" }, { id: 2, text: "é" }]);
});

Deno.test("a 4-byte character (an emoji) split over several tokens is streamed once, whole", () => {
  // "😀" is U+1F600: four UTF-8 bytes (F0 9F 98 80) and two UTF-16 code units
  const bytes = [0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62];
  const decoder = (t: number[]) => new TextDecoder().decode(new Uint8Array(t.map((i) => bytes[i])));
  const stream = new TokenStream({ decode: decoder });
  const pieces = run(stream, [0, 1, 2, 3, 4, 5]).released.map((r) => r.text);
  assert.deepEqual(pieces, ["a", "", "", "", "😀", "b"]);
  assert.equal(stream.text, "a😀b");
  // with a stop string, the partial character is held, then released whole
  const stopping = new TokenStream({ decode: decoder, stopStrings: ["zz"] });
  assert.deepEqual(stopping.push(0).released, [{ id: 0, text: "a" }]);
  for (const id of [1, 2, 3]) assert.deepEqual(stopping.push(id).released, [], `byte ${id}`);
  assert.deepEqual(stopping.push(4).released, [
    { id: 1, text: "" },
    { id: 2, text: "" },
    { id: 3, text: "" },
    { id: 4, text: "😀" },
  ]);
  // a stop string right after the emoji cuts after it, not inside it
  const cut = new TokenStream({ decode: decoder, stopStrings: ["b"] });
  assert.ok(run(cut, [0, 1, 2, 3, 4, 5]).stopped);
  assert.equal(cut.text, "a😀");
});

Deno.test("a real byte-level BPE streams an emoji it has no token for, byte by byte", () => {
  const bpe = BpeTokenizer.train("ab ab ab abc abc", { vocabSize: 260 });
  const text = "ab 😀 abc 🇫🇷!";
  const tokens = bpe.encode(text);
  const decode = (t: number[]) => bpe.decode(t);
  const stream = new TokenStream({ decode, stopStrings: ["zzz"] });
  const pieces = run(stream, tokens).released.map((r) => r.text ?? "");
  assert.equal(bpe.encode("😀").length, 4, "the emoji comes out as its four byte tokens");
  assert.equal(pieces.join(""), text);
  assert.ok(pieces.every((p) => !p.includes("\uFFFD")), "no piece shows half a character");
  // 😀 and the two regional indicators of 🇫🇷: three bytes each held until their fourth
  assert.equal(pieces.filter((p) => p === "").length, 3 * 3);
  assert.equal(stream.text, text);
});

Deno.test("a stream that ends inside a character still returns all its text", () => {
  const bytes = [0x61, 0xc3];
  const decoder = (t: number[]) => new TextDecoder().decode(new Uint8Array(t.map((i) => bytes[i])));
  const stream = new TokenStream({ decode: decoder, stopStrings: ["q"] });
  const pieces = run(stream, [0, 1]).released.map((r) => r.text);
  assert.equal(pieces.join(""), "a\uFFFD");
  assert.equal(stream.text, "a\uFFFD");
});

Deno.test("TokenStream refuses stop strings without decode and pushes after the end", () => {
  assert.throws(() => new TokenStream({ stopStrings: ["x"] }), TypeError);
  const stream = new TokenStream();
  stream.push(1);
  stream.flush();
  assert.throws(() => stream.push(2), /after the stream ended/);
});
