/**
 * Plots: Vega-Lite v5 spec builders for training and model inspection,
 * headless rendering to SVG (vega) and PNG (resvg-wasm, DejaVu Sans), Jupyter
 * display bundles, and atomic file output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bundleFor, lossCurveSpec } from "./mod.ts";
 * const spec = lossCurveSpec([{ step: 10, train_loss: 2.5, val_loss: 2.6 }], { x: "step" });
 * const bundle = await bundleFor(spec);
 * assert.equal(bundle["application/vnd.vegalite.v5+json"], spec);
 * ```
 *
 * @module
 */

export { attentionHeatmapSpec } from "./attention_heatmap.ts";
export type { AttentionHeatmapOptions } from "./attention_heatmap.ts";
export { comparisonBarsSpec } from "./comparison_bars.ts";
export type { ComparisonBarsOptions, ComparisonRow } from "./comparison_bars.ts";
export { curvesSpec } from "./curves.ts";
export type { CurveSeries, CurvesOptions } from "./curves.ts";
export { displayToken } from "./display_token.ts";
export { embeddingScatterSpec } from "./embedding_scatter.ts";
export type { EmbeddingPoint, EmbeddingScatterOptions } from "./embedding_scatter.ts";
export { bundleFor, JUPYTER_DISPLAY, plot, VEGA_LITE_MIME, VegaLitePlot } from "./jupyter.ts";
export type { PlotBundle } from "./jupyter.ts";
export { LOSS_SERIES, lossCurveSpec } from "./loss_curve.ts";
export type { LossCurveOptions, LossHistoryRow } from "./loss_curve.ts";
export { heatmapSpec } from "./heatmap.ts";
export type { HeatmapOptions } from "./heatmap.ts";
export { pca2d } from "./pca.ts";
export type { Point2d } from "./pca.ts";
export { probabilityBarsSpec } from "./probability_bars.ts";
export type { ProbabilityBarsOptions } from "./probability_bars.ts";
export { renderPng } from "./render_png.ts";
export type { RenderPngOptions } from "./render_png.ts";
export { compileToVega, renderSvg } from "./render_svg.ts";
export type { RenderSvgOptions } from "./render_svg.ts";
export { PLOT_FONT, VEGA_LITE_SCHEMA } from "./spec.ts";
export type { PlotOptions, VegaLiteSpec } from "./spec.ts";
export { writePlot } from "./write_plot.ts";
export type { WritePlotOptions, WrittenPlot } from "./write_plot.ts";
