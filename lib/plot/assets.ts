/**
 * Files the renderers need from npm packages: the DejaVu Sans TrueType fonts
 * (`dejavu-fonts-ttf`) and the resvg WebAssembly binary
 * (`@resvg/resvg-wasm`). They are read from the project's `node_modules`
 * (deno.json sets `nodeModulesDir`), once per process.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The raw bytes of the two font faces plots use. */
export interface PlotFonts {
  /** DejaVu Sans, regular. */
  regular: Uint8Array;
  /** DejaVu Sans, bold (titles). */
  bold: Uint8Array;
}

function packagePath(resolved: string, what: string): string {
  if (!resolved.startsWith("file:")) {
    throw new Error(
      `cannot read ${what} from ${resolved}: plots need the npm packages on disk; ` +
        `keep "nodeModulesDir": "auto" in deno.json and run \`deno install\``,
    );
  }
  return fileURLToPath(resolved);
}

async function readPackageFile(resolved: string, what: string): Promise<Uint8Array> {
  const path = packagePath(resolved, what);
  try {
    return await Deno.readFile(path);
  } catch (err) {
    const message = `cannot read ${what} at ${path}: run \`deno install\` to restore node_modules`;
    throw new Error(message, { cause: err });
  }
}

let fonts: Promise<PlotFonts> | undefined;
let wasm: Promise<Uint8Array> | undefined;

/**
 * Reads DejaVu Sans (regular and bold) from `dejavu-fonts-ttf`, once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPlotFonts } from "./assets.ts";
 * const { regular } = await loadPlotFonts();
 * assert.deepEqual([...regular.subarray(0, 4)], [0, 1, 0, 0]); // a TrueType file
 * ```
 */
export function loadPlotFonts(): Promise<PlotFonts> {
  fonts ??= Promise.all([
    readPackageFile(import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"), "DejaVuSans.ttf"),
    readPackageFile(
      import.meta.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
      "DejaVuSans-Bold.ttf",
    ),
  ]).then(([regular, bold]) => ({ regular, bold }));
  fonts.catch(() => fonts = undefined);
  return fonts;
}

/**
 * Reads the resvg WebAssembly binary from `@resvg/resvg-wasm`, once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadResvgWasm } from "./assets.ts";
 * const bytes = await loadResvgWasm();
 * assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]); // "\0asm"
 * ```
 */
export function loadResvgWasm(): Promise<Uint8Array> {
  wasm ??= readPackageFile(
    import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm"),
    "the resvg WebAssembly binary",
  );
  wasm.catch(() => wasm = undefined);
  return wasm;
}
