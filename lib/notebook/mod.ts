/**
 * Notebooks: helpers the notebooks import (quick mode, live training
 * display, text and engine output, all taking `Deno.jupyter.display` as a
 * parameter) and the headless runner behind `deno task notebooks`.
 *
 * ```ts ignore
 * import { liveTraining, pick, showEngine } from "../lib/notebook/mod.ts";
 * await showEngine(Deno.jupyter.display, formatEngineInfo(await initEngine()));
 * const live = liveTraining(Deno.jupyter.display, { title: "char-rnn", total: pick(30, 3000) });
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pick } from "./mod.ts";
 * assert.equal(pick("quick", "full", { env: { LMFS_QUICK: "1" } }), "quick");
 * ```
 *
 * @module
 */
export { isQuick, pick, QUICK_ENV } from "./quick.ts";
export { ENGINE_PREFIX, showEngine, showMarkdown, showText } from "./display.ts";
export type { DisplayFunction, DisplayOptions, MimeBundle } from "./display.ts";
export { liveTraining, progressText } from "./live_training.ts";
export type { LiveTraining, LiveTrainingOptions } from "./live_training.ts";
export {
  findNotebooks,
  missingJupyterReason,
  notebooksRequired,
  REQUIRE_ENV,
} from "./availability.ts";
export { KERNEL_NAME, kernelSpec, writeKernelSpec } from "./kernelspec.ts";
export type { KernelSpec } from "./kernelspec.ts";
export { CELL_TIMEOUT_SECONDS, QUICK_BUDGET_SECONDS, runNotebook } from "./run_notebook.ts";
export type { NotebookMode, RunNotebookOptions } from "./run_notebook.ts";
export { stripAnsi } from "./run_result.ts";
export type { CellFailure, NotebookRun } from "./run_result.ts";
export {
  DENO_KERNELSPEC,
  engineOf,
  firstErrorOutput,
  outputsOf,
  parseNotebook,
  stampNotebook,
  stringifyNotebook,
} from "./notebook_file.ts";
export type { Notebook, NotebookCell, NotebookOutput, RunStamp } from "./notebook_file.ts";
export { NOTEBOOK_MAX_BYTES, NOTEBOOK_WARN_BYTES, runStamp, writeExecuted } from "./write_run.ts";
export type { WrittenNotebook } from "./write_run.ts";
export { formatRun } from "./report.ts";
