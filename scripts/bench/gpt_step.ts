/**
 * GPT training-step benchmark: the `baby` preset's model (4 layers, 4 heads,
 * 128 dims, block 64, batch 12, vocabulary 65) trained by the project's own
 * `train()` on random char-level data, on each backend configuration, plus
 * the same step in PyTorch (`scripts/bench/torch_gpt_step.py`, Debian's
 * python3-torch) measured in the same run, so the ratio is fair.
 *
 * @module
 */
import { initEngine } from "../../lib/engine/mod.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { GPT_PRESETS } from "../../lib/presets/gpt_presets.ts";
import { DEFAULT_TRAIN } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";
import { runTorchPeer } from "./torch_peer.ts";

/** One configuration's result. */
export interface GptStepResult {
  /** `wasm+blas`, `wasm`, `cpu`, or `pytorch`. */
  readonly backend: string;
  /** BLAS vendor, if any. */
  readonly blas: string | null;
  /** Steps timed. */
  readonly steps: number;
  /** Milliseconds per optimizer step (training only). */
  readonly msPerStep: number;
  /** Training tokens per second. */
  readonly tokensPerSecond: number;
}

const VOCAB = 65;

/** The model config of the baby preset with a 65-symbol vocabulary. */
export function babyConfig(): GptConfig {
  return { ...GPT_PRESETS.baby.model, vocabSize: VOCAB } as GptConfig;
}

/**
 * Times `steps` training steps per configuration (fewer for the slow ones).
 * Configurations that cannot run here are skipped.
 */
export async function benchGptStep(
  options: { steps?: number; slowSteps?: number; backends?: readonly string[] } = {},
): Promise<GptStepResult[]> {
  const results: GptStepResult[] = [];
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 50_000 }, () => rng.int(VOCAB));
  const data = { train: ids.subarray(0, 45_000), val: ids.subarray(45_000) };
  for (const config of options.backends ?? ["wasm+blas", "wasm", "cpu"]) {
    const [backend, withBlas] = config.split("+") as ["wasm" | "cpu", string | undefined];
    let blas: string | null;
    try {
      const info = await initEngine({ backend, blas: withBlas ? undefined : "off" });
      if (withBlas && !info.blas) continue;
      blas = info.blas?.vendor ?? null;
    } catch {
      continue;
    }
    const steps = withBlas ? options.steps ?? 30 : options.slowSteps ?? 3;
    const model = new Gpt(babyConfig(), 1337);
    try {
      const base = { ...DEFAULT_TRAIN, ...GPT_PRESETS.baby.train };
      // one warm-up step (allocations, XNNPACK packing), then the timed run
      await train(model, data, { ...base, maxIters: 1, evalInterval: 1_000_000, evalIters: 1 });
      const r = await train(model, data, {
        ...base,
        maxIters: steps,
        evalInterval: 1_000_000,
        evalIters: 1,
      });
      const tokensPerSecond = r.tokensPerSecond;
      results.push({
        backend: config,
        blas,
        steps,
        msPerStep: 768 / tokensPerSecond * 1000,
        tokensPerSecond,
      });
    } finally {
      model.dispose();
    }
  }
  const torch = await torchStep(options.steps ?? 30);
  if (torch) results.push(torch);
  return results;
}

async function torchStep(steps: number): Promise<GptStepResult | undefined> {
  const c = babyConfig();
  const r = await runTorchPeer("torch_gpt_step.py", [
    c.nLayer,
    c.nHead,
    c.nEmbd,
    c.blockSize,
    12,
    VOCAB,
    steps,
  ]);
  if (!r) return undefined;
  return {
    backend: `pytorch ${r.torch} (BLAS threads: system default)`,
    blas: null,
    steps,
    msPerStep: r.ms_per_step,
    tokensPerSecond: r.tokens_per_second,
  };
}
