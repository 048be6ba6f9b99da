import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { EOS, UNK, WordTokenizer } from "../../lib/tokenizers/word.ts";

const SHAKESPEARE = new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url);
const WIKITEXT_VALID = new URL("../../../shared/data/wikitext-2/valid.txt", import.meta.url);

Deno.test("WordTokenizer puts <unk> at id 0 and <eos> at id 1", () => {
  const tok = WordTokenizer.train("hello world");
  assert.equal(tok.words[tok.unkId], UNK);
  assert.equal(tok.words[tok.eosId], EOS);
  assert.deepEqual([tok.unkId, tok.eosId], [0, 1]);
});

Deno.test("WordTokenizer ends every line with <eos>, like line.split() + ['<eos>']", () => {
  const tok = WordTokenizer.train("a b\nc", { split: "whitespace" });
  const [a, b, c] = ["a", "b", "c"].map((w) => tok.words.indexOf(w));
  assert.deepEqual(tok.encode("a b\nc\n"), [a, b, 1, c, 1]); // a final newline adds no empty line
  assert.deepEqual(tok.encode("a b\nc"), [a, b, 1, c, 1]);
  assert.deepEqual(tok.encode("a\n\nb"), [a, 1, 1, b, 1]); // an empty line is just <eos>
  assert.deepEqual(tok.encode(""), []);
});

Deno.test("WordTokenizer orders words by frequency, ties by code point", () => {
  const tok = WordTokenizer.train("c b a b 🙂 \uffff c c");
  assert.deepEqual(tok.words, [UNK, EOS, "c", "b", "a", "\uffff", "🙂"]);
  const again = WordTokenizer.train("c b a b 🙂 \uffff c c");
  assert.deepEqual(again.toJSON(), tok.toJSON());
});

Deno.test("WordTokenizer maps rare words to <unk> with minFreq and maxSize", () => {
  const text = "the cat and the dog and the bird";
  const byFreq = WordTokenizer.train(text, { minFreq: 2 });
  assert.deepEqual(byFreq.words, [UNK, EOS, "the", "and"]);
  assert.deepEqual(byFreq.encode("the cat"), [2, 0, 1]);
  const bySize = WordTokenizer.train(text, { maxSize: 3 }); // maxSize counts <unk> and <eos>
  assert.deepEqual(bySize.words, [UNK, EOS, "the"]);
  assert.equal(bySize.unknownRate(bySize.encode("the cat")), 1 / 3); // the <unk> <eos>
  assert.equal(bySize.unknownRate([]), 0);
});

Deno.test("WordTokenizer maps WikiText's literal <unk> to the <unk> id", async () => {
  const text = await Deno.readTextFile(WIKITEXT_VALID);
  const tok = WordTokenizer.train(text, { split: "whitespace" });
  assert.equal(tok.words.indexOf(UNK), 0);
  assert.equal(tok.words.lastIndexOf(UNK), 0); // not counted as an ordinary word
  const ids = tok.encode(" The <unk> of the <unk> \n");
  assert.deepEqual(ids.filter((id) => id === 0).length, 2);
  const rate = tok.unknownRate(tok.encode(text));
  assert.ok(rate > 0.01 && rate < 0.1, `WikiText-2 valid <unk> rate ${rate}`);
  // The punctuation split also keeps "<unk>" whole.
  const punct = WordTokenizer.train("a <unk> b");
  assert.deepEqual(punct.encode("<unk>"), [0, 1]);
});

Deno.test("WordTokenizer 'punctuation' split keeps words and inner apostrophes together", () => {
  const tok = WordTokenizer.train("Don't 'tis fathers' café cafe\u0301 2024 ,.!", {
    split: "punctuation",
  });
  for (
    const word of ["Don't", "'", "tis", "fathers", "café", "cafe\u0301", "2024", ",", ".", "!"]
  ) {
    assert.ok(tok.words.includes(word), word);
  }
  assert.equal(tok.words.length, 2 + 10);
});

