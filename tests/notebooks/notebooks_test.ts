/**
 * Every notebook in notebooks/ runs top to bottom in quick mode on the real
 * Deno kernel (each within 60 s). Without Jupyter this is a loud skip, or a
 * failure under LMFS_REQUIRE_NOTEBOOKS=1 (CI).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { relative } from "node:path";
import { findNotebooks } from "../../lib/notebook_runner/availability.ts";
import { formatRun } from "../../lib/notebook_runner/report.ts";
import { QUICK_BUDGET_SECONDS, runNotebook } from "../../lib/notebook_runner/run_notebook.ts";
import { ROOT } from "../_helpers/paths.ts";
import { jupyterTest } from "./_jupyter.ts";

const NOTEBOOKS_DIR = fileURLToPath(new URL("../../notebooks", import.meta.url));
const notebooks = await findNotebooks(NOTEBOOKS_DIR);

if (notebooks.length === 0) {
  Deno.test("notebooks: no notebooks yet in notebooks/", () => {});
}

for (const path of notebooks) {
  const name = relative(ROOT, path);
  jupyterTest(`${name} runs top to bottom in quick mode`, async (python) => {
    const run = await runNotebook(path, { python, mode: "quick" });
    assert.equal(run.status, "ok", "\n" + formatRun({ ...run, path: name }, "quick"));
    assert.ok(run.seconds <= QUICK_BUDGET_SECONDS + 5, `${name} took ${run.seconds.toFixed(1)} s`);
  });
}
