/**
 * Showing things in a notebook without touching `Deno.jupyter` here: every
 * helper takes the display function as a parameter, and notebooks pass
 * `Deno.jupyter.display`. That keeps `lib` importable (and testable) outside
 * the kernel.
 *
 * ```ts ignore
 * import { showEngine } from "../lib/notebook/mod.ts";
 * import { formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
 * await showEngine(Deno.jupyter.display, formatEngineInfo(await initEngine()));
 * ```
 *
 * @module
 */

/** Options of `Deno.jupyter.display` (the same shape, so that function fits). */
export interface DisplayOptions {
  /** Send the object as a ready MIME bundle instead of formatting it. */
  raw?: boolean;
  /** Replace the output shown earlier under `display_id` instead of adding one. */
  update?: boolean;
  /** Names an output so later calls can update it in place. */
  display_id?: string;
}

/** A MIME bundle: MIME type → data (strings, or JSON objects for `+json` types). */
export type MimeBundle = { [mime: string]: string | object | undefined };

/**
 * The display function a notebook passes in: `Deno.jupyter.display` has this
 * type. Tests pass a fake that records its calls.
 */
export type DisplayFunction = (obj: unknown, options?: DisplayOptions) => Promise<void>;

/**
 * The prefix of the line {@link showEngine} shows; the notebook runner looks
 * for it to record the engine in the notebook's metadata.
 */
export const ENGINE_PREFIX = "engine: ";

/**
 * Shows plain text as its own output (monospace, kept as is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showText } from "./display.ts";
 * const calls: unknown[] = [];
 * await showText(async (obj, options) => void calls.push([obj, options]), "loss 1.50");
 * assert.deepEqual(calls, [[{ "text/plain": "loss 1.50" }, { raw: true }]]);
 * ```
 */
export function showText(display: DisplayFunction, text: string): Promise<void> {
  return display({ "text/plain": text }, { raw: true });
}

/**
 * Shows Markdown (rendered by the notebook frontend), with the source as the
 * plain-text fallback.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showMarkdown } from "./display.ts";
 * const calls: unknown[] = [];
 * await showMarkdown(async (obj) => void calls.push(obj), "**val loss** 1.62");
 * assert.deepEqual(calls, [{ "text/markdown": "**val loss** 1.62", "text/plain": "**val loss** 1.62" }]);
 * ```
 */
export function showMarkdown(display: DisplayFunction, markdown: string): Promise<void> {
  return display({ "text/markdown": markdown, "text/plain": markdown }, { raw: true });
}

/**
 * Shows the engine line (`engine: wasm (SIMD, 1 thread) + OpenBLAS … · tfjs 4.22.0`):
 * every notebook calls it once after `initEngine()`, and `deno task notebooks
 * --write` copies the text into the notebook's `lmfs.engine` metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { showEngine } from "./display.ts";
 * const calls: unknown[] = [];
 * await showEngine(async (obj) => void calls.push(obj), "cpu · tfjs 4.22.0");
 * assert.deepEqual(calls, [{ "text/plain": "engine: cpu · tfjs 4.22.0" }]);
 * ```
 */
export function showEngine(display: DisplayFunction, engine: string): Promise<void> {
  return showText(display, ENGINE_PREFIX + engine.trim());
}
