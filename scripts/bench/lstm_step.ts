/**
 * LSTM training-step benchmark: a 2-layer, 256-unit LSTM language model
 * (embedding 64, window 100, batch 32, vocabulary 65; `lstm-attention`'s
 * `default` preset with `attention: "none"`) trained by the project's own
 * `train()` on random char-level data (state carried from window to window),
 * with hand-written BPTT; the same step in PyTorch's `nn.LSTM`
 * (`scripts/bench/torch_lstm_step.py`, Debian's python3-torch) measured in the
 * same run, so the ratio is fair; and, for scale, the same model with
 * dot-product and additive attention over its past states.
 *
 * Each figure is the fastest of a few rounds (other processes on a small
 * machine only ever slow a round down).
 *
 * @module
 */
import { engineInfo, initEngine } from "../../lib/engine/mod.ts";
import {
  type AttentionType,
  LstmAttention,
  type LstmAttentionConfig,
} from "../../lib/models/lstm_attention.ts";
import { LSTM_ATTENTION_PRESETS } from "../../lib/models/lstm_attention_presets.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";
import { runTorchPeer } from "./torch_peer.ts";

/** One configuration's result. */
export interface LstmStepResult {
  /** `lstm` (ours, attention none), `lstm + dot`, `lstm + additive`, or `pytorch …`. */
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
  const info = await initEngine({ backend: "auto" });
  const backend = info.blas ? `${info.backend}+${info.blas.vendor}` : engineInfo().backend;
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 200_000 }, () => rng.int(VOCAB));
  const data = { train: ids.subarray(0, 180_000), val: ids.subarray(180_000) };
  const base: TrainConfig = {
    ...DEFAULT_TRAIN,
    ...LSTM_ATTENTION_PRESETS.default.train,
    evalInterval: 1_000_000,
    evalIters: 1,
  };
  const results: LstmStepResult[] = [];
  const variants: AttentionType[] = options.attention === false
    ? ["none"]
    : ["none", "dot", "additive"];
  for (const attention of variants) {
    const config = lstmBenchConfig(attention);
    const model = new LstmAttention(config, 1337);
    try {
      await train(model, data, { ...base, maxIters: 2 }); // warm-up
      const n = attention === "none" ? steps : Math.max(3, Math.ceil(steps / 2));
      let best = 0;
      for (let r = 0; r < rounds; r++) {
        const result = await train(model, data, { ...base, maxIters: n });
        best = Math.max(best, result.tokensPerSecond);
      }
      const tokens = base.batchSize * config.blockSize;
      results.push({
        name: attention === "none" ? "lstm" : `lstm + ${attention}`,
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

async function torchStep(steps: number, rounds: number): Promise<LstmStepResult | undefined> {
  const c = lstmBenchConfig();
  const batch = LSTM_ATTENTION_PRESETS.default.train.batchSize ?? 32;
  const r = await runTorchPeer("torch_lstm_step.py", [
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
    name: `pytorch ${r.torch} nn.LSTM`,
    backend: `cpu (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
    steps,
    msPerStep: r.ms_per_step,
    tokensPerSecond: r.tokens_per_second,
  };
}
