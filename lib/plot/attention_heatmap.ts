/**
 * Attention maps: one row per query position (the token doing the looking),
 * one column per key position (the token looked at), colour = attention
 * weight. Tokens label both axes in sequence order; cells are addressed by
 * position, so repeated tokens ("the … the") stay separate.
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

/** Options for {@link attentionHeatmapSpec}. */
export interface AttentionHeatmapOptions extends Omit<PlotOptions, "width" | "height"> {
  /** Token of each query position (rows), in order. */
  queryTokens: readonly string[];
  /** Token of each key position (columns), in order. */
  keyTokens: readonly string[];
  /** Side of one cell in pixels. Default: fits the map in about 480 px (6–28 px). */
  cellSize?: number;
  /** Print each weight in its cell. Default: only for maps up to 12 × 12. */
  showValues?: boolean;
  /** Top of the colour scale. Default 1 (weights are probabilities). */
  colorMax?: number;
  /** Leave exact zeros (a causal mask's future) out of the data: about half the spec's size. */
  omitZeros?: boolean;
}

/**
 * A heatmap spec for an attention matrix `weights[query][key]` (each row one
 * softmax, so rows sum to 1; masked future positions are 0, drawn blank).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { attentionHeatmapSpec } from "./attention_heatmap.ts";
 * const spec = attentionHeatmapSpec([[1, 0], [0.25, 0.75]], {
 *   queryTokens: ["a", "a"],
 *   keyTokens: ["a", "a"],
 * });
 * const values = (spec.data as { values: { query: number; key: number; weight: number }[] })
 *   .values;
 * assert.deepEqual(values[3], { query: 1, key: 1, queryToken: "a", keyToken: "a", weight: 0.75 });
 * ```
 */
export function attentionHeatmapSpec(
  weights: readonly (readonly number[])[],
  options: AttentionHeatmapOptions,
): VegaLiteSpec {
  const { queryTokens, keyTokens } = options;
  if (weights.length !== queryTokens.length) {
    throw new RangeError(
      `attention weights have ${weights.length} rows but ${queryTokens.length} query tokens; ` +
        `pass one query token per row`,
    );
  }
  const queryLabels = queryTokens.map(displayToken);
  const keyLabels = keyTokens.map(displayToken);
  const values: {
    query: number;
    key: number;
    queryToken: string;
    keyToken: string;
    weight: number;
  }[] = [];
  weights.forEach((row, q) => {
    if (row.length !== keyTokens.length) {
      throw new RangeError(
        `attention row ${q} has ${row.length} weights but there are ${keyTokens.length} key tokens`,
      );
    }
    row.forEach((w, k) => {
      assertFinite(w, `attention weight [${q}][${k}]`);
      if (w === 0 && options.omitZeros) return; // masked cells stay blank either way
      values.push({
        query: q,
        key: k,
        queryToken: queryLabels[q],
        keyToken: keyLabels[k],
        weight: roundForPlot(w, 4),
      });
    });
  });
  const longest = Math.max(queryLabels.length, keyLabels.length, 1);
  const cell = options.cellSize ?? Math.max(6, Math.min(28, Math.floor(480 / longest)));
  const showValues = options.showValues ?? longest <= 12;
  const colorMax = options.colorMax ?? 1;
  const vertical = keyLabels.some((label) => [...label].length > 2);
  const axis = { labelAngle: 0, labelLimit: 80, ticks: false, domain: false, labelPadding: 4 };
  const rect = {
    mark: { type: "rect" },
    encoding: {
      color: {
        field: "weight",
        type: "quantitative",
        title: "weight",
        scale: {
          domain: [0, colorMax],
          range: ["#f7fbff", "#9ecae1", "#2171b5", "#08306b"],
          clamp: true,
        },
        legend: { gradientLength: Math.max(80, Math.min(200, cell * queryLabels.length)) },
      },
      tooltip: [
        { field: "queryToken", type: "nominal", title: "query" },
        { field: "keyToken", type: "nominal", title: "key" },
        { field: "weight", type: "quantitative", format: ".3f" },
      ],
    },
  };
  const text = {
    // Exact zeros are masked positions (future tokens): leave those cells blank.
    transform: [{ filter: "datum.weight !== 0" }],
    mark: { type: "text", fontSize: Math.max(7, Math.min(10, cell / 3)) },
    encoding: {
      text: { field: "weight", type: "quantitative", format: ".2f" },
      color: {
        condition: { test: `datum.weight > ${colorMax / 2}`, value: "white" },
        value: "#333",
      },
    },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Attention weights: ${queryLabels.length} queries by ${keyLabels.length} keys`,
    ...(options.title ? { title: options.title } : {}),
    width: { step: cell },
    height: { step: cell },
    data: { values },
    encoding: {
      x: {
        field: "key",
        type: "ordinal",
        title: "key (attended to)",
        scale: { domain: keyLabels.map((_, i) => i) },
        axis: {
          ...axis,
          orient: "top",
          labelExpr: indexLabelExpr(keyLabels),
          ...(vertical ? { labelAngle: -90, labelAlign: "left", labelBaseline: "middle" } : {}),
        },
      },
      y: {
        field: "query",
        type: "ordinal",
        title: "query (attending)",
        scale: { domain: queryLabels.map((_, i) => i) },
        axis: { ...axis, labelExpr: indexLabelExpr(queryLabels) },
      },
    },
    layer: showValues ? [rect, text] : [rect],
    config: { ...baseConfig(), view: { stroke: null } },
  };
}
