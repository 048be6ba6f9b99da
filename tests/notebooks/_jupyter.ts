/**
 * Tests that need Jupyter: run when a Python with nbclient exists, are
 * ignored with a loud "skipped:" line when none does, and fail when
 * `LMFS_REQUIRE_NOTEBOOKS=1` (CI) says they must run.
 */
import { join } from "node:path";
import { findNotebookPython } from "../../lib/cli/python.ts";
import { missingJupyterReason, notebooksRequired } from "../../lib/notebook_runner/availability.ts";
import { stringifyNotebook } from "../../lib/notebook_runner/notebook_file.ts";

const choice = await findNotebookPython();

/** The Python that runs notebooks here, if any. */
export const NOTEBOOK_PYTHON: string | undefined = choice.hasNbclient ? choice.python : undefined;

let announced = false;

/** Registers a test that runs notebooks with {@link NOTEBOOK_PYTHON}. */
export function jupyterTest(name: string, fn: (python: string) => Promise<void>): void {
  if (!NOTEBOOK_PYTHON && !notebooksRequired()) {
    if (!announced) {
      announced = true; // a passing test whose name and output say what was skipped and why
      const line = `skipped: notebooks (${missingJupyterReason(choice)})`;
      Deno.test(line, () => {
        Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
      });
    }
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  Deno.test(name, async () => {
    if (!NOTEBOOK_PYTHON) {
      throw new Error(`${missingJupyterReason(choice)} (LMFS_REQUIRE_NOTEBOOKS=1)`);
    }
    await fn(NOTEBOOK_PYTHON);
  });
}

/** Writes a notebook of TypeScript code cells (and `#` markdown cells) into `dir`. */
export async function writeNotebook(dir: string, name: string, cells: string[]): Promise<string> {
  const path = join(dir, name);
  const nb = {
    cells: cells.map((source, i) =>
      source.startsWith("#") ? { cell_type: "markdown", id: `c${i}`, metadata: {}, source } : {
        cell_type: "code",
        execution_count: null,
        id: `c${i}`,
        metadata: {},
        outputs: [],
        source,
      }
    ),
    metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await Deno.writeTextFile(path, stringifyNotebook(nb));
  return path;
}
