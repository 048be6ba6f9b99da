/**
 * Notebook files (`.ipynb`, nbformat 4) as the runner needs them: reading,
 * finding outputs, stamping the run's metadata, and writing them back
 * byte-for-byte the way Jupyter itself does (keys sorted, one-space indent,
 * non-ASCII kept, trailing newline), so a notebook saved by the runner and
 * then by JupyterLab shows no spurious diff.
 *
 * @module
 */
import { ENGINE_PREFIX } from "../notebook/display.ts";

/** One output of a code cell. */
export interface NotebookOutput {
  /** `stream`, `display_data`, `execute_result`, `update_display_data` or `error`. */
  output_type: string;
  /** MIME bundle (display_data, execute_result). */
  data?: Record<string, unknown>;
  /** Stream text (stream), as one string or a list of lines. */
  text?: string | string[];
  /** Error name (error). */
  ename?: string;
  /** Error message (error). */
  evalue?: string;
  /** Traceback lines (error). */
  traceback?: string[];
  [key: string]: unknown;
}

/** One cell. */
export interface NotebookCell {
  /** `code`, `markdown` or `raw`. */
  cell_type: string;
  /** Source, as one string or a list of lines. */
  source: string | string[];
  /** Outputs (code cells). */
  outputs?: NotebookOutput[];
  [key: string]: unknown;
}

/** A notebook (nbformat 4). */
export interface Notebook {
  /** Cells in order. */
  cells: NotebookCell[];
  /** Notebook metadata (`kernelspec`, `language_info`, `lmfs` …). */
  metadata: Record<string, unknown>;
  /** Major format version (4). */
  nbformat: number;
  /** Minor format version. */
  nbformat_minor: number;
}

/** What `--write` records under `metadata.lmfs`. */
export interface RunStamp {
  /** `full` for committed results, `quick` for test runs. */
  readonly mode: "full" | "quick";
  /** When the run finished (ISO 8601, UTC, whole seconds). */
  readonly date: string;
  /** The notebook's engine line (see `showEngine`), else the Deno version. */
  readonly engine: string;
  /** Seconds the run took. */
  readonly seconds: number;
  /** Deno version that ran the kernel. */
  readonly deno: string;
  /** The kernel's peak resident memory in MiB, where it was measured (Linux). */
  readonly peakRssMB?: number;
}

/** Joins a multiline field (nbformat stores them as lists of lines). */
export function joinLines(value: string | readonly string[] | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : value.join("");
}

/**
 * Parses notebook JSON, checking the parts the runner relies on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNotebook } from "./notebook_file.ts";
 * const nb = parseNotebook('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "x.ipynb");
 * assert.equal(nb.cells.length, 0);
 * assert.throws(() => parseNotebook("{}", "x.ipynb"), /not a Jupyter notebook/);
 * ```
 */
export function parseNotebook(text: string, path: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  const nb = value as Partial<Notebook>;
  if (
    !nb || typeof nb !== "object" || !Array.isArray(nb.cells) || nb.nbformat !== 4 ||
    typeof nb.metadata !== "object"
  ) {
    throw new SyntaxError(`${path} is not a Jupyter notebook in nbformat 4 (cells, metadata)`);
  }
  return nb as Notebook;
}

/**
 * All outputs of all code cells, with the index of their cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputsOf } from "./notebook_file.ts";
 * const nb = {
 *   cells: [{ cell_type: "code", source: "1", outputs: [{ output_type: "execute_result" }] }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * assert.deepEqual(outputsOf(nb).map((o) => o.cell), [0]);
 * ```
 */
export function outputsOf(nb: Notebook): { cell: number; output: NotebookOutput }[] {
  const all: { cell: number; output: NotebookOutput }[] = [];
  nb.cells.forEach((cell, index) => {
    for (const output of cell.outputs ?? []) all.push({ cell: index, output });
  });
  return all;
}

/**
 * The first error output in the notebook, if any. The kernel can send an
 * error output while still replying "ok" (a result that fails to format), so
 * the runner checks outputs as well as replies.
 */
export function firstErrorOutput(
  nb: Notebook,
): { cell: number; output: NotebookOutput } | undefined {
  return outputsOf(nb).find((o) => o.output.output_type === "error");
}

/**
 * The engine line a notebook showed with `showEngine` (display data or a
 * printed line starting `engine: `), without the prefix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineOf } from "./notebook_file.ts";
 * const nb = {
 *   cells: [{ cell_type: "code", source: "", outputs: [
 *     { output_type: "display_data", data: { "text/plain": "engine: wasm · tfjs 4.22.0" } },
 *   ] }],
 *   metadata: {}, nbformat: 4, nbformat_minor: 5,
 * };
 * assert.equal(engineOf(nb), "wasm · tfjs 4.22.0");
 * ```
 */
export function engineOf(nb: Notebook): string | undefined {
  for (const { output } of outputsOf(nb)) {
    const text = output.output_type === "stream"
      ? joinLines(output.text)
      : joinLines(output.data?.["text/plain"] as string | string[] | undefined);
    for (const line of text.split("\n")) {
      if (line.startsWith(ENGINE_PREFIX)) return line.slice(ENGINE_PREFIX.length).trim();
    }
  }
  return undefined;
}

/**
 * Serialises JSON the way Jupyter's `nbformat` does (`json.dumps(nb,
 * sort_keys=True, indent=1, ensure_ascii=False)` plus a newline).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringifyNotebook } from "./notebook_file.ts";
 * assert.equal(stringifyNotebook({ b: [1, {}], a: "é" }), '{\n "a": "é",\n "b": [\n  1,\n  {}\n ]\n}\n');
 * ```
 */
export function stringifyNotebook(value: unknown): string {
  return write(value, "") + "\n";
}

function write(value: unknown, indent: string): string {
  if (value === null || typeof value !== "object") {
    const json = JSON.stringify(value);
    return json === undefined ? "null" : json;
  }
  const inner = indent + " ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + write(v, inner)).join(",\n")}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort(byCodePoint);
  if (keys.length === 0) return "{}";
  const body = keys.map((k) => `${inner}${JSON.stringify(k)}: ${write(record[k], inner)}`);
  return `{\n${body.join(",\n")}\n${indent}}`;
}

/** Python sorts strings by code point; JS `sort()` by UTF-16 unit. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Returns a copy of the notebook with `metadata.lmfs` set to the stamp (and
 * the Deno kernelspec where the notebook names no kernel).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stampNotebook } from "./notebook_file.ts";
 * const nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * const stamp = { mode: "full" as const, date: "2025-01-01T00:00:00Z", engine: "cpu", seconds: 1, deno: "2.9.6" };
 * const stamped = stampNotebook(nb, stamp);
 * assert.deepEqual(stamped.metadata.lmfs, stamp);
 * assert.equal((stamped.metadata.kernelspec as { name: string }).name, "deno");
 * assert.deepEqual(nb.metadata, {});
 * ```
 */
export function stampNotebook(nb: Notebook, stamp: RunStamp): Notebook {
  const kernelspec = nb.metadata.kernelspec ?? { ...DENO_KERNELSPEC };
  return { ...nb, metadata: { ...nb.metadata, kernelspec, lmfs: { ...stamp } } };
}

/**
 * The kernelspec `deno jupyter --install` registers; {@link stampNotebook}
 * adds it to notebooks that name none, so JupyterLab and VS Code pick the
 * Deno kernel when they open the notebook.
 */
export const DENO_KERNELSPEC: Readonly<Record<string, string>> = {
  display_name: "Deno",
  language: "typescript",
  name: "deno",
};
