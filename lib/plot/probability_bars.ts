/**
 * What the model thinks comes next: the most probable next tokens as
 * horizontal bars, most probable on top.
 *
 * @module
 */

import { displayToken } from "./display_token.ts";
import {
  assertFinite,
  baseConfig,
  indexLabelExpr,
  type PlotOptions,
  roundForPlot,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/** Options for {@link probabilityBarsSpec}. */
export interface ProbabilityBarsOptions extends Omit<PlotOptions, "height"> {
  /** How many of the most probable tokens to show. Default 10. */
  topN?: number;
}

/**
 * A bar chart of next-token probabilities. `tokens[i]` has probability
 * `probs[i]`; pass the whole vocabulary (e.g. `tokenizer.decode([i])` for
 * every id and a softmax row) or just candidates. Ties keep vocabulary order;
 * bars are addressed by rank, so two tokens that look alike stay separate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probabilityBarsSpec } from "./probability_bars.ts";
 * const spec = probabilityBarsSpec(["a", " ", "b", "c"], [0.1, 0.6, 0.25, 0.05], { topN: 3 });
 * const values = (spec.data as { values: { token: string; probability: number }[] }).values;
 * assert.deepEqual(values.map((v) => v.token), ["␣", "b", "a"]);
 * ```
 */
export function probabilityBarsSpec(
  tokens: readonly string[],
  probs: readonly number[],
  options: ProbabilityBarsOptions = {},
): VegaLiteSpec {
  if (tokens.length !== probs.length) {
    throw new RangeError(
      `probabilityBarsSpec got ${tokens.length} tokens but ${probs.length} probabilities; ` +
        `pass one probability per token`,
    );
  }
  const topN = options.topN ?? 10;
  if (!Number.isInteger(topN) || topN < 1) {
    throw new RangeError(`topN must be a positive integer; got ${topN}`);
  }
  probs.forEach((p, i) => {
    assertFinite(p, `probability of token ${i}`);
    if (p < 0 || p > 1 + 1e-6) {
      throw new RangeError(`probability of token ${i} must be in [0, 1]; got ${p}`);
    }
  });
  const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, topN);
  const labels = order.map((i) => displayToken(tokens[i]));
  const values = order.map((id, rank) => ({
    rank,
    id,
    token: labels[rank],
    probability: roundForPlot(probs[id], 5),
  }));
  const xMax = Math.min(1, Math.max(0.05, ...values.map((v) => v.probability)) * 1.15);
  const bar = {
    mark: { type: "bar", color: "#1f5fa8" },
    encoding: {
      tooltip: [
        { field: "token", type: "nominal" },
        { field: "id", type: "quantitative", title: "token id" },
        { field: "probability", type: "quantitative", format: ".4f" },
      ],
    },
  };
  const text = {
    mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#333" },
    encoding: { text: { field: "probability", type: "quantitative", format: ".1%" } },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Top ${values.length} next-token probabilities`,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 360,
    height: { step: 20 },
    data: { values },
    encoding: {
      y: {
        field: "rank",
        type: "ordinal",
        title: null,
        scale: { domain: values.map((v) => v.rank), paddingInner: 0.2 },
        axis: { labelExpr: indexLabelExpr(labels), ticks: false, labelFontSize: 12 },
      },
      x: {
        field: "probability",
        type: "quantitative",
        title: "probability",
        scale: { domain: [0, roundForPlot(xMax, 3)] },
        axis: { format: "%" },
      },
    },
    layer: [bar, text],
    config: baseConfig(),
  };
}
