/**
 * Saving a plot next to a run: `loss.svg` and `loss.png` in the run
 * directory. Each file is written to a temporary name and renamed into place,
 * so a reader (or a crash) never sees half a file.
 *
 * @module
 */

import { dirname } from "node:path";
import { renderPng } from "./render_png.ts";
import { renderSvg } from "./render_svg.ts";
import type { VegaLiteSpec } from "./spec.ts";

/** Options for {@link writePlot}. */
export interface WritePlotOptions {
  /** PNG pixels per SVG unit. Default 2. */
  scale?: number;
}

/** The files {@link writePlot} wrote. */
export interface WrittenPlot {
  /** Path of the SVG file. */
  svg: string;
  /** Path of the PNG file. */
  png: string;
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(temp, data);
    else await Deno.writeFile(temp, data);
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw new Error(`cannot write plot ${path}: ${err instanceof Error ? err.message : err}`, {
      cause: err,
    });
  }
}

/**
 * Renders a spec and writes `<basePath>.svg` and `<basePath>.png` atomically,
 * creating the directory if needed. A trailing `.svg` or `.png` on `basePath`
 * is dropped, so `"run/loss"` and `"run/loss.png"` both write `run/loss.*`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writePlot } from "./write_plot.ts";
 * import { lossCurveSpec } from "./loss_curve.ts";
 * const dir = await Deno.makeTempDir();
 * const files = await writePlot(lossCurveSpec([{ step: 1, loss: 4 }, { step: 2, loss: 3 }]), `${dir}/loss`);
 * assert.equal(files.png, `${dir}/loss.png`);
 * assert.ok((await Deno.readTextFile(files.svg)).startsWith("<svg"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writePlot(
  spec: VegaLiteSpec,
  basePath: string,
  options: WritePlotOptions = {},
): Promise<WrittenPlot> {
  const base = basePath.replace(/\.(svg|png)$/i, "");
  if (base === "" || base.endsWith("/") || base.endsWith("\\")) {
    throw new RangeError(
      `writePlot needs a file path without extension, like "run/loss"; got "${basePath}"`,
    );
  }
  const svg = await renderSvg(spec);
  const png = await renderPng(svg, { scale: options.scale ?? 2 });
  await Deno.mkdir(dirname(base), { recursive: true });
  const files = { svg: `${base}.svg`, png: `${base}.png` };
  await writeAtomically(files.svg, svg);
  await writeAtomically(files.png, png);
  return files;
}
