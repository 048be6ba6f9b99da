/**
 * Plots in Jupyter (Deno kernel). A plot is displayed as one MIME bundle:
 *
 * - `application/vnd.vegalite.v5+json`: the spec, drawn interactively by
 *   JupyterLab and VS Code (tooltips, crisp text);
 * - `image/png`: a pre-rendered image (base64) for viewers without Vega,
 *   such as GitHub's notebook preview;
 * - `text/plain`: a one-line description for terminals.
 *
 * No `text/html`: JupyterLab ranks it above Vega and would show it instead.
 *
 * How Deno displays values: when a cell's last expression is an object with a
 * `Symbol.for("Jupyter.display")` method, the kernel calls it and awaits the
 * result (`return await obj[$display]()` in `format()`, Deno's
 * `cli/js/40_jupyter.js`; the same code ships in Deno 2.9), so the method may
 * return a Promise. `Deno.jupyter.display(obj)` goes through the same
 * `format()`, and `Deno.jupyter.display(bundle, { raw: true })` sends a bundle
 * as is — that is how live plots update one output in place. This module
 * never touches `Deno.jupyter` itself, so it also runs under `deno test`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { renderPng } from "./render_png.ts";
import type { VegaLiteSpec } from "./spec.ts";

/** The display hook Deno's Jupyter kernel looks for (`Deno.jupyter.$display`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** MIME type of a Vega-Lite v5 spec in a Jupyter bundle. */
export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";

/** The MIME bundle a plot displays as. */
export type PlotBundle = {
  "application/vnd.vegalite.v5+json": VegaLiteSpec;
  /** Base64-encoded PNG, rendered at scale 1 (one pixel per SVG unit). */
  "image/png": string;
  "text/plain": string;
};

function titleOf(spec: VegaLiteSpec): string | undefined {
  const title = spec.title;
  if (typeof title === "string") return title;
  if (Array.isArray(title)) return title.join(" ");
  if (title && typeof title === "object" && "text" in title) {
    const text = (title as { text: unknown }).text;
    return Array.isArray(text) ? text.join(" ") : String(text);
  }
  return undefined;
}

/** Width and height of a PNG from its IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

/**
 * Builds the Jupyter MIME bundle for a spec, rendering its PNG. Notebooks
 * pass it to `Deno.jupyter.display(bundle, { raw: true, display_id })`, and
 * again with `update: true` to redraw a live plot in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bundleFor } from "./jupyter.ts";
 * import { comparisonBarsSpec } from "./comparison_bars.ts";
 * const bundle = await bundleFor(comparisonBarsSpec([{ name: "gpt", value: 1.5 }], { metric: "bpc" }));
 * assert.deepEqual(Object.keys(bundle).sort(), [
 *   "application/vnd.vegalite.v5+json",
 *   "image/png",
 *   "text/plain",
 * ]);
 * ```
 */
export async function bundleFor(spec: VegaLiteSpec): Promise<PlotBundle> {
  const png = await renderPng(spec, { scale: 1 });
  const [width, height] = pngSize(png);
  const name = titleOf(spec) ?? (typeof spec.description === "string" ? spec.description : "plot");
  return {
    [VEGA_LITE_MIME]: spec,
    "image/png": Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64"),
    "text/plain": `<Vega-Lite plot: ${name} (${width}×${height})>`,
  };
}

/**
 * A plot that displays itself in Jupyter: make it the last expression of a
 * cell. The spec is copied when the plot is made; the bundle (with its PNG) is
 * rendered once, on first display or by {@link plot}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JUPYTER_DISPLAY, VegaLitePlot } from "./jupyter.ts";
 * import { comparisonBarsSpec } from "./comparison_bars.ts";
 * const p = new VegaLitePlot(comparisonBarsSpec([{ name: "gpt", value: 1.5 }], { metric: "bpc" }));
 * const bundle = await p[JUPYTER_DISPLAY]();
 * assert.ok(bundle["text/plain"].startsWith("<Vega-Lite plot"));
 * ```
 */
export class VegaLitePlot {
  /** The Vega-Lite spec (a private copy). */
  readonly spec: VegaLiteSpec;
  #bundle: Promise<PlotBundle> | undefined;

  /** Wraps a spec; nothing is rendered yet. */
  constructor(spec: VegaLiteSpec) {
    this.spec = structuredClone(spec);
  }

  /** The MIME bundle, rendered on first call and cached. */
  bundle(): Promise<PlotBundle> {
    this.#bundle ??= bundleFor(this.spec);
    this.#bundle.catch(() => this.#bundle = undefined);
    return this.#bundle;
  }

  /** Deno's Jupyter display hook; the kernel awaits the returned bundle. */
  [JUPYTER_DISPLAY](): Promise<PlotBundle> {
    return this.bundle();
  }
}

/**
 * Makes a displayable plot and renders it now, so rendering errors surface in
 * the cell that made it: `await plot(lossCurveSpec(history))` as a cell's
 * last line shows the plot.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plot } from "./jupyter.ts";
 * import { curvesSpec } from "./curves.ts";
 * const p = await plot(curvesSpec([{ name: "rnn", points: [{ x: 1, y: 2 }] }], {
 *   xTitle: "s",
 *   yTitle: "bpc",
 * }));
 * assert.ok((await p.bundle())["image/png"].length > 0);
 * ```
 */
export async function plot(spec: VegaLiteSpec): Promise<VegaLitePlot> {
  const p = new VegaLitePlot(spec);
  await p.bundle();
  return p;
}
