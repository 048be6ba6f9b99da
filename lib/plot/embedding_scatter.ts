/**
 * Embeddings in two dimensions: one labelled dot per token, usually the
 * output of {@link pca2d} on an embedding table, so that tokens used alike
 * (vowels, digits, punctuation) can be seen to cluster.
 *
 * @module
 */

import { displayToken } from "./display_token.ts";
import {
  assertFinite,
  baseConfig,
  type PlotOptions,
  roundForPlot,
  sizeOf,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/** One labelled point. */
export interface EmbeddingPoint {
  /** Horizontal position (e.g. first principal component). */
  x: number;
  /** Vertical position (e.g. second principal component). */
  y: number;
  /** The token; whitespace is shown visibly (see `displayToken`). */
  label: string;
  /** Optional category to colour by, e.g. `"vowel"`, `"digit"`. */
  group?: string;
}

/** Options for {@link embeddingScatterSpec}. */
export interface EmbeddingScatterOptions extends PlotOptions {
  /** X-axis title. Default `"PC 1"`. */
  xTitle?: string;
  /** Y-axis title. Default `"PC 2"`. */
  yTitle?: string;
  /** Draw each label next to its dot. Default: when there are at most 200 points. */
  showLabels?: boolean;
}

/**
 * A labelled scatter plot of 2-D points.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { embeddingScatterSpec, pca2d } from "./mod.ts";
 * const table = [[0.1, 0.9, 0.0], [0.2, 0.8, 0.1], [0.9, 0.1, 0.5]];
 * const tokens = ["a", "e", " "];
 * const spec = embeddingScatterSpec(
 *   pca2d(table).map((p, i) => ({ ...p, label: tokens[i] })),
 *   { title: "char embeddings (PCA)" },
 * );
 * const values = (spec.data as { values: { label: string }[] }).values;
 * assert.deepEqual(values.map((v) => v.label), ["a", "e", "␣"]);
 * ```
 */
export function embeddingScatterSpec(
  points: readonly EmbeddingPoint[],
  options: EmbeddingScatterOptions = {},
): VegaLiteSpec {
  const values = points.map((p, i) => {
    assertFinite(p.x, `embedding point ${i} x`);
    assertFinite(p.y, `embedding point ${i} y`);
    return {
      x: roundForPlot(p.x),
      y: roundForPlot(p.y),
      label: displayToken(p.label),
      ...(p.group !== undefined ? { group: p.group } : {}),
    };
  });
  const grouped = points.some((p) => p.group !== undefined);
  const showLabels = options.showLabels ?? points.length <= 200;
  const color = grouped
    ? { color: { field: "group", type: "nominal", title: null, scale: { scheme: "tableau10" } } }
    : {};
  const dots = {
    mark: { type: "point", filled: true, size: 40, ...(grouped ? {} : { color: "#1f5fa8" }) },
    encoding: {
      ...color,
      tooltip: [
        { field: "label", type: "nominal", title: "token" },
        ...(grouped ? [{ field: "group", type: "nominal" }] : []),
        { field: "x", type: "quantitative", format: ".3f" },
        { field: "y", type: "quantitative", format: ".3f" },
      ],
    },
  };
  const labels = {
    mark: { type: "text", align: "left", dx: 5, dy: -4, fontSize: 11, color: "#333" },
    encoding: { text: { field: "label", type: "nominal" } },
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Scatter plot of ${points.length} embeddings in two dimensions`,
    ...(options.title ? { title: options.title } : {}),
    ...sizeOf(options, { width: 420, height: 420 }),
    data: { values },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xTitle ?? "PC 1",
        scale: { zero: false },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle ?? "PC 2",
        scale: { zero: false },
      },
    },
    layer: showLabels ? [dots, labels] : [dots],
    config: baseConfig(),
  };
}
