/**
 * Quick mode: `LMFS_QUICK=1` shrinks every run in a notebook to seconds, so
 * the test suite can execute all five notebooks top to bottom (each within
 * 60 s). Notebooks choose their sizes with {@link pick}:
 *
 * ```ts ignore
 * import { pick } from "../lib/notebook/mod.ts";
 * const maxIters = pick(30, 3000); // 30 steps in quick mode, 3000 for real results
 * ```
 *
 * @module
 */

/** The environment variable that turns quick mode on (value `1`). */
export const QUICK_ENV = "LMFS_QUICK";

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: not quick
  }
}

/**
 * Whether this run is in quick mode (`LMFS_QUICK=1`). Pass `env` to decide
 * from a given environment instead of the process's own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isQuick } from "./quick.ts";
 * assert.equal(isQuick({ LMFS_QUICK: "1" }), true);
 * assert.equal(isQuick({ LMFS_QUICK: "0" }), false);
 * assert.equal(isQuick({}), false);
 * ```
 */
export function isQuick(env?: Readonly<Record<string, string | undefined>>): boolean {
  const value = env ? env[QUICK_ENV] : readEnv(QUICK_ENV);
  return value === "1";
}

/**
 * The quick-mode value under `LMFS_QUICK=1`, else the full one. Use it for
 * every size that decides how long a cell runs (steps, data, model width).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pick } from "./quick.ts";
 * assert.equal(pick(20, 5000, { env: { LMFS_QUICK: "1" } }), 20);
 * assert.equal(pick(20, 5000, { env: {} }), 5000);
 * ```
 */
export function pick<T>(
  quickValue: T,
  fullValue: T,
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): T {
  return isQuick(options.env) ? quickValue : fullValue;
}
