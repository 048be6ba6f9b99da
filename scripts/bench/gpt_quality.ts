/**
 * `deno task bench --only quality`: a whole GPT training run with a preset's
 * recipe (nanoGPT's `baby` by default), ours through `train:gpt` and the same
 * model and recipe in PyTorch (`torch_gpt_train.py`), one after the other on
 * the same machine: final validation loss and wall-clock seconds of each.
 *
 * @module
 */
import { GPT_PRESETS } from "../../lib/presets/gpt_presets.ts";
import { InputError } from "../../lib/errors.ts";
import { ensureDatasetFile } from "../../lib/data/download.ts";
import { getDataset } from "../../lib/data/registry.ts";
import { DEFAULT_TRAIN } from "../../lib/train/config.ts";
import { runJsonScript } from "./models.ts";
import { runTorchPeer } from "./torch_peer.ts";

/** One side of the comparison. */
export interface QualityResult {
  readonly name: string;
  readonly iters: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  /** Wall-clock seconds of the whole run (data, training, evaluation). */
  readonly seconds: number;
  readonly tokensPerSecond: number;
}

/** Trains `preset` with both implementations on Tiny Shakespeare. */
export async function benchGptQuality(
  preset: string,
  onLine?: (line: string) => void,
): Promise<QualityResult[]> {
  const p = GPT_PRESETS[preset];
  if (!p || p.tokenizer.kind !== "char" || p.data !== "tinyshakespeare") {
    throw new InputError(`--preset for quality must be a char-level Tiny Shakespeare GPT preset`);
  }
  const t = { ...DEFAULT_TRAIN, ...p.train };
  const m = p.model;
  const out = await Deno.makeTempDir({ prefix: "lmfs_quality_" });
  const results: QualityResult[] = [];
  try {
    onLine?.(`ours: deno task train:gpt --preset ${preset}`);
    const t0 = performance.now();
    const events = await runJsonScript("train", [
      "--model",
      "gpt",
      "--preset",
      preset,
      "--sample",
      "0",
      "--out",
      out,
      "--json",
    ], { onLine });
    const done = events.findLast((e) => e.event === "done")!;
    results.push({
      name: "ours (train:gpt)",
      iters: done.iters as number,
      trainLoss: done.train_loss as number,
      valLoss: done.val_loss as number,
      seconds: (performance.now() - t0) / 1000,
      tokensPerSecond: done.tokens_per_second as number,
    });
  } finally {
    await Deno.remove(out, { recursive: true });
  }
  onLine?.("PyTorch: scripts/bench/torch_gpt_train.py");
  const info = getDataset("tinyshakespeare");
  const path = await ensureDatasetFile(info, info.files[0]); // cached by the run above
  const t0 = performance.now();
  const torch = await runTorchPeer("torch_gpt_train.py", [
    path,
    m.nLayer,
    m.nHead,
    m.nEmbd,
    m.blockSize,
    t.batchSize,
    t.maxIters,
    t.lr,
    t.minLr,
    t.warmupIters,
    t.evalInterval,
    t.evalIters,
  ]);
  if (torch) {
    const r = torch as unknown as Record<string, number>;
    results.push({
      name: `PyTorch ${torch.torch}`,
      iters: r.iters,
      trainLoss: r.train_loss,
      valLoss: r.val_loss,
      seconds: (performance.now() - t0) / 1000,
      tokensPerSecond: r.tokens_per_second,
    });
  }
  return results;
}
