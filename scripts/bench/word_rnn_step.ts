/**
 * Word-RNN training-step benchmark: the `default` preset's model (one GRU
 * layer of 256 units, tied 256-wide embeddings, window 35, batch 32, dropout
 * 0.3) over a 7,115-word vocabulary (Tiny Shakespeare, `minFreq` 2), trained
 * by the project's own `train()` on random word ids, with the hand-written
 * GRU backward pass and, for comparison, autodiff of the unrolled loop; plus
 * the same step in PyTorch's `nn.GRU` (`scripts/bench/torch_word_rnn_step.py`)
 * measured in the same run. Each figure is the fastest of a few rounds.
 *
 * @module
 */
import { WordRnn, type WordRnnConfig } from "../../lib/models/word_rnn.ts";
import { WORD_RNN_PRESETS } from "../../lib/presets/word_rnn_presets.ts";
import { stepBench, type StepResult, timeSteps, torchStep } from "./step_timing.ts";

/** The default preset's vocabulary size on Tiny Shakespeare. */
const VOCAB = 7115;

/**
 * Times `steps` training steps, best of `rounds`, for our GRU word model with
 * hand-written BPTT and with plain autodiff, then PyTorch's (skipped when no
 * Python with torch is found).
 *
 * @example
 * ```ts ignore
 * for (const r of await benchWordRnnStep({ steps: 20 })) console.log(r.name, r.msPerStep);
 * ```
 */
export async function benchWordRnnStep(
  options: { steps?: number; rounds?: number } = {},
): Promise<StepResult[]> {
  const steps = options.steps ?? 20;
  const rounds = options.rounds ?? 3;
  const preset = WORD_RNN_PRESETS.default;
  const bench = await stepBench(VOCAB, preset.train);
  const config = { ...preset.model, vocabSize: VOCAB } as WordRnnConfig;
  const results: StepResult[] = [];
  for (const name of ["bptt", "autodiff"]) {
    const autodiff = name === "autodiff";
    const model = new WordRnn(config, 1337, { autodiff });
    const n = autodiff ? Math.max(3, Math.ceil(steps / 4)) : steps;
    results.push(await timeSteps(name, model, bench, n, rounds));
  }
  const torch = await torchStep("torch_word_rnn_step.py", "nn.GRU", [
    config.cell,
    config.nLayer,
    config.hidden,
    config.embedDim,
    config.blockSize,
    bench.base.batchSize,
    VOCAB,
    config.dropout,
    steps,
    rounds,
  ], steps);
  if (torch) results.push(torch);
  return results;
}
