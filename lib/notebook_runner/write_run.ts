/**
 * `--write`: saving an executed notebook in place, stamped with how it was
 * made (`metadata.lmfs`: mode, date, engine, seconds, peak memory), and checking its size
 * (committed notebooks stay under ~1 MB).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  engineOf,
  type Notebook,
  type RunStamp,
  stampNotebook,
  stringifyNotebook,
} from "./notebook_file.ts";
import type { NotebookMode } from "./run_notebook.ts";

/** Above this size a written notebook gets a warning (bytes). */
export const NOTEBOOK_WARN_BYTES = 1_000_000;
/** Above this size writing a notebook counts as a failure (bytes). */
export const NOTEBOOK_MAX_BYTES = 2_000_000;

/** What {@link writeExecuted} did. */
export interface WrittenNotebook {
  /** The path written. */
  readonly path: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** The metadata stamped into it. */
  readonly stamp: RunStamp;
  /** `ok`, `warn` (over {@link NOTEBOOK_WARN_BYTES}) or `fail` (over {@link NOTEBOOK_MAX_BYTES}). */
  readonly size: "ok" | "warn" | "fail";
}

/**
 * The stamp for a run: the engine line the notebook showed (`showEngine`),
 * else the Deno version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStamp } from "./write_run.ts";
 * const nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * const stamp = runStamp(nb, "full", 12.34, new Date("2025-01-02T03:04:05.678Z"));
 * assert.equal(stamp.date, "2025-01-02T03:04:05Z");
 * assert.equal(stamp.engine, `deno ${Deno.version.deno}`);
 * assert.equal(stamp.seconds, 12.3);
 * ```
 */
export function runStamp(
  nb: Notebook,
  mode: NotebookMode,
  seconds: number,
  date: Date = new Date(),
  peakRssMB?: number,
): RunStamp {
  return {
    mode,
    date: date.toISOString().replace(/\.\d+Z$/, "Z"),
    engine: engineOf(nb) ?? `deno ${Deno.version.deno}`,
    seconds: Math.round(seconds * 10) / 10,
    deno: Deno.version.deno,
    ...(peakRssMB !== undefined ? { peakRssMB: Math.round(peakRssMB) } : {}),
  };
}

/**
 * Stamps and writes an executed notebook to `path` atomically (a temporary
 * file beside it, then a rename), formatted as Jupyter writes notebooks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeExecuted } from "./write_run.ts";
 * const dir = await Deno.makeTempDir();
 * const nb = { cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 };
 * const written = await writeExecuted(`${dir}/a.ipynb`, nb, { mode: "quick", seconds: 1 });
 * assert.equal(written.size, "ok");
 * const saved = JSON.parse(await Deno.readTextFile(`${dir}/a.ipynb`));
 * assert.equal(saved.metadata.lmfs.mode, "quick");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeExecuted(
  path: string,
  nb: Notebook,
  run: { mode: NotebookMode; seconds: number; date?: Date; peakRssMB?: number },
): Promise<WrittenNotebook> {
  const stamp = runStamp(nb, run.mode, run.seconds, run.date, run.peakRssMB);
  const bytes = new TextEncoder().encode(stringifyNotebook(stampNotebook(nb, stamp)));
  const tmp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  const size = bytes.length > NOTEBOOK_MAX_BYTES
    ? "fail"
    : bytes.length > NOTEBOOK_WARN_BYTES
    ? "warn"
    : "ok";
  return { path, bytes: bytes.length, stamp, size };
}
