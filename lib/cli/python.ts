/**
 * Finding the Python that runs notebooks headless: `LMFS_PYTHON` if set, else
 * the first of `python3` on PATH and `/usr/bin/python3` that can import
 * Jupyter's `nbclient` (Debian's packages belong to `/usr/bin/python3`, which
 * is often not the first `python3` on PATH).
 *
 * @module
 */

/** The environment variable naming the Python to use for notebooks. */
export const PYTHON_ENV = "LMFS_PYTHON";

/** Where the notebook Python came from. */
export interface PythonChoice {
  /** The interpreter to run. */
  readonly python: string;
  /** Whether it imports nbclient. */
  readonly hasNbclient: boolean;
  /** The candidates tried, in order, for messages. */
  readonly tried: readonly string[];
}

async function importsNbclient(python: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(python, {
      args: ["-c", "import nbclient, nbformat"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/**
 * Picks the Python for notebook runs. With `LMFS_PYTHON` set, that one is
 * used (and reported even if it lacks nbclient).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findNotebookPython } from "./python.ts";
 * const choice = await findNotebookPython({ env: { LMFS_PYTHON: "/nonexistent/python" } });
 * assert.deepEqual(choice, { python: "/nonexistent/python", hasNbclient: false, tried: ["/nonexistent/python"] });
 * ```
 */
export async function findNotebookPython(
  options: { env?: Record<string, string | undefined> } = {},
): Promise<PythonChoice> {
  const fromEnv = options.env ? options.env[PYTHON_ENV] : safeEnv(PYTHON_ENV);
  if (fromEnv) {
    return { python: fromEnv, hasNbclient: await importsNbclient(fromEnv), tried: [fromEnv] };
  }
  const tried = ["python3", "/usr/bin/python3"];
  for (const python of tried) {
    if (await importsNbclient(python)) return { python, hasNbclient: true, tried };
  }
  return { python: "python3", hasNbclient: false, tried };
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
