// deno-lint-ignore-file no-console
/**
 * Tokenizer speed: BPE training, and encoding with ours and with Hugging Face's
 * `@huggingface/tokenizers` (same `tokenizer.json`, ids compared), plus the
 * char and word tokenizers. Timings are wall-clock, best of 3 for encoding.
 *
 * Run: `deno run --allow-read scripts/bench/tokenizers.ts [FILE]`
 * (default FILE: data/tinyshakespeare/input.txt).
 *
 * @module
 */

import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { BpeTokenizer, CharTokenizer, WordTokenizer } from "../../lib/tokenizers/mod.ts";

/** One line of the benchmark report. */
export interface TokenizerBenchResult {
  /** What was measured. */
  name: string;
  /** Wall-clock seconds (best of 3 for encoding and decoding). */
  seconds: number;
  /** Tokens produced (or consumed) per second. */
  tokensPerSecond?: number;
  /** Megabytes (10^6 bytes of UTF-8 text) per second. */
  mbPerSecond?: number;
  /** Anything else worth knowing, e.g. whether two encoders agree. */
  detail?: string;
}

/** Options for {@link benchTokenizers}. */
export interface TokenizerBenchOptions {
  /** BPE vocabulary size to train (default 1024). */
  vocabSize?: number;
}

/** Seconds taken by `run`, and what it returned. */
function time<T>(run: () => T): { seconds: number; value: T } {
  const start = performance.now();
  const value = run();
  return { seconds: (performance.now() - start) / 1000, value };
}

/** Best of `n` timings; `setup` runs untimed before each (e.g. a cold cache). */
function best<S, T>(
  n: number,
  setup: () => S,
  run: (state: S) => T,
): { seconds: number; value: T } {
  let result = time(() => run(setup()));
  for (let i = 1; i < n; i++) {
    const next = time(() => run(setup()));
    if (next.seconds < result.seconds) result = next;
  }
  return result;
}

/** Yields to the event loop, so a caller's progress output stays live between measurements. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Where two id lists first differ, or -1 when they are equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/**
 * Measures the tokenizers on `text`: BPE training (to vocabulary 1024 unless
 * `options.vocabSize` says otherwise), BPE encode (ours, then Hugging Face's on
 * the same `tokenizer.json`, with the ids compared), BPE decode, and char and
 * word encode. Each BPE encoder starts with a fresh (cold) cache.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchTokenizers } from "./tokenizers.ts";
 * const text = "To be, or not to be, that is the question.\n".repeat(200);
 * const results = await benchTokenizers(text, { vocabSize: 270 });
 * assert(results.find((r) => r.name.startsWith("bpe encode (@huggingface"))?.detail?.includes("equal"));
 * ```
 */
export async function benchTokenizers(
  text: string,
  options: TokenizerBenchOptions = {},
): Promise<TokenizerBenchResult[]> {
  const { vocabSize = 1024 } = options;
  const megabytes = new TextEncoder().encode(text).length / 1e6;
  const rates = (seconds: number, tokens: number) => ({
    tokensPerSecond: tokens / seconds,
    mbPerSecond: megabytes / seconds,
  });
  const results: TokenizerBenchResult[] = [];

  const train = time(() => BpeTokenizer.train(text, { vocabSize }));
  const bpe = train.value;
  results.push({
    name: `bpe train (vocab ${vocabSize})`,
    seconds: train.seconds,
    mbPerSecond: megabytes / train.seconds,
    detail: `${bpe.merges.length} merges`,
  });
  await breathe();

  const json = bpe.toJSON();
  const ours = best(3, () => BpeTokenizer.fromJSON(json), (tok) => tok.encode(text));
  const ids = ours.value;
  results.push({
    name: "bpe encode (ours)",
    seconds: ours.seconds,
    ...rates(ours.seconds, ids.length),
    detail: `${ids.length} tokens, ${(text.length / ids.length).toFixed(2)} chars/token`,
  });
  await breathe();

  const hf = best(
    3,
    () => new HfTokenizer(JSON.parse(JSON.stringify(json)), {}),
    (tok) => tok.encode(text, { add_special_tokens: false }).ids,
  );
  const at = firstDifference(ids, hf.value);
  results.push({
    name: "bpe encode (@huggingface/tokenizers)",
    seconds: hf.seconds,
    ...rates(hf.seconds, hf.value.length),
    detail: at < 0
      ? `ids equal to ours; ours is ${(hf.seconds / ours.seconds).toFixed(1)}× as fast`
      : `ids DIFFER from ours at index ${at}`,
  });
  await breathe();

  const decode = best(3, () => bpe, (tok) => tok.decode(ids));
  results.push({
    name: "bpe decode (ours)",
    seconds: decode.seconds,
    ...rates(decode.seconds, ids.length),
    detail: decode.value === text ? "round trip exact" : "round trip DIFFERS",
  });
  await breathe();

  const char = CharTokenizer.train(text);
  const charIds = best(3, () => char, (tok) => tok.encode(text));
  results.push({
    name: "char encode",
    seconds: charIds.seconds,
    ...rates(charIds.seconds, charIds.value.length),
    detail: `${char.vocabSize} symbols`,
  });
  await breathe();

  const word = WordTokenizer.train(text);
  const wordIds = best(3, () => word, (tok) => tok.encode(text));
  results.push({
    name: "word encode",
    seconds: wordIds.seconds,
    ...rates(wordIds.seconds, wordIds.value.length),
    detail: `${word.vocabSize} words, <unk> rate ${word.unknownRate(wordIds.value).toFixed(4)}`,
  });
  return results;
}

if (import.meta.main) {
  const path = Deno.args[0] ??
    new URL("../../data/tinyshakespeare/input.txt", import.meta.url).pathname;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    console.error(
      `cannot read ${path}: ${(error as Error).message}; run \`deno task data\` or pass a file`,
    );
    Deno.exit(2);
  }
  console.log(`tokenizers on ${path} (${(text.length / 1e6).toFixed(2)} M chars)`);
  for (const r of await benchTokenizers(text)) {
    const tokens = r.tokensPerSecond ? `${(r.tokensPerSecond / 1e6).toFixed(2)} M tok/s` : "";
    const mb = r.mbPerSecond ? `${r.mbPerSecond.toFixed(2)} MB/s` : "";
    console.log(
      `${r.name.padEnd(38)} ${r.seconds.toFixed(3).padStart(7)} s  ${tokens.padStart(13)}  ` +
        `${mb.padStart(11)}  ${r.detail ?? ""}`,
    );
  }
}
