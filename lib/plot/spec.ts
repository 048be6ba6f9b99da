/**
 * What every plot in this project shares: the Vega-Lite v5 schema URL, the
 * font (DejaVu Sans, the one font the PNG renderer loads, so SVG layout and
 * PNG pixels agree), a common look, and small helpers for data values.
 *
 * Specs are plain JSON objects: print them, tweak them (`spec.width = 600`),
 * paste them into the Vega editor. They use only Vega-Lite features that
 * exist in 5.6, the version JupyterLab's built-in renderer understands.
 *
 * @module
 */

/** The `$schema` every spec here carries. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** The font family specs ask for; `renderPng` embeds exactly this font. */
export const PLOT_FONT = "DejaVu Sans";

/**
 * A Vega-Lite v5 specification as plain JSON. Only `$schema` is required by
 * this type; the rest is whatever Vega-Lite accepts.
 */
export type VegaLiteSpec = { $schema: string; [key: string]: unknown };

/** Sizing and titles that every spec builder accepts. */
export interface PlotOptions {
  /** Title shown above the plot. */
  title?: string;
  /** Width of the plotting area in pixels. */
  width?: number;
  /** Height of the plotting area in pixels. */
  height?: number;
}

/**
 * The shared `config` block: DejaVu Sans everywhere, a white background,
 * slightly larger titles. Builders put it on every spec they return.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { baseConfig, PLOT_FONT } from "./spec.ts";
 * assert.equal(baseConfig().font, PLOT_FONT);
 * ```
 */
export function baseConfig(): Record<string, unknown> {
  return {
    font: PLOT_FONT,
    background: "white",
    title: { fontSize: 14, anchor: "start", offset: 8 },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelSeparation: 6 },
    legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal" },
    view: { stroke: "#ddd" },
  };
}

/**
 * Rounds to a few significant digits so specs (which notebooks store) stay
 * small; plots cannot show more precision than this anyway.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundForPlot } from "./spec.ts";
 * assert.equal(roundForPlot(2.718281828), 2.71828);
 * assert.equal(roundForPlot(1234567.89), 1234570);
 * ```
 */
export function roundForPlot(value: number, digits = 6): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(digits));
}

/**
 * Builds a Vega expression that maps an integer index (`datum.value` on an
 * axis) to a label from a fixed list, e.g. tokens on an attention heatmap.
 * Indexes keep order and make duplicate labels harmless.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexLabelExpr } from "./spec.ts";
 * assert.equal(indexLabelExpr(["a", "\""]), '["a","\\""][datum.value]');
 * ```
 */
export function indexLabelExpr(labels: readonly string[]): string {
  return `${JSON.stringify(labels)}[datum.value]`;
}

/**
 * Throws a RangeError naming `what` unless `value` is a finite number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertFinite } from "./spec.ts";
 * assert.throws(() => assertFinite(NaN, "loss at step 3"), /loss at step 3 must be a finite number/);
 * ```
 */
export function assertFinite(value: unknown, what: string): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${what} must be a finite number; got ${String(value)}`);
  }
}

/**
 * Width and height for a spec: the caller's, else the defaults; rejects sizes
 * that are not positive.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sizeOf } from "./spec.ts";
 * assert.deepEqual(sizeOf({ width: 600 }, { width: 480, height: 280 }), { width: 600, height: 280 });
 * ```
 */
export function sizeOf(
  options: PlotOptions,
  defaults: { width: number; height: number },
): { width: number; height: number } {
  const width = options.width ?? defaults.width;
  const height = options.height ?? defaults.height;
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new RangeError(`plot ${name} must be a positive number of pixels; got ${v}`);
    }
  }
  return { width, height };
}
