/**
 * The outcome of one notebook run, built from what the Python side wrote
 * (its result file and the executed notebook), what it printed, and whether
 * the runner had to kill it.
 *
 * @module
 */
import type { NbclientResult } from "./nbclient_script.ts";
import { firstErrorOutput, joinLines, type Notebook } from "./notebook_file.ts";

/** The failing cell of a run. */
export interface CellFailure {
  /** Index of the cell in the notebook (0-based, all cells counted). */
  readonly index: number;
  /** The cell's source. */
  readonly source: string;
  /** Error name (`Error`, `TypeError`, `Timeout`, `DeadKernel` …). */
  readonly ename: string;
  /** Error message. */
  readonly evalue: string;
  /** Traceback lines, without ANSI colours. */
  readonly traceback: readonly string[];
}

/** What running one notebook gave. */
export interface NotebookRun {
  /** The notebook's path, as given. */
  readonly path: string;
  /** `ok`, or how it failed (see `NbclientResult.status`). */
  readonly status: NbclientResult["status"];
  /** Wall-clock seconds, Python start to exit. */
  readonly seconds: number;
  /** The kernel's peak resident memory in MiB (Linux), when measured. */
  readonly peakRssMB?: number;
  /** Code cells that ran to completion. */
  readonly cellsRun: number;
  /** Code cells in the notebook. */
  readonly codeCells: number;
  /** Cells in the notebook (markdown included). */
  readonly cells: number;
  /** The failing cell. */
  readonly failure?: CellFailure;
  /** More about a failure outside a cell (kernel start, a kill). */
  readonly message?: string;
  /** The executed notebook (absent when Python wrote none). */
  readonly notebook?: Notebook;
  /** Python's and the kernel's stderr, for diagnosing crashes. */
  readonly stderr: string;
  /** How the Python process ended: its exit code, and the signal that ended it, if one did. */
  readonly exit?: { readonly code: number; readonly signal: Deno.Signal | null };
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Removes ANSI colour codes (the Deno kernel colours tracebacks and values).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripAnsi } from "./run_result.ts";
 * assert.equal(stripAnsi("\x1b[33m2\x1b[39m"), "2");
 * ```
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The last lines of stderr, without colours and Deno's "unstable" warning. */
function stderrTail(stderr: string, lines = 12): string {
  return stripAnsi(stderr).split("\n")
    .filter((l) => l.trim() !== "" && !l.includes('"deno jupyter" is unstable'))
    .slice(-lines).join("\n");
}

/** Builds the {@link NotebookRun} of a finished (or killed) Python process. */
export function toRun(r: {
  path: string;
  original: Notebook;
  notebook?: Notebook;
  result?: NbclientResult;
  seconds: number;
  stderr: string;
  killedWhy?: string;
  code: number;
  signal?: Deno.Signal | null;
}): NotebookRun {
  const base = {
    path: r.path,
    exit: { code: r.code, signal: r.signal ?? null },
    seconds: r.seconds,
    cells: r.original.cells.length,
    codeCells: r.result?.code_cells ??
      r.original.cells.filter((c) => c.cell_type === "code").length,
    cellsRun: r.result?.cells_run ?? 0,
    ...(r.result?.peak_rss_mb !== undefined ? { peakRssMB: r.result.peak_rss_mb } : {}),
    notebook: r.notebook,
    stderr: r.stderr,
  };
  const failureAt = (
    index: number,
    ename: string,
    evalue: string,
    traceback: readonly string[],
  ): CellFailure => ({
    index,
    source: index >= 0 ? joinLines(r.original.cells[index]?.source) : "",
    ename,
    evalue: stripAnsi(evalue),
    traceback: traceback.map(stripAnsi),
  });
  if (r.killedWhy) {
    return { ...base, status: "timeout", message: r.killedWhy };
  }
  if (!r.result) {
    const tail = stderrTail(r.stderr);
    return {
      ...base,
      status: "crash",
      message: `the notebook runner exited with code ${r.code} and no result${
        tail ? `:\n${tail}` : ""
      }`,
    };
  }
  const f = r.result.failure;
  const failure = f ? failureAt(f.index, f.ename, f.evalue, f.traceback) : undefined;
  if (r.result.status === "ok" && r.notebook) {
    const err = firstErrorOutput(r.notebook);
    if (err) {
      const o = err.output;
      return {
        ...base,
        status: "error",
        failure: failureAt(err.cell, o.ename ?? "Error", o.evalue ?? "", o.traceback ?? []),
      };
    }
  }
  let message = r.result.message ? stripAnsi(r.result.message) : undefined;
  if (r.result.status === "crash" || r.result.status === "dead") {
    const tail = stderrTail(r.stderr);
    if (tail) message = `${message ?? r.result.status}\nstderr (last lines):\n${tail}`;
  }
  return {
    ...base,
    status: r.result.status,
    ...(failure ? { failure } : {}),
    ...(message ? { message } : {}),
  };
}
