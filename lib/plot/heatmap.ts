/**
 * A plain matrix heatmap with labelled rows and columns, on a diverging
 * colour scale centred on zero: hidden-state activations over a line of text
 * (units × characters), gate values, weight matrices.
 *
 * @module
 */
import { displayToken } from "./display_token.ts";
import {
  baseConfig,
  type PlotOptions,
  roundForPlot,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/** Options of {@link heatmapSpec}. */
export interface HeatmapOptions extends PlotOptions {
  /** One label per row (default: row numbers). */
  rowLabels?: readonly string[];
  /** One label per column (default: column numbers); tokens are shown with visible whitespace. */
  columnLabels?: readonly string[];
  /** Axis titles. */
  rowTitle?: string;
  columnTitle?: string;
  /** Legend title (default `"value"`). */
  valueTitle?: string;
  /** Colour domain is [−limit, limit] (default: the largest |value|). */
  limit?: number;
  /** Cell size in pixels (default 10). */
  cellSize?: number;
}

/**
 * A heatmap of `values[row][column]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmapSpec } from "./heatmap.ts";
 * const spec = heatmapSpec([[0.5, -1], [0, 1]], { columnLabels: ["a", " "], rowTitle: "unit" });
 * assert.equal((spec.data as { values: unknown[] }).values.length, 4);
 * ```
 */
export function heatmapSpec(
  values: readonly (readonly number[])[],
  options: HeatmapOptions = {},
): VegaLiteSpec {
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  if (values.some((r) => r.length !== cols)) {
    throw new RangeError("heatmap rows must all have the same length");
  }
  if (options.rowLabels && options.rowLabels.length !== rows) {
    throw new RangeError(`${rows} rows but ${options.rowLabels.length} row labels`);
  }
  if (options.columnLabels && options.columnLabels.length !== cols) {
    throw new RangeError(`${cols} columns but ${options.columnLabels.length} column labels`);
  }
  const rowLabel = (i: number) => options.rowLabels?.[i] ?? String(i);
  const colLabel = (
    j: number,
  ) => (options.columnLabels ? displayToken(options.columnLabels[j]) : String(j));
  let limit = options.limit ?? 0;
  const data: { r: number; c: number; v: number }[] = [];
  values.forEach((row, r) =>
    row.forEach((v, c) => {
      if (!Number.isFinite(v)) throw new RangeError(`heatmap value [${r}][${c}] is ${v}`);
      if (options.limit === undefined) limit = Math.max(limit, Math.abs(v));
      data.push({ r, c, v: roundForPlot(v, 4) });
    })
  );
  const cell = options.cellSize ?? 10;
  const labelExpr = (labels: string[]) => `${JSON.stringify(labels)}[datum.value]`;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? Math.max(60, cols * cell),
    height: options.height ?? Math.max(60, rows * cell),
    data: { values: data },
    mark: { type: "rect" },
    encoding: {
      x: {
        field: "c",
        type: "ordinal",
        title: options.columnTitle ?? null,
        axis: {
          labelExpr: labelExpr(Array.from({ length: cols }, (_, j) => colLabel(j))),
          labelAngle: 0,
        },
      },
      y: {
        field: "r",
        type: "ordinal",
        title: options.rowTitle ?? null,
        axis: { labelExpr: labelExpr(Array.from({ length: rows }, (_, i) => rowLabel(i))) },
      },
      color: {
        field: "v",
        type: "quantitative",
        title: options.valueTitle ?? "value",
        scale: { scheme: "redblue", domain: [-(limit || 1), limit || 1], reverse: true },
      },
      tooltip: [{ field: "r", title: "row" }, { field: "c", title: "column" }, {
        field: "v",
        title: "value",
      }],
    },
    config: baseConfig(),
  };
}
