import assert from "node:assert/strict";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { InputError } from "../../lib/errors.ts";
import { BpeTokenizer } from "../../lib/tokenizers/bpe.ts";
import type { HuggingFaceTokenizerJSON } from "../../lib/tokenizers/hf_json.ts";
import { readTokenizerFile } from "../../lib/tokenizers/load.ts";
import { LONE_SURROGATES, mulberry32, randomTexts } from "./_random_text.ts";
import { hfFixtureInputs } from "./fixtures/hf_fixture_texts.ts";

const SHAKESPEARE = new URL("../../../shared/data/tinyshakespeare/input.txt", import.meta.url);
const WIKITEXT_VALID = new URL("../../../shared/data/wikitext-2/valid.txt", import.meta.url);
const shakespeare = await Deno.readTextFile(SHAKESPEARE);
const wikitext = await Deno.readTextFile(WIKITEXT_VALID);
const trained = BpeTokenizer.train(shakespeare, { vocabSize: 1024 });

/** Texts on which ours and Hugging Face's must agree. */
const PARITY_TEXTS: readonly string[] = [
  shakespeare.slice(500_000, 550_000),
  wikitext.slice(0, 50_000),
  ...randomTexts(500, 2024),
  ...LONE_SURROGATES,
  "\ufeffBOM, then <|endoftext|><|endoftext|> twice, then\r\n\t end   ",
];

