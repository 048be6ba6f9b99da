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
import { CharRnn, type CharRnnConfig } from "../../lib/models/char_rnn.ts";
import { CHAR_RNN_PRESETS } from "../../lib/presets/char_rnn_presets.ts";
import { stepBench, type StepResult, timeSteps, torchStep } from "./step_timing.ts";

/** One configuration's result: `bptt` (hand-written, ours), `autodiff` (ours, unrolled), or `pytorch …`. */
export type RnnStepResult = StepResult;

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
  const bench = await stepBench(VOCAB, CHAR_RNN_PRESETS.default.train);
  const config = rnnBenchConfig();
  const results: RnnStepResult[] = [];
  const variants = options.autodiff === false ? ["bptt"] : ["bptt", "autodiff"];
  for (const name of variants) {
    const autodiff = name === "autodiff";
    const model = new CharRnn(config, 1337, { autodiff });
    const n = autodiff ? Math.max(3, Math.ceil(steps / 4)) : steps;
    results.push(await timeSteps(name, model, bench, n, rounds));
  }
  const c = config;
  const torch = await torchStep("torch_rnn_step.py", "nn.RNN", [
    "rnn",
    c.nLayer,
    c.hidden,
    c.embedDim,
    c.blockSize,
    bench.base.batchSize,
    VOCAB,
    steps,
    rounds,
  ], steps);
  if (torch) results.push(torch);
  return results;
}
