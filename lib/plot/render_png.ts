/**
 * SVG → PNG with resvg compiled to WebAssembly (`@resvg/resvg-wasm`). resvg
 * sees only the fonts given to it — DejaVu Sans regular and bold from
 * `dejavu-fonts-ttf`, no system fonts — so a spec gives the same PNG bytes on
 * every operating system.
 *
 * @module
 */

import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { loadPlotFonts, loadResvgWasm } from "./assets.ts";
import { renderSvg } from "./render_svg.ts";
import { PLOT_FONT, type VegaLiteSpec } from "./spec.ts";

/** Options for {@link renderPng}. */
export interface RenderPngOptions {
  /** Pixels per SVG unit: 2 (the default) gives crisp images on high-DPI screens. */
  scale?: number;
}

let ready: Promise<void> | undefined;

/** Initialises the resvg WebAssembly module once per process. */
function initResvg(): Promise<void> {
  ready ??= (async () => {
    try {
      await initWasm(await loadResvgWasm());
    } catch (err) {
      // Another copy of this module may have initialised the shared package.
      if (!(err instanceof Error && /already initialized/i.test(err.message))) throw err;
    }
  })();
  ready.catch(() => ready = undefined);
  return ready;
}

/**
 * Renders a Vega-Lite spec, or an SVG document, to PNG bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPng } from "./render_png.ts";
 * const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">' +
 *   '<rect width="40" height="20" fill="white"/><text x="2" y="15">hi</text></svg>';
 * const png = await renderPng(svg, { scale: 1 });
 * assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export async function renderPng(
  input: VegaLiteSpec | string,
  options: RenderPngOptions = {},
): Promise<Uint8Array> {
  const scale = options.scale ?? 2;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 16) {
    throw new RangeError(`PNG scale must be a number in (0, 16]; got ${scale}`);
  }
  const svg = typeof input === "string" ? input : await renderSvg(input);
  if (!svg.trimStart().startsWith("<")) {
    throw new TypeError("renderPng needs a Vega-Lite spec object or an SVG document string");
  }
  const [, fonts] = await Promise.all([initResvg(), loadPlotFonts()]);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: {
      fontBuffers: [fonts.regular, fonts.bold],
      loadSystemFonts: false,
      defaultFontFamily: PLOT_FONT,
      sansSerifFamily: PLOT_FONT,
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
