/**
 * LSTM training-step benchmark: a 2-layer, 256-unit LSTM language model
 * (embedding 64, window 100, batch 32, vocabulary 65; `lstm-attention`'s
 * `default` preset with `attention: "none"`) trained by the project's own
 * `train()` on random char-level data (state carried from window to window),
 * with hand-written BPTT; the same step in PyTorch's `nn.LSTM`
 * (`scripts/bench/torch_rnn_step.py`, Debian's python3-torch) measured in the
 * same run, so the ratio is fair; and, for scale, the same model with
 * dot-product and additive attention over its past states.
 *
 * Each figure is the fastest of a few rounds (other processes on a small
 * machine only ever slow a round down).
 *
 * @module
 */
import {
  type AttentionType,
  LstmAttention,
  type LstmAttentionConfig,
} from "../../lib/models/lstm_attention.ts";
import { LSTM_ATTENTION_PRESETS } from "../../lib/presets/lstm_attention_presets.ts";
import { stepBench, type StepResult, timeSteps, torchStep } from "./step_timing.ts";

/** One configuration's result: `lstm` (ours, attention none), `lstm + dot`, `lstm + additive`, or `pytorch …`. */
export type LstmStepResult = StepResult;

const VOCAB = 65;

/** The default preset's model with the given attention and a 65-symbol vocabulary. */
export function lstmBenchConfig(attention: AttentionType = "none"): LstmAttentionConfig {
  const model = LSTM_ATTENTION_PRESETS.default.model;
  return { ...model, attention, vocabSize: VOCAB } as LstmAttentionConfig;
}

/**
 * Times `steps` training steps, best of `rounds`, for the plain LSTM (and,
 * unless `attention` is false, with each attention) on the engine
 * `initEngine()` picks, then PyTorch's `nn.LSTM` in the same run (skipped when
 * no Python with torch is found).
 *
 * @example
 * ```ts ignore
 * for (const r of await benchLstmStep({ steps: 20 })) console.log(r.name, r.msPerStep);
 * ```
 */
export async function benchLstmStep(
  options: { steps?: number; rounds?: number; attention?: boolean } = {},
): Promise<LstmStepResult[]> {
  const steps = options.steps ?? 20;
  const rounds = options.rounds ?? 3;
  const bench = await stepBench(VOCAB, LSTM_ATTENTION_PRESETS.default.train);
  const results: LstmStepResult[] = [];
  const variants: AttentionType[] = options.attention === false
    ? ["none"]
    : ["none", "dot", "additive"];
  for (const attention of variants) {
    const model = new LstmAttention(lstmBenchConfig(attention), 1337);
    const n = attention === "none" ? steps : Math.max(3, Math.ceil(steps / 2));
    const name = attention === "none" ? "lstm" : `lstm + ${attention}`;
    results.push(await timeSteps(name, model, bench, n, rounds));
  }
  const c = lstmBenchConfig();
  const torch = await torchStep("torch_rnn_step.py", "nn.LSTM", [
    "lstm",
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
