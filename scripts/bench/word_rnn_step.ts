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
import { engineInfo, initEngine } from "../../lib/engine/mod.ts";
import { WordRnn, type WordRnnConfig } from "../../lib/models/word_rnn.ts";
import { WORD_RNN_PRESETS } from "../../lib/models/word_rnn_presets.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { train } from "../../lib/train/train.ts";
import { Rng } from "../../lib/rng.ts";
import type { RnnStepResult } from "./rnn_step.ts";
import { runTorchPeer } from "./torch_peer.ts";

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
): Promise<RnnStepResult[]> {
  const steps = options.steps ?? 20;
  const rounds = options.rounds ?? 3;
  const info = await initEngine({ backend: "auto" });
  const backend = info.blas ? `${info.backend}+${info.blas.vendor}` : engineInfo().backend;
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: 200_000 }, () => rng.int(VOCAB));
  const data = { train: ids.subarray(0, 180_000), val: ids.subarray(180_000) };
  const preset = WORD_RNN_PRESETS.default;
  const config = { ...preset.model, vocabSize: VOCAB } as WordRnnConfig;
  const base: TrainConfig = {
    ...DEFAULT_TRAIN,
    ...preset.train,
    evalInterval: 1_000_000,
    evalIters: 1,
  };
  const results: RnnStepResult[] = [];
  for (const name of ["bptt", "autodiff"]) {
    const model = new WordRnn(config, 1337, { autodiff: name === "autodiff" });
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
  const r = await runTorchPeer("torch_word_rnn_step.py", [
    config.cell,
    config.nLayer,
    config.hidden,
    config.embedDim,
    config.blockSize,
    base.batchSize,
    VOCAB,
    config.dropout,
    steps,
    rounds,
  ]);
  if (r) {
    results.push({
      name: `pytorch ${r.torch} nn.GRU`,
      backend: `cpu (${r.threads} thread${r.threads === 1 ? "" : "s"})`,
      steps,
      msPerStep: r.ms_per_step,
      tokensPerSecond: r.tokens_per_second,
    });
  }
  return results;
}
