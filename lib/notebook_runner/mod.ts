/**
 * The headless notebook runner behind `deno task notebooks`: finds Jupyter
 * (nbclient) and the Deno kernel, executes each notebook top to bottom in
 * quick or full mode, writes the executed copy back and reports per-cell
 * failures. The notebooks themselves never import it (their helpers are in
 * `../notebook/`).
 *
 * @module
 */
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