/** A JSON deep copy, so that neither side can see the other's objects. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function hfTokenizer(json: unknown): HfTokenizer {
  return new HfTokenizer(copy(json) as object, {});
}

function hfEncode(hf: HfTokenizer, text: string): number[] {
  return hf.encode(text, { add_special_tokens: false }).ids;
}

function hfDecode(hf: HfTokenizer, ids: number[]): string {
  if (ids.length === 0) return ""; // @huggingface/tokenizers refuses an empty list
  return hf.decode(ids, { clean_up_tokenization_spaces: false });
}

/** Checks that `ours` and `hf` give the same ids and decode them to the same text. */
function assertSameAsHf(ours: BpeTokenizer, hf: HfTokenizer): void {
  for (const text of PARITY_TEXTS) {
    const ids = ours.encode(text);
    assert.deepEqual(ids, hfEncode(hf, text), `encode ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(
      ours.decode(ids),
      hfDecode(hf, ids),
      `decode ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
}

/**
 * Rewrites a tokenizer.json in the layout of GPT-2's own file: ids renumbered by
 * `newId`, merges as "left right" strings, no model.type, "" prefixes/suffixes.
 */
function gpt2Layout(json: HuggingFaceTokenizerJSON, newId: (id: number) => number): unknown {
  const vocab: Record<string, number> = {};
  for (const [token, id] of Object.entries(json.model.vocab)) vocab[token] = newId(id);
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: json.added_tokens.map((t) => ({ ...t, id: newId(t.id), normalized: true })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, add_prefix_space: true, trim_offsets: false },
    decoder: { ...byteLevel, add_prefix_space: true },
    model: {
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      vocab,
      merges: json.model.merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

Deno.test("toJSON writes GPT-2's tokenizer.json layout", () => {
  const tok = BpeTokenizer.train("hello hello world", { vocabSize: 260 });
  const json = copy(tok.toJSON());
  const byteLevel = (prefix: boolean, trim: boolean) => ({
    type: "ByteLevel",
    add_prefix_space: prefix,
    trim_offsets: trim,
    use_regex: true,
  });
  assert.deepEqual(Object.keys(json), [
    "version",
    "truncation",
    "padding",
    "added_tokens",
    "normalizer",
    "pre_tokenizer",
    "post_processor",
    "decoder",
    "model",
  ]);
  assert.equal(json.version, "1.0");
  assert.deepEqual(json.added_tokens, [{
    id: 259,
    content: "<|endoftext|>",
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }]);
  assert.deepEqual(json.pre_tokenizer, byteLevel(false, true));
  assert.deepEqual(json.post_processor, byteLevel(true, false));
  assert.deepEqual(json.decoder, byteLevel(true, true));
  const { vocab, merges, ...options } = json.model;
  assert.deepEqual(options, {
    type: "BPE",
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  });
  assert.deepEqual(merges, [["e", "l"], ["h", "el"], ["l", "o"]]); // ties: smallest left id
  assert.equal(vocab["Ġ"], 32);
  assert.equal(vocab["hel"], 257);
  assert.equal(vocab["<|endoftext|>"], 259); // as in GPT-2's file, specials are in the vocab too
  assert.equal(Object.keys(vocab).length, 260);
});

Deno.test("fromJSON(toJSON()) gives the same tokenizer", () => {
  const again = BpeTokenizer.fromJSON(copy(trained.toJSON()));
  assert.deepEqual(again.merges, trained.merges);
  assert.equal(again.vocabSize, trained.vocabSize);
  for (const text of PARITY_TEXTS.slice(0, 50)) {
    assert.deepEqual(again.encode(text), trained.encode(text));
  }
  assert.deepEqual(copy(again.toJSON()), copy(trained.toJSON()));
});

Deno.test("@huggingface/tokenizers reads our tokenizer.json and gives the same ids and text", () => {
  assertSameAsHf(trained, hfTokenizer(trained.toJSON()));
});

Deno.test("ours reads GPT-2's layout: byte tokens not at ids 0..255, merges as strings", () => {
  // GPT-2 numbers the byte tokens in bytes_to_unicode order: "!" is 0, …, "Ā" (byte 0) is 188.
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  const order = [
    ...Array.from({ length: 256 }, (_, b) => b).filter(printable),
    ...Array.from({ length: 256 }, (_, b) => b).filter((b) => !printable(b)),
  ];
  const gpt2Id = (id: number) => id < 256 ? order.indexOf(id) : id;
  const json = gpt2Layout(trained.toJSON(), gpt2Id);
  const ours = BpeTokenizer.fromJSON(json);
  assert.equal(ours.tokenToId("!"), 0);
  assert.equal(ours.tokenToId("Ā"), 188);
  assert.equal(ours.tokenToId("Ġ"), 220); // GPT-2's space token is 220
  for (const text of PARITY_TEXTS.slice(0, 30)) {
    assert.deepEqual(ours.encode(text), trained.encode(text).map(gpt2Id));
  }
  assertSameAsHf(ours, hfTokenizer(json));
});

Deno.test("ours reads a tokenizer.json with shuffled ids, as Hugging Face does", () => {
  const rand = mulberry32(5);
  const shuffled = Array.from({ length: trained.vocabSize }, (_, i) => i);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const json = gpt2Layout(trained.toJSON(), (id) => shuffled[id]);
  const ours = BpeTokenizer.fromJSON(json);
  for (const text of PARITY_TEXTS.slice(0, 30)) {
    assert.deepEqual(ours.encode(text), trained.encode(text).map((id) => shuffled[id]));
  }
  assertSameAsHf(ours, hfTokenizer(json));
  // Saving it again keeps its ids.
  assert.deepEqual(
    BpeTokenizer.fromJSON(copy(ours.toJSON())).encode("To be"),
    ours.encode("To be"),
  );
});

Deno.test("ours honours ignore_merges like Hugging Face", () => {
  const json = copy(trained.toJSON());
  json.model.ignore_merges = true;
  const ours = BpeTokenizer.fromJSON(json);
  assert.equal(ours.ignoreMerges, true);
  assertSameAsHf(ours, hfTokenizer(json));
});

Deno.test("ours reads a tokenizer.json trained by Hugging Face tokenizers (Rust) and agrees", async () => {
  const fixtures = new URL("./fixtures/", import.meta.url);
  const tok = await readTokenizerFile(new URL("hf_trained_tokenizer.json", fixtures));
  assert.ok(tok instanceof BpeTokenizer);
  assert.equal(tok.vocabSize, 400);
  assert.deepEqual([tok.tokenToId("<|endoftext|>"), tok.tokenToId("<|pad|>")], [0, 1]);
  assert.equal(tok.tokenToId("!"), 2); // byte tokens in alphabetical order, not at 0..255
  const cases: Array<{ text: string; ids: string }> = JSON.parse(
    await Deno.readTextFile(new URL("hf_trained_cases.json", fixtures)),
  );
  assert.equal(cases.length, 43);
  assert.deepEqual(cases.map((c) => c.text), (await hfFixtureInputs()).texts, "its generator's");
  for (const { text, ids: spaced } of cases) {
    const ids = spaced === "" ? [] : spaced.split(" ").map(Number);
    assert.deepEqual(tok.encode(text), ids, JSON.stringify(text.slice(0, 80)));
    assert.equal(tok.decode(ids), text);
  }
});

Deno.test("fromJSON accepts a Sequence holding only ByteLevel, and a null decoder", () => {
  const json = copy(trained.toJSON()) as unknown as Record<string, unknown>;
  json.pre_tokenizer = { type: "Sequence", pretokenizers: [json.pre_tokenizer] };
  json.decoder = null;
  assert.deepEqual(BpeTokenizer.fromJSON(json).encode(" the"), trained.encode(" the"));
});

// deno-lint-ignore no-explicit-any
type AnyJson = { [key: string]: any };

/** A small valid tokenizer.json to corrupt. */
const small = (): AnyJson =>
  copy(BpeTokenizer.train("hello hello world", { vocabSize: 260 }).toJSON());

Deno.test("fromJSON rejects corrupt or unsupported tokenizer.json with a one-line InputError", () => {
  const cases: Array<[string, (json: AnyJson) => unknown, RegExp]> = [
    ["null", () => null, /must be a JSON object/],
    ["an array", () => [], /must be a JSON object/],
    ["a string", () => "tokenizer", /must be a JSON object/],
    ["no model", (j) => ({ ...j, model: undefined }), /model must be an object/],
    ["WordPiece", (j) => ({ ...j, model: { ...j.model, type: "WordPiece" } }), /model\.type/],
    ["untyped without merges", (j) => ({ ...j, model: { vocab: j.model.vocab } }), /model\.type/],
    ["no pre-tokenizer", (j) => ({ ...j, pre_tokenizer: null }), /pre_tokenizer must be ByteLevel/],
    ["Whitespace", (j) => ({ ...j, pre_tokenizer: { type: "Whitespace" } }), /pre_tokenizer/],
    [
      "prefix space",
      (j) => ({ ...j, pre_tokenizer: { ...j.pre_tokenizer, add_prefix_space: true } }),
      /pre_tokenizer\.add_prefix_space/,
    ],
    [
      "no regex",
      (j) => ({ ...j, pre_tokenizer: { ...j.pre_tokenizer, use_regex: false } }),
      /pre_tokenizer\.use_regex/,
    ],
    [
      "Sequence with Digits",
      (j) => ({
        ...j,
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Digits" }, j.pre_tokenizer] },
      }),
      /pre_tokenizer/,
    ],
    ["NFC", (j) => ({ ...j, normalizer: { type: "NFC" } }), /normalizer/],
    ["WordPiece decoder", (j) => ({ ...j, decoder: { type: "WordPiece" } }), /decoder/],
    ["dropout", (j) => ({ ...j, model: { ...j.model, dropout: 0.1 } }), /model\.dropout/],
    [
      "subword prefix",
      (j) => ({ ...j, model: { ...j.model, continuing_subword_prefix: "##" } }),
      /model\.continuing_subword_prefix/,
    ],
    [
      "byte fallback",
      (j) => ({ ...j, model: { ...j.model, byte_fallback: true } }),
      /byte_fallback/,
    ],
    [
      "ignore_merges",
      (j) => ({ ...j, model: { ...j.model, ignore_merges: "yes" } }),
      /ignore_merges/,
    ],
    ["vocab array", (j) => ({ ...j, model: { ...j.model, vocab: [] } }), /model\.vocab/],
    ["fractional id", (j) => (j.model.vocab.hel = 1.5, j), /model\.vocab\["hel"\].*integer/],
    ["negative id", (j) => (j.model.vocab.hel = -1, j), /model\.vocab\["hel"\]/],
    ["string id", (j) => (j.model.vocab.hel = "257", j), /model\.vocab\["hel"\]/],
    ["shared id", (j) => (j.model.vocab.lo = 257, j), /id 257.*already belongs/],
    ["gap in ids", (j) => (j.model.vocab.lo = 5000, j), /no token with id 258/],
    ["merges not a list", (j) => ({ ...j, model: { ...j.model, merges: "h e" } }), /model\.merges/],
    ["merge without space", (j) => (j.model.merges[0] = "he", j), /model\.merges\[0\]/],
    ["merge of one", (j) => (j.model.merges[1] = ["he"], j), /model\.merges\[1\]/],
    ["merge of numbers", (j) => (j.model.merges[1] = [1, 2], j), /model\.merges\[1\]/],
    ["unknown part", (j) => (j.model.merges[2] = ["hel", "日"], j), /model\.merges\[2\].*"日"/],
    ["missing result", (j) => (j.model.merges[0] = ["h", "x"], j), /makes "hx"/],
    ["repeated merge", (j) => (j.model.merges.push(["e", "l"]), j), /merge 3 repeats merge 0/],
    ["added not a list", (j) => ({ ...j, added_tokens: {} }), /added_tokens must be an array/],
    ["added id", (j) => (j.added_tokens[0].id = "259", j), /added_tokens\[0\]\.id/],
    ["added content", (j) => (j.added_tokens[0].content = "", j), /added_tokens\[0\]\.content/],
    ["added lstrip", (j) => (j.added_tokens[0].lstrip = true, j), /added_tokens\[0\]\.lstrip/],
    ["added clash", (j) => (j.added_tokens[0].id = 0, j), /added_tokens\[0\]\.id.*already belongs/],
    ["non-byte token", (j) => (j.model.vocab["日本"] = 260, j), /not a byte-level string/],
    [
      "missing byte",
      (j) => (delete j.model.vocab["Ā"], j.model.vocab["ĀĀ"] = 0, j),
      /no token for byte 0x00/,
    ],
  ];
  for (const [name, corrupt, message] of cases) {
    assert.throws(
      () => BpeTokenizer.fromJSON(corrupt(small())),
      (error: Error) => {
        assert.ok(error instanceof InputError, `${name}: ${error}`);
        assert.match(error.message, message, name);
        assert.ok(!error.message.includes("\n"), `${name}: one line`);
        return true;
      },
      name,
    );
  }
});
