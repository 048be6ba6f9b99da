/**
 * Several named curves on one pair of axes: validation bits per character
 * against seconds for an RNN and a GRU, loss against model size, and so on.
 *
 * @module
 */

import {
  assertFinite,
  baseConfig,
  type PlotOptions,
  roundForPlot,
  sizeOf,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/** One named series of (x, y) points. */
export interface CurveSeries {
  /** Legend label; also the series' identity, so names must be unique. */
  name: string;
  /** The points, drawn in the order given. */
  points: readonly { x: number; y: number }[];
}

/** Options for {@link curvesSpec}. */
export interface CurvesOptions extends PlotOptions {
  /** X-axis title, e.g. `"training time (s)"`. */
  xTitle: string;
  /** Y-axis title, e.g. `"val bits per char"`. */
  yTitle: string;
  /** Log-scale x axis (e.g. parameters or tokens). Default false. */
  logX?: boolean;
  /** Log-scale y axis. Default false. */
  logY?: boolean;
  /** Draw a dot at every point. Default: only when every series has ≤ 50 points. */
  points?: boolean;
}

/**
 * A multi-series line chart. Series keep the order given (legend and
 * colours); the y axis does not start at zero, so close curves stay apart.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { curvesSpec } from "./curves.ts";
 * const spec = curvesSpec([
 *   { name: "RNN", points: [{ x: 10, y: 2.9 }, { x: 20, y: 2.5 }] },
 *   { name: "GRU", points: [{ x: 10, y: 2.7 }, { x: 20, y: 2.2 }] },
 * ], { xTitle: "training time (s)", yTitle: "val bits per char" });
 * const values = (spec.data as { values: unknown[] }).values;
 * assert.equal(values.length, 4);
 * ```
 */
export function curvesSpec(
  series: readonly CurveSeries[],
  options: CurvesOptions,
): VegaLiteSpec {
  const names = new Set<string>();
  const values: { series: string; x: number; y: number; order: number }[] = [];
  for (const s of series) {
    if (names.has(s.name)) {
      throw new RangeError(`curve names must be unique; "${s.name}" appears twice`);
    }
    names.add(s.name);
    s.points.forEach((p, i) => {
      assertFinite(p.x, `curve "${s.name}" point ${i} x`);
      assertFinite(p.y, `curve "${s.name}" point ${i} y`);
      if (options.logX && p.x <= 0) {
        throw new RangeError(
          `curve "${s.name}" point ${i} has x = ${p.x}; a log x axis needs x > 0`,
        );
      }
      if (options.logY && p.y <= 0) {
        throw new RangeError(
          `curve "${s.name}" point ${i} has y = ${p.y}; a log y axis needs y > 0`,
        );
      }
      values.push({ series: s.name, x: roundForPlot(p.x), y: roundForPlot(p.y), order: i });
    });
  }
  const showPoints = options.points ?? series.every((s) => s.points.length <= 50);
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `${options.yTitle} against ${options.xTitle} for ${[...names].join(", ")}`,
    ...(options.title ? { title: options.title } : {}),
    ...sizeOf(options, { width: 480, height: 280 }),
    data: { values },
    mark: { type: "line", strokeWidth: 2, clip: true, ...(showPoints ? { point: true } : {}) },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xTitle,
        scale: options.logX ? { type: "log" } : { zero: false },
      },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle,
        scale: options.logY ? { type: "log" } : { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: { domain: [...names], scheme: "tableau10" },
      },
      order: { field: "order", type: "quantitative" },
      tooltip: [
        { field: "series", type: "nominal" },
        { field: "x", type: "quantitative", title: options.xTitle },
        { field: "y", type: "quantitative", title: options.yTitle, format: ".4f" },
      ],
    },
    config: baseConfig(),
  };
}
