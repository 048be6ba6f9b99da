/**
 * Generation benchmark: tokens per second for 256 new tokens from a GPT of
 * the baby preset's width with a context long enough to hold them (block
 * 512), with and without the KV cache, on the current engine.
 *
 * @module
 */
import { Gpt } from "../../lib/models/gpt.ts";
import { generate } from "../../lib/sample/mod.ts";
import { babyConfig } from "./gpt_step.ts";

/** Result of {@link benchGeneration}. */
export interface GenerationBenchResult {
  /** `kv cache` or `no cache`. */
  readonly mode: string;
  /** New tokens generated. */
  readonly tokens: number;
  /** Seconds taken. */
  readonly seconds: number;
  /** New tokens per second. */
  readonly tokensPerSecond: number;
}

/** Times `tokens` new tokens with and without the cache (same seed, same tokens). */
export async function benchGeneration(tokens = 256): Promise<GenerationBenchResult[]> {
  const model = new Gpt({ ...babyConfig(), blockSize: 512 }, 1);
  const results: GenerationBenchResult[] = [];
  try {
    await generate(model, [0], { maxNewTokens: 8, seed: 1 }); // warm up
    let reference: number[] | undefined;
    for (const useCache of [true, false]) {
      const t0 = performance.now();
      const r = await generate(model, [0], { maxNewTokens: tokens, seed: 1, useCache });
      const seconds = (performance.now() - t0) / 1000;
      if (reference && reference.join() !== r.ids.join()) {
        throw new Error("cached and uncached tokens differ");
      }
      reference = r.ids;
      results.push({
        mode: useCache ? "kv cache" : "no cache",
        tokens,
        seconds,
        tokensPerSecond: tokens / seconds,
      });
    }
  } finally {
    model.dispose();
  }
  return results;
}
