/**
 * Where data lives: the project's `data/` directory (the download cache and
 * default checkpoints), and the optional mirror that stands in for every
 * download host.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.ts";

/** The environment variable naming a dataset mirror (directory or base URL). */
export const MIRROR_ENV = "LMFS_DATA_MIRROR";

/**
 * The project's `data/` directory, found next to `lib/`, whatever the current
 * directory is (scripts, tests and notebooks all run from different places).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultDataDir } from "./paths.ts";
 * assert.ok(defaultDataDir().endsWith("data"));
 * ```
 */
export function defaultDataDir(): string {
  const url = new URL("../../data", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : "data";
}

/** A mirror: either a local directory or an http(s) base URL. */
export type Mirror = { kind: "dir"; path: string } | { kind: "url"; base: string };

/**
 * Parses a mirror setting (from `--mirror` or `LMFS_DATA_MIRROR`). Empty or
 * undefined means no mirror. A local directory must exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseMirror } from "./paths.ts";
 * assert.ok(parseMirror("http://127.0.0.1:8000/data/")?.kind === "url");
 * assert.ok(parseMirror("") === undefined);
 * ```
 */
export function parseMirror(value: string | undefined): Mirror | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^https?:\/\//i.test(v)) return { kind: "url", base: v.replace(/\/+$/, "") };
  const path = v.startsWith("file:") ? fileURLToPath(v) : v;
  let isDir = false;
  try {
    isDir = Deno.statSync(path).isDirectory;
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new InputError(
      `dataset mirror "${v}" is not a directory or an http(s) URL: fix ${MIRROR_ENV} or --mirror`,
    );
  }
  return { kind: "dir", path };
}

/**
 * The mirror named by `LMFS_DATA_MIRROR`, if set (and readable: without
 * permission to read the environment, there is none).
 */
export function mirrorFromEnv(): Mirror | undefined {
  let value: string | undefined;
  try {
    value = Deno.env.get(MIRROR_ENV);
  } catch {
    value = undefined;
  }
  return parseMirror(value);
}
