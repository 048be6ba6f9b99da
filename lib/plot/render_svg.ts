/**
 * Vega-Lite → Vega → SVG, headless: `vega-lite` compiles the spec, `vega`
 * runs it in a View with renderer `"none"` and serialises the scenegraph with
 * `toSVG()`. No canvas is involved.
 *
 * Text is measured with DejaVu Sans's own advance widths (see
 * `font_metrics.ts`), installed as Vega's `textMetrics.width` — the hook Vega
 * provides for headless renderers — so layout fits the font the PNG is drawn
 * with. This replaces Vega's process-wide width estimate, once.
 *
 * `vega` and `vega-lite` are loaded on first use, not at import: spec
 * builders stay light, and the one-time load can silence the `punycode`
 * deprecation warning that `vega-loader`'s dependency `node-fetch` triggers.
 *
 * @module
 */

import process from "node:process";
import { loadPlotFonts } from "./assets.ts";
import { type FontMetrics, parseFontMetrics } from "./font_metrics.ts";
import type { VegaLiteSpec } from "./spec.ts";

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

/** Options for {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Called with each warning Vega-Lite reports while compiling (default: ignored). */
  onWarning?: (message: string) => void;
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
}

interface Renderer {
  vega: VegaModule;
  vegaLite: VegaLiteModule;
}

let renderer: Promise<Renderer> | undefined;

async function importQuietly(): Promise<[VegaModule, VegaLiteModule]> {
  const proc = process as unknown as { noDeprecation?: boolean };
  const before = proc.noDeprecation;
  proc.noDeprecation = true;
  try {
    return await Promise.all([import("vega"), import("vega-lite")]);
  } finally {
    proc.noDeprecation = before;
  }
}

function isBold(weight: number | string | undefined): boolean {
  if (weight === undefined) return false;
  if (weight === "bold" || weight === "bolder") return true;
  const n = Number(weight);
  return Number.isFinite(n) && n >= 600;
}

function widthFunction(
  regular: FontMetrics,
  bold: FontMetrics,
): (item: TextItem, text: unknown) => number {
  return (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const line = text == null ? "" : String(text).trim();
    if (size <= 0 || line === "") return 0;
    return (isBold(item.fontWeight) ? bold : regular).widthEm(line) * size;
  };
}

async function load(): Promise<Renderer> {
  const [[vega, vegaLite], fonts] = await Promise.all([importQuietly(), loadPlotFonts()]);
  const textMetrics = (vega as unknown as { textMetrics: { width: unknown } }).textMetrics;
  textMetrics.width = widthFunction(parseFontMetrics(fonts.regular), parseFontMetrics(fonts.bold));
  return { vega, vegaLite };
}

/** Loads vega, vega-lite and the font metrics once per process. */
function getRenderer(): Promise<Renderer> {
  renderer ??= load();
  renderer.catch(() => renderer = undefined);
  return renderer;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec (plain JSON).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileToVega } from "./render_svg.ts";
 * import { comparisonBarsSpec } from "./comparison_bars.ts";
 * const vg = await compileToVega(comparisonBarsSpec([{ name: "gpt", value: 1.5 }], { metric: "bpc" }));
 * assert.equal(vg.$schema, "https://vega.github.io/schema/vega/v5.json");
 * ```
 */
export async function compileToVega(
  spec: VegaLiteSpec,
  options: RenderSvgOptions = {},
): Promise<Record<string, unknown>> {
  const { vegaLite } = await getRenderer();
  const onWarning = options.onWarning ?? (() => {});
  const say = (...args: unknown[]) => onWarning(args.map(String).join(" "));
  const logger = {
    level(): number {
      return 2;
    },
    error(...args: unknown[]): never {
      throw new Error(`Vega-Lite: ${args.map(String).join(" ")}`);
    },
    warn: say,
    info: () => {},
    debug: () => {},
  };
  const compiled = vegaLite.compile(spec as unknown as Parameters<VegaLiteModule["compile"]>[0], {
    logger: logger as never,
  });
  return compiled.spec as unknown as Record<string, unknown>;
}

/**
 * Renders a Vega-Lite spec to an SVG document (a string starting `<svg`).
 * Text uses the spec's font (DejaVu Sans for every spec built here).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderSvg } from "./render_svg.ts";
 * import { comparisonBarsSpec } from "./comparison_bars.ts";
 * const svg = await renderSvg(
 *   comparisonBarsSpec([{ name: "rnn", value: 2.1 }, { name: "gpt", value: 1.6 }], {
 *     metric: "val bits per char",
 *   }),
 * );
 * assert.ok(svg.startsWith("<svg") && svg.includes("val bits per char"));
 * ```
 */
export async function renderSvg(
  spec: VegaLiteSpec,
  options: RenderSvgOptions = {},
): Promise<string> {
  const vegaSpec = await compileToVega(spec, options);
  const { vega } = await getRenderer();
  const view = new vega.View(vega.parse(vegaSpec as never), { renderer: "none" });
  try {
    return stableDefIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers gradient and clip-path ids with process-wide counters, so the
 * same spec would give different SVG text on a second render. Renumbers them
 * per document, in order of first use, so identical specs give identical files.
 */
function stableDefIds(svg: string): string {
  const renamed = new Map<string, string>();
  const counts: Record<string, number> = { gradient_: 0, clip: 1 };
  return svg.replace(
    /(id="|url\(#)(p_)?(gradient_|clip)(\d+)(?=[")])/g,
    (_match, before: string, pattern: string | undefined, kind: string, n: string) => {
      const key = kind + n;
      let id = renamed.get(key);
      if (id === undefined) {
        id = kind + counts[kind]++;
        renamed.set(key, id);
      }
      return before + (pattern ?? "") + id;
    },
  );
}
