/**
 * Models side by side on one number: bits per character, parameters,
 * tokens per second. One horizontal bar per model, in the order given.
 *
 * @module
 */

import {
  assertFinite,
  baseConfig,
  type PlotOptions,
  roundForPlot,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/** One bar: a model (or run) and its value. */
export interface ComparisonRow {
  /** Label on the axis, e.g. `"char-rnn"`. Must be unique. */
  name: string;
  /** The metric's value. */
  value: number;
}

/** Options for {@link comparisonBarsSpec}. */
export interface ComparisonBarsOptions extends Omit<PlotOptions, "height"> {
  /** What the values are, shown as the axis title, e.g. `"val bits per char"`. */
  metric: string;
  /** d3-format string for the value labels. Default `".3~f"`. */
  format?: string;
  /** Sort the bars, best first. Default: keep the order given. */
  sort?: "ascending" | "descending";
}

/**
 * A horizontal bar chart comparing one metric across named rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { comparisonBarsSpec } from "./comparison_bars.ts";
 * const spec = comparisonBarsSpec(
 *   [{ name: "char-rnn", value: 2.1 }, { name: "gpt", value: 1.6 }],
 *   { metric: "val bits per char" },
 * );
 * const y = (spec.encoding as { y: { sort: string[] } }).y;
 * assert.deepEqual(y.sort, ["char-rnn", "gpt"]);
 * ```
 */
export function comparisonBarsSpec(
  rows: readonly ComparisonRow[],
  options: ComparisonBarsOptions,
): VegaLiteSpec {
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    assertFinite(row.value, `value of "${row.name}" (row ${i})`);
    if (seen.has(row.name)) {
      throw new RangeError(`comparison rows need unique names; "${row.name}" appears twice`);
    }
    seen.add(row.name);
  }
  const sorted = [...rows];
  if (options.sort === "ascending") sorted.sort((a, b) => a.value - b.value);
  if (options.sort === "descending") sorted.sort((a, b) => b.value - a.value);
  const values = sorted.map((r) => ({ name: r.name, value: roundForPlot(r.value) }));
  const format = options.format ?? ".3~f";
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `${options.metric} for ${values.map((v) => v.name).join(", ")}`,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 360,
    height: { step: 26 },
    data: { values },
    encoding: {
      y: {
        field: "name",
        type: "nominal",
        title: null,
        sort: values.map((v) => v.name),
        scale: { paddingInner: 0.25 },
        axis: { ticks: false, labelFontSize: 12 },
      },
      x: { field: "value", type: "quantitative", title: options.metric },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          color: {
            field: "name",
            type: "nominal",
            legend: null,
            scale: { domain: values.map((v) => v.name), scheme: "tableau10" },
          },
          tooltip: [
            { field: "name", type: "nominal" },
            { field: "value", type: "quantitative", title: options.metric, format },
          ],
        },
      },
      {
        mark: { type: "text", align: "left", dx: 3, fontSize: 11, color: "#333" },
        encoding: { text: { field: "value", type: "quantitative", format } },
      },
    ],
    config: baseConfig(),
  };
}
