/** Small example specs of every kind, shared by the plot tests. */
import {
  attentionHeatmapSpec,
  comparisonBarsSpec,
  curvesSpec,
  embeddingScatterSpec,
  lossCurveSpec,
  type LossHistoryRow,
  pca2d,
  probabilityBarsSpec,
  type VegaLiteSpec,
} from "../../lib/plot/mod.ts";

/** A deterministic loss history: per-step losses, an eval every 10 steps. */
export function sampleHistory(steps = 60): LossHistoryRow[] {
  const rows: LossHistoryRow[] = [];
  for (let step = 1; step <= steps; step++) {
    const base = 1.5 + 2.5 * Math.exp(-step / 20);
    const row: LossHistoryRow = {
      step,
      seconds: step * 0.25,
      loss: base + 0.1 * Math.sin(step * 1.7),
    };
    if (step % 10 === 0) {
      row.train_loss = base - 0.01;
      row.val_loss = base + 0.04;
    }
    rows.push(row);
  }
  return rows;
}

/** Row-softmaxed causal attention over `tokens` (weights fall off with distance). */
export function sampleAttention(tokens: readonly string[]): number[][] {
  return tokens.map((_, q) => {
    const row = tokens.map((_, k) => (k <= q ? Math.exp(-Math.abs(q - k)) : 0));
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / sum);
  });
}

/** One spec of each kind, by name. */
export function sampleSpecs(): Record<string, VegaLiteSpec> {
  const tokens = ["T", "o", " ", "b", "e", "\n", "o"];
  const table = [[0.1, 0.9, 0.0], [0.2, 0.8, 0.1], [0.9, 0.1, 0.5], [0.4, 0.4, 0.4]];
  return {
    loss: lossCurveSpec(sampleHistory(), { title: "loss by step" }),
    lossSeconds: lossCurveSpec(sampleHistory(), { x: "seconds", title: "loss by time" }),
    lossEmpty: lossCurveSpec([]),
    curves: curvesSpec([
      { name: "RNN", points: [{ x: 1, y: 3 }, { x: 2, y: 2.5 }, { x: 3, y: 2.2 }] },
      { name: "GRU", points: [{ x: 1, y: 2.9 }, { x: 2, y: 2.3 }, { x: 3, y: 2.0 }] },
    ], { xTitle: "training time (s)", yTitle: "val bits per char", title: "RNN vs GRU" }),
    attention: attentionHeatmapSpec(sampleAttention(tokens), {
      queryTokens: tokens,
      keyTokens: tokens,
      title: "head 0",
    }),
    scatter: embeddingScatterSpec(
      pca2d(table).map((p, i) => ({ ...p, label: ["a", "e", " ", "\n"][i] })),
      { title: "embeddings" },
    ),
    probabilities: probabilityBarsSpec(["a", " ", "b", "\n"], [0.1, 0.6, 0.25, 0.05], {
      title: "next token",
    }),
    comparison: comparisonBarsSpec(
      [{ name: "char-rnn", value: 2.1 }, { name: "gpt", value: 1.6 }],
      { metric: "val bits per char", title: "models" },
    ),
  };
}

/** The `data.values` array of a spec built here. */
export function valuesOf<T = Record<string, unknown>>(spec: VegaLiteSpec): T[] {
  return (spec.data as { values: T[] }).values;
}
