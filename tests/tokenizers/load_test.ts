import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import {
  BpeTokenizer,
  CharTokenizer,
  loadTokenizer,
  readTokenizerFile,
  type Tokenizer,
  trainTokenizer,
  WordTokenizer,
  writeTokenizerFile,
} from "../../lib/tokenizers/mod.ts";

const TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n".repeat(20);

function kinds(): Tokenizer[] {
  return [
    trainTokenizer("char", TEXT),
    trainTokenizer("word", TEXT, { vocabSize: 8 }),
    trainTokenizer("bpe", TEXT, { vocabSize: 300 }),
  ];
}

Deno.test("trainTokenizer trains each kind by name", () => {
  const [char, word, bpe] = kinds();
  assert.ok(char instanceof CharTokenizer);
  assert.ok(word instanceof WordTokenizer && word.vocabSize === 8);
  assert.ok(bpe instanceof BpeTokenizer && bpe.vocabSize === 300);
  assert.equal(trainTokenizer("char", "abc", { unknown: true }).vocabSize, 4);
  assert.equal(trainTokenizer("word", TEXT, { minFreq: 20 }).vocabSize, 2 + 13);
  const specials = trainTokenizer("bpe", TEXT, {
    vocabSize: 300,
    specialTokens: ["<|a|>", "<|b|>"],
  });
  assert.deepEqual(specials.encode("<|b|>"), [299]);
});

Deno.test("loadTokenizer turns every kind's JSON back into the same tokenizer", () => {
  for (const tok of kinds()) {
    const again = loadTokenizer(JSON.parse(JSON.stringify(tok.toJSON())));
    assert.equal(again.kind, tok.kind);
    assert.equal(again.vocabSize, tok.vocabSize);
    assert.deepEqual(again.encode(TEXT), tok.encode(TEXT));
    assert.equal(again.decode(tok.encode(TEXT)), tok.decode(tok.encode(TEXT)));
  }
});

Deno.test("writeTokenizerFile and readTokenizerFile round-trip every kind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const tok of kinds()) {
      const path = `${dir}/${tok.kind}.json`;
      await writeTokenizerFile(path, tok);
      const again = await readTokenizerFile(path);
      assert.equal(again.kind, tok.kind);
      assert.deepEqual(again.encode(TEXT), tok.encode(TEXT));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTokenizerFile reports missing, non-JSON and unusable files as InputError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const expectError = async (path: string, pattern: RegExp) => {
      await assert.rejects(() => readTokenizerFile(path), (error: Error) => {
        assert.ok(error instanceof InputError, String(error));
        assert.ok(error.message.startsWith(`cannot read tokenizer file ${path}: `), error.message);
        assert.match(error.message, pattern);
        assert.ok(!error.message.includes("\n"));
        return true;
      });
    };
    await expectError(`${dir}/missing.json`, /No such file|not found/i);
    await Deno.writeTextFile(`${dir}/broken.json`, '{"type": "char", ');
    await expectError(`${dir}/broken.json`, /invalid JSON/);
    await Deno.writeTextFile(`${dir}/other.json`, '{"hello": "world"}');
    await expectError(`${dir}/other.json`, /unrecognised tokenizer JSON/);
    await Deno.writeTextFile(`${dir}/bad.json`, '{"type": "char", "version": 7}');
    await expectError(`${dir}/bad.json`, /"version" must be 1/);
    await Deno.writeTextFile(`${dir}/bpe.json`, '{"model": {"type": "Unigram"}}');
    await expectError(`${dir}/bpe.json`, /model\.type/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTokenizer rejects JSON that is no tokenizer", () => {
  for (const json of [null, 3, "char", [], {}, { type: "bpe" }]) {
    assert.throws(() => loadTokenizer(json), InputError, JSON.stringify(json));
  }
});

Deno.test("trainTokenizer rejects unknown kinds and options that do not apply", () => {
  const cases: Array<() => unknown> = [
    () => trainTokenizer("chars" as "char", TEXT),
    () => trainTokenizer("char", TEXT, { vocabSize: 100 }),
    () => trainTokenizer("char", TEXT, { minFreq: 2 }),
    () => trainTokenizer("char", TEXT, { specialTokens: ["<s>"] }),
    () => trainTokenizer("word", TEXT, { unknown: true }),
    () => trainTokenizer("word", TEXT, { specialTokens: ["<s>"] }),
    () => trainTokenizer("word", TEXT, { vocabSize: 2 }),
    () => trainTokenizer("bpe", TEXT),
    () => trainTokenizer("bpe", TEXT, { vocabSize: 300, minFreq: 2 }),
    () => trainTokenizer("bpe", TEXT, { vocabSize: 300, unknown: true }),
    () => trainTokenizer("bpe", TEXT, { vocabSize: 100 }),
  ];
  cases.forEach((make, i) => assert.throws(make, InputError, `case ${i}`));
});
