/**
 * What the recurrent training-step benchmarks (`rnn`, `gru`, `lstm`) share:
 * random token data, a training config that never evaluates, the timing of a
 * model's steps through the project's own `train()` (best of a few rounds:
 * other processes on a small machine only ever slow a round down), and the
 * PyTorch peer's result in the same shape.
 *
 * @module
 */
import { engineInfo, initEngine } from "../../lib/engine/mod.ts";
import type { LanguageModel } from "../../lib/models/types.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";
import { runTorchPeer } from "./torch_peer.ts";

/** One configuration's result. */
export interface StepResult {
  /** Ours (`bptt`, `autodiff`, `lstm + dot` …) or `pytorch …`. */
  readonly name: string;
  /** Backend and BLAS it ran on. */
  readonly backend: string;
  /** Steps timed per round. */
  readonly steps: number;
  /** Milliseconds per optimizer step (training only; the best round). */
  readonly msPerStep: number;
  /** Training tokens per second (the best round). */
  readonly tokensPerSecond: number;
}

/** What every step benchmark sets up before timing. */
export interface StepBench {
  /** `backend+BLAS` of the engine `initEngine()` picked. */
  readonly backend: string;
  /** 200,000 random ids below `vocab`, split 180,000 / 20,000. */
  readonly data: { train: Int32Array; val: Int32Array };
  /** The preset's training config, never evaluating. */
  readonly base: TrainConfig;
}

/** Starts the engine and makes the data and training config of a step benchmark. */
export async function stepBench(
  vocab: number,
  presetTrain: Partial<TrainConfig>,
): Promise<StepBench> {
  const info = await initEngine({ backend: "auto" });
  const backend = info.blas ? `${info.backend}+${info.blas.vendor}` : engineInfo().backend;
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 200_000 }, () => rng.int(vocab));
  const data = { train: ids.subarray(0, 180_000), val: ids.subarray(180_000) };
  const base: TrainConfig = {
    ...DEFAULT_TRAIN,
    ...presetTrain,
    evalInterval: 1_000_000,
    evalIters: 1,
  };
  return { backend, data, base };
}

/**
 * Trains `model` for two warm-up steps, then times `steps` steps `rounds`
 * times and keeps the fastest round; disposes the model.
 */
export async function timeSteps(
  name: string,
  model: LanguageModel,
  bench: StepBench,
  steps: number,
  rounds: number,
): Promise<StepResult> {
  const { base, data } = bench;
  try {
    await train(model, data, { ...base, maxIters: 2 }); // warm-up
    let best = 0;
    for (let r = 0; r < rounds; r++) {
      const result = await train(model, data, { ...base, maxIters: steps });
      best = Math.max(best, result.tokensPerSecond);
    }
    const tokens = base.batchSize * model.config.blockSize;
    return {
      name,
      backend: bench.backend,
      steps,
      msPerStep: tokens / best * 1000,
      tokensPerSecond: best,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Runs a PyTorch peer (`scripts/bench/<script>`) and names its result
 * `pytorch <version> <module>`; undefined when no Python with torch is found.
 */
export async function torchStep(
  script: string,
  module: string,
  args: readonly (string | number)[],
  steps: number,
): Promise<StepResult | undefined> {
  const r = await runTorchPeer(script, args);
  if (!r) return undefined;
  return {
    name: `pytorch ${r.torch} ${module}`,
    backend: `cpu (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
    steps,
    msPerStep: r.ms_per_step,
    tokensPerSecond: r.tokens_per_second,
  };
}
