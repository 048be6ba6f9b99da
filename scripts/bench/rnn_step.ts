/**
 * Char-RNN training-step benchmark: the `default` preset's model (2 layers of
 * 256 tanh units, embedding 64, window 100, batch 32, vocabulary 65) trained
 * by the project's own `train()` on random char-level data (hidden state
 * carried from window to window), with hand-written BPTT and, for
 * comparison, with plain autodiff of the unrolled loop; plus the same step in
 * PyTorch's `nn.RNN` (`scripts/bench/torch_rnn_step.py`, Debian's
 * python3-torch) measured in the same run, so the ratio is fair.
 *
 * Each figure is the fastest of a few rounds (other processes on a small
 * machine only ever slow a round down).
 *
 * @module
 */
import { engineInfo, initEngine } from "../../lib/engine/mod.ts";
import { CharRnn, type CharRnnConfig } from "../../lib/models/char_rnn.ts";
import { CHAR_RNN_PRESETS } from "../../lib/models/char_rnn_presets.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";
import { runTorchPeer } from "./torch_peer.ts";

/** One configuration's result. */
export interface RnnStepResult {
  /** `bptt` (hand-written, ours), `autodiff` (ours, unrolled), or `pytorch …`. */
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

const VOCAB = 65;

/** The model config of the default preset with a 65-symbol vocabulary. */
export function rnnBenchConfig(): CharRnnConfig {
  return { ...CHAR_RNN_PRESETS.default.model, vocabSize: VOCAB } as CharRnnConfig;
}

/**
 * Times `steps` training steps, best of `rounds`, for our model with
 * hand-written BPTT (and with plain autodiff unless `autodiff` is false) on
 * the engine `initEngine()` picks, then PyTorch's in the same run (skipped
 * when no Python with torch is found).
 *
 * @example
 * ```ts ignore
 * for (const r of await benchRnnStep({ steps: 20 })) console.log(r.name, r.msPerStep);
 * ```
 */
export async function benchRnnStep(
  options: { steps?: number; rounds?: number; autodiff?: boolean } = {},
): Promise<RnnStepResult[]> {
  const steps = options.steps ?? 20;
  const rounds = options.rounds ?? 3;
  const info = await initEngine({ backend: "auto" });
  const backend = info.blas ? `${info.backend}+${info.blas.vendor}` : engineInfo().backend;
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 200_000 }, () => rng.int(VOCAB));
  const data = { train: ids.subarray(0, 180_000), val: ids.subarray(180_000) };
  const config = rnnBenchConfig();
  const base: TrainConfig = {
    ...DEFAULT_TRAIN,
    ...CHAR_RNN_PRESETS.default.train,
    evalInterval: 1_000_000,
    evalIters: 1,
  };
  const results: RnnStepResult[] = [];
  const variants = options.autodiff === false ? ["bptt"] : ["bptt", "autodiff"];
  for (const name of variants) {
    const model = new CharRnn(config, 1337, { autodiff: name === "autodiff" });
    try {
      await train(model, data, { ...base, maxIters: 2 }); // warm-up
      const n = name === "autodiff" ? Math.max(3, Math.ceil(steps / 4)) : steps;
      let best = 0;
      for (let r = 0; r < rounds; r++) {
        const result = await train(model, data, { ...base, maxIters: n });
        best = Math.max(best, result.tokensPerSecond);
      }
      const tokens = base.batchSize * config.blockSize;
      results.push({
        name,
        backend,
        steps: n,
        msPerStep: tokens / best * 1000,
        tokensPerSecond: best,
      });
    } finally {
      model.dispose();
    }
  }
  const torch = await torchStep(steps, rounds);
  if (torch) results.push(torch);
  return results;
}

async function torchStep(steps: number, rounds: number): Promise<RnnStepResult | undefined> {
  const c = rnnBenchConfig();
  const batch = CHAR_RNN_PRESETS.default.train.batchSize ?? 32;
  const r = await runTorchPeer("torch_rnn_step.py", [
    c.nLayer,
    c.hidden,
    c.embedDim,
    c.blockSize,
    batch,
    VOCAB,
    steps,
    rounds,
  ]);
  if (!r) return undefined;
  return {
    name: `pytorch ${r.torch} nn.RNN`,
    backend: `cpu (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
    steps,
    msPerStep: r.ms_per_step,
    tokensPerSecond: r.tokens_per_second,
  };
}
