/**
 * One phase of the GPT-2 benchmark in a process of its own, so its peak
 * resident memory is that phase's alone. Prints one JSON object.
 *
 *     gpt2_worker.ts generate DIR TOKENS
 *       tokens/s for TOKENS new tokens with and without the KV cache
 *     gpt2_worker.ts finetune DIR BATCH ACCUM BLOCK STEPS DATA
 *       seconds per fine-tuning step of ACCUM micro-batches of BATCH × BLOCK
 *       (the steps after the first), tokens/s,
 *       through the same path as `train:gpt --init DIR` (weights, tokenizer,
 *       cropped context, memory estimate, AdamW, clipping)
 *
 * Peak memory is the kernel's high-water mark (`VmHWM`, Linux), else the
 * largest resident size sampled along the way.
 *
 * @module
 */
import { initEngine } from "../../lib/engine/mod.ts";
import { loadModel } from "../../lib/cli/load_model.ts";
import { resolveTrainSettings } from "../../lib/cli/train_settings.ts";
import { resolveInit } from "../../lib/cli/init_from.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { loadText } from "../../lib/data/load_text.ts";
import { generate } from "../../lib/sample/mod.ts";
import { train } from "../../lib/train/train.ts";
import { estimateMemory } from "../../lib/train/memory_estimate.ts";

let sampledPeak = 0;
function sample(): void {
  sampledPeak = Math.max(sampledPeak, Deno.memoryUsage().rss);
}

/** The process's peak resident bytes so far. */
function peakRss(): number {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/^VmHWM:\s+(\d+) kB/m);
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  sample();
  return sampledPeak;
}

async function generation(dir: string, tokens: number): Promise<Record<string, unknown>> {
  const { model, tokenizer } = await loadModel(dir);
  try {
    const prompt = tokenizer.encode("The");
    await generate(model, prompt, { maxNewTokens: 4, seed: 1 }); // warm up
    const rows: Record<string, unknown>[] = [];
    for (const useCache of [true, false]) {
      const t0 = performance.now();
      await generate(model, prompt, {
        maxNewTokens: tokens,
        seed: 1,
        useCache,
        onToken: () => sample(),
      });
      const seconds = (performance.now() - t0) / 1000;
      rows.push({
        mode: useCache ? "kv cache" : "no cache",
        tokens,
        seconds,
        tokensPerSecond: tokens / seconds,
      });
    }
    return { phase: "generate", params: model.params().count(), rows, peakRssBytes: peakRss() };
  } finally {
    model.dispose();
  }
}

async function finetune(
  dir: string,
  batch: number,
  accum: number,
  block: number,
  steps: number,
  data: string,
): Promise<Record<string, unknown>> {
  const flags = ["--init", dir, "--batch-size", String(batch), "--block-size", String(block)];
  flags.push("--set", `gradAccum=${accum}`);
  const base = resolveTrainSettings(
    [...flags, "--max-iters", String(steps + 1), "--eval-interval", "1000000", "--eval-iters", "1"],
    "gpt",
  );
  const { settings, weights, tokenizer } = await resolveInit({ ...base, data });
  const text = await loadText(data);
  const encode = (t: string) => Int32Array.from(tokenizer.encode(t));
  const ids = { train: encode(text.train), val: encode(text.val) };
  const config = {
    ...settings.modelConfig,
    vocabSize: tokenizer.vocabSize,
  } as unknown as GptConfig;
  const model = new Gpt(config, settings.train.seed);
  try {
    model.params().load(weights);
    const estimate = estimateMemory({
      model: "gpt",
      config,
      params: model.params().count(),
      batchSize: settings.train.batchSize,
      training: true,
    });
    const seconds: number[] = [];
    await train(model, ids, settings.train, {
      onStep: (e) => {
        seconds[e.step] = e.seconds;
        sample();
      },
    });
    const timed = steps; // steps 2 … steps + 1: the first compiles kernels and grows the heap
    const perStep = (seconds[steps + 1] - seconds[1]) / timed;
    return {
      phase: "finetune",
      params: model.params().count(),
      batch,
      accum,
      block,
      steps: timed,
      firstStepSeconds: seconds[1],
      secondsPerStep: perStep,
      tokensPerSecond: (batch * accum * block) / perStep,
      estimatedPeakBytes: estimate.bytes,
      peakRssBytes: peakRss(),
    };
  } finally {
    model.dispose();
  }
}

if (import.meta.main) {
  await initEngine({ backend: "auto" });
  const [phase, dir, ...rest] = Deno.args;
  const result = phase === "generate" ? await generation(dir, Number(rest[0])) : await finetune(
    dir,
    ...(rest.slice(0, 4).map(Number) as [number, number, number, number]),
    rest[4],
  );
  // deno-lint-ignore no-console
  console.log(JSON.stringify(result));
}
