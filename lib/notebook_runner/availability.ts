/**
 * Whether notebooks can run here (a Python with Jupyter's `nbclient`), and
 * what to say when they cannot: a loud skip for a user without Jupyter, a
 * failure when `LMFS_REQUIRE_NOTEBOOKS=1` (CI sets it).
 *
 * @module
 */
import { join } from "node:path";
import type { PythonChoice } from "../cli/python.ts";

/** The environment variable that makes missing Jupyter a failure (value `1`). */
export const REQUIRE_ENV = "LMFS_REQUIRE_NOTEBOOKS";

/**
 * Whether notebook runs are required (`LMFS_REQUIRE_NOTEBOOKS=1`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebooksRequired } from "./availability.ts";
 * assert.equal(notebooksRequired({ LMFS_REQUIRE_NOTEBOOKS: "1" }), true);
 * assert.equal(notebooksRequired({}), false);
 * ```
 */
export function notebooksRequired(env?: Readonly<Record<string, string | undefined>>): boolean {
  let value: string | undefined;
  try {
    value = env ? env[REQUIRE_ENV] : Deno.env.get(REQUIRE_ENV);
  } catch {
    value = undefined;
  }
  return value === "1";
}

/**
 * Why notebooks cannot run and how to fix it, for a Python without nbclient.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { missingJupyterReason } from "./availability.ts";
 * const why = missingJupyterReason({ python: "/x", hasNbclient: false, tried: ["/x"] });
 * assert.match(why, /^no Python with nbclient, tried \/x;/);
 * ```
 */
export function missingJupyterReason(choice: PythonChoice): string {
  return `no Python with nbclient, tried ${choice.tried.join(", ")}; ` +
    "install it with `apt install jupyter-nbconvert python3-nbclient` (Debian/Ubuntu) " +
    "or `pip install nbclient`, or set LMFS_PYTHON to a Python that imports nbclient";
}

/**
 * The `.ipynb` files directly inside `dir`, sorted by name (hidden files and
 * Jupyter's checkpoint copies skipped). A missing directory has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findNotebooks } from "./availability.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/02_b.ipynb`, "{}");
 * await Deno.writeTextFile(`${dir}/01_a.ipynb`, "{}");
 * await Deno.writeTextFile(`${dir}/README.md`, "");
 * assert.deepEqual((await findNotebooks(dir)).map((p) => p.slice(dir.length + 1)), ["01_a.ipynb", "02_b.ipynb"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function findNotebooks(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".ipynb") && !entry.name.startsWith(".")) {
        found.push(join(dir, entry.name));
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return found.sort();
}