Deno.test("WordTokenizer decodes with single spaces, newlines for <eos>, and glued punctuation", () => {
  const punct = WordTokenizer.train("Hello, world! ( see [ this ] ) ; ok: yes? no.\n");
  assert.equal(
    punct.decode(punct.encode("Hello , world !\n( see [this] ); ok: yes? no.")),
    "Hello, world!\n(see [this]); ok: yes? no.\n",
  );
  const suffixes = new WordTokenizer([UNK, EOS, "it", "'s", "'"], "punctuation");
  assert.equal(suffixes.decode([2, 3, 4, 2]), "it's ' it"); // a lone quote keeps its spaces
  const spaced = WordTokenizer.train("Hello , world !", { split: "whitespace" });
  assert.equal(
    spaced.decode(spaced.encode("Hello , world !\n  world")),
    "Hello , world !\nworld\n",
  );
});

Deno.test("WordTokenizer decode then encode gives the same ids on Tiny Shakespeare", async () => {
  const text = (await Deno.readTextFile(SHAKESPEARE)).slice(0, 200_000);
  const tok = WordTokenizer.train(text, { maxSize: 2000 });
  const ids = tok.encode(text);
  assert.deepEqual(tok.encode(tok.decode(ids)), ids);
  assert.ok(tok.unknownRate(ids) > 0);
});

Deno.test("WordTokenizer JSON round-trips", () => {
  for (const split of ["whitespace", "punctuation"] as const) {
    const tok = WordTokenizer.train("to be, or not to be", { split });
    const json = JSON.parse(JSON.stringify(tok.toJSON()));
    assert.deepEqual(json, { type: "word", version: 1, words: tok.words, split });
    const copy = WordTokenizer.fromJSON(json);
    assert.deepEqual(copy.encode("to be, or"), tok.encode("to be, or"));
    assert.equal(copy.split, split);
  }
});

Deno.test("WordTokenizer rejects bad options and text with InputError", () => {
  const text = "a a b";
  for (
    const options of [
      { minFreq: 0 },
      { minFreq: 1.5 },
      { minFreq: NaN },
      { maxSize: 2 },
      { maxSize: 3.5 },
      { split: "chars" as "whitespace" },
    ]
  ) {
    assert.throws(() => WordTokenizer.train(text, options), InputError, JSON.stringify(options));
  }
  assert.throws(() => WordTokenizer.train(""), InputError);
  assert.throws(() => WordTokenizer.train(" \n\t\n"), InputError);
  assert.throws(() => WordTokenizer.train("<unk> <eos>", { split: "whitespace" }), InputError);
  assert.throws(
    () => WordTokenizer.train(text, { minFreq: 3 }),
    (error: Error) =>
      error instanceof InputError &&
      error.message.startsWith("vocabulary would hold only <unk> and <eos>: lower minFreq") &&
      error.message.includes("at most 2"),
  );
  const tok = WordTokenizer.train(text);
  assert.throws(() => tok.decode([4]), InputError);
  assert.throws(() => tok.decode([Number.NaN]), InputError);
});

Deno.test("WordTokenizer.fromJSON rejects corrupt JSON with InputError", () => {
  const good = { type: "word", version: 1, words: [UNK, EOS, "a"], split: "whitespace" };
  for (
    const bad of [
      null,
      [],
      { ...good, type: "char" },
      { ...good, version: "1" },
      { ...good, words: "a" },
      { ...good, words: [UNK, EOS, 3] },
      { ...good, words: [EOS, UNK, "a"] },
      { ...good, words: [UNK, EOS, "a", "a"] },
      { ...good, words: [UNK, EOS, "a b"] },
      { ...good, words: [UNK, EOS, ""] },
      { ...good, split: "tabs" },
    ]
  ) {
    assert.throws(() => WordTokenizer.fromJSON(bad), InputError, JSON.stringify(bad));
  }
});
