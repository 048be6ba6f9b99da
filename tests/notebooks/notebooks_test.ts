/**
 * notebooks/ holds the five notebooks README lists, and every notebook there
 * runs top to bottom in quick mode on the real Deno kernel, within the
 * runner's time limit (a run over it reports status "timeout"). Without
 * Jupyter the runs are a loud skip, or a failure under
 * LMFS_REQUIRE_NOTEBOOKS=1 (CI); the check of the files always runs.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { basename, join, relative } from "node:path";
import { findNotebooks } from "../../lib/notebook_runner/availability.ts";
import { formatRun } from "../../lib/notebook_runner/report.ts";
import { runNotebook } from "../../lib/notebook_runner/run_notebook.ts";
import { ROOT } from "../_helpers/paths.ts";
import { jupyterTest } from "./_jupyter.ts";

const NOTEBOOKS_DIR = fileURLToPath(new URL("../../notebooks", import.meta.url));
const found = await findNotebooks(NOTEBOOKS_DIR);

/** The notebooks of README's table of chapters (`| 1 | \`01_char_rnn.ipynb\` | …`). */
function listedNotebooks(readme: string): string[] {
  return [...readme.matchAll(/^\|\s*\d+\s*\|\s*`(\d\d_\w+\.ipynb)`\s*\|/gm)].map((m) => m[1]);
}

const listed = listedNotebooks(await Deno.readTextFile(join(ROOT, "README.md")));

Deno.test("notebooks/ holds the five notebooks README lists", () => {
  assert.equal(listed.length, 5, `README's table of notebooks lists ${listed.join(", ")}`);
  const here = found.map((p) => basename(p));
  const missing = listed.filter((name) => !here.includes(name));
  assert.deepEqual(missing, [], `missing from notebooks/: ${missing.join(", ")}`);
});

// Every listed notebook is run, found or not (a missing one fails), and every one found.
const paths = [...new Set([...listed.map((name) => join(NOTEBOOKS_DIR, name)), ...found])].sort();
for (const path of paths) {
  const name = relative(ROOT, path);
  jupyterTest(`${name} runs top to bottom in quick mode`, async (python) => {
    const run = await runNotebook(path, { python, mode: "quick" });
    assert.equal(run.status, "ok", "\n" + formatRun({ ...run, path: name }, "quick"));
  });
}
