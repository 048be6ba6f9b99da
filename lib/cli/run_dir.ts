/**
 * Where a training run goes and what the paths a user types mean: paths are
 * resolved from the directory the command was typed in (`deno task` runs
 * scripts from the project root and passes the caller's directory as
 * `INIT_CWD`), the default run directory names the data when it is not the
 * preset's own, and a new run never silently replaces an old one.
 *
 * @module
 */
import { basename, extname, isAbsolute, join, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { defaultDataDir } from "../data/paths.ts";
import { findDataset } from "../data/registry.ts";

/** The directory the user typed the command in: `INIT_CWD` under `deno task`, else the cwd. */
export function callerDir(): string {
  let init: string | undefined;
  try {
    init = Deno.env.get("INIT_CWD");
  } catch {
    init = undefined;
  }
  return init && isAbsolute(init) ? init : Deno.cwd();
}

/**
 * A path the user typed, resolved from {@link callerDir}. Unchanged when it is
 * absolute or when the caller's directory is the working directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { callerPath } from "./run_dir.ts";
 * assert.equal(callerPath("/tmp/run"), "/tmp/run");
 * ```
 */
export function callerPath(path: string): string {
  if (isAbsolute(path)) return path;
  const dir = callerDir();
  return resolve(dir) === resolve(Deno.cwd()) ? path : resolve(dir, path);
}

/** `--data`: a dataset name as it is, a file path resolved from the caller's directory. */
export function dataArgument(data: string): string {
  return findDataset(data) ? data : callerPath(data);
}

/**
 * The default run directory: `data/checkpoints/<model>/<preset>`, with
 * `-<data>` added when the data is not the preset's own, so that training on
 * your own text does not replace the preset's model.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultRunDir } from "./run_dir.ts";
 * const dir = defaultRunDir("gpt", "default", "../my book.txt", "tinyshakespeare");
 * assert.ok(dir.endsWith("checkpoints/gpt/default-my_book"));
 * assert.ok(defaultRunDir("gpt", "default", "shakespeare", "tinyshakespeare")
 *   .endsWith("checkpoints/gpt/default"));
 * ```
 */
export function defaultRunDir(
  model: string,
  preset: string,
  data: string,
  presetData: string,
): string {
  const dataset = findDataset(data);
  const own = dataset !== undefined && dataset.name === findDataset(presetData)?.name;
  const name = own ? preset : `${preset}-${dataset?.name ?? slug(data)}`;
  return join(defaultDataDir(), "checkpoints", model, name);
}

function slug(path: string): string {
  const base = basename(path, extname(path)).replace(/[^A-Za-z0-9_.-]+/g, "_");
  return base.replace(/^[._]+|_+$/g, "") || "data";
}

/** A run found in a run directory: the step its newest checkpoint reached. */
export interface ExistingRun {
  /** The checkpoint directory read (`last/`, else `best/`). */
  readonly dir: string;
  /** Steps it had done. */
  readonly step: number;
}

/** The run already in `out`, if any (a `last/` or `best/` checkpoint with its trainer state). */
export async function existingRun(out: string): Promise<ExistingRun | undefined> {
  for (const kind of ["last", "best"]) {
    const dir = join(out, kind);
    try {
      const state = JSON.parse(await Deno.readTextFile(join(dir, "trainer_state.json")));
      return { dir, step: typeof state.step === "number" ? state.step : 0 };
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      return { dir, step: 0 }; // a damaged checkpoint is still someone's run
    }
  }
  return undefined;
}

/**
 * Refuses a new run into a directory that holds one, unless `overwrite`
 * (one line naming `--overwrite` and `--resume`).
 */
export async function checkRunDir(out: string, overwrite: boolean): Promise<void> {
  const run = await existingRun(out);
  if (!run || overwrite) return;
  throw new InputError(
    `${out} already holds a run (${run.step} steps in ${basename(run.dir)}/); ` +
      `pass --overwrite to replace it, --resume to continue it, or choose another --out`,
  );
}

/** Removes an old run's checkpoints, log and plots (`--overwrite`), so no stale `best/` outlives it. */
export async function clearRunDir(out: string): Promise<void> {
  for (const name of ["best", "last", "log.jsonl", "loss.svg", "loss.png"]) {
    await Deno.remove(join(out, name), { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}
