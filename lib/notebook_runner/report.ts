/**
 * How a notebook run reads in the terminal: one line per notebook, and for a
 * failure one block with the failing cell's number, the start of its source
 * and its error.
 *
 * @module
 */
import type { NotebookMode, NotebookRun } from "./run_notebook.ts";

const MAX_SOURCE_LINES = 8;
const MAX_TRACEBACK_LINES = 20;

function clip(lines: string[], max: number): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), `… (${lines.length - max} more)`];
}

/** `12.3 s` or `2 min 5 s`. */
function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

/**
 * The report for one run: `ok   path  12.3 s (quick, 20 code cells)`, or a
 * `FAILED` line followed by the failing cell and its error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRun } from "./report.ts";
 * const run = {
 *   path: "a.ipynb", status: "error" as const, seconds: 1.25, cellsRun: 1, codeCells: 3, cells: 5,
 *   failure: { index: 2, source: "throw new Error('boom')", ename: "Error", evalue: "boom",
 *     traceback: ["Error: boom", "    at <anonymous>:1:7"] },
 *   stderr: "",
 * };
 * const text = formatRun(run, "quick");
 * assert.match(text, /^FAILED a\.ipynb  1\.3 s \(quick\)\n  cell 3 of 5 raised Error: boom\n/);
 * ```
 */
export function formatRun(run: NotebookRun, mode: NotebookMode): string {
  const time = duration(run.seconds);
  if (run.status === "ok") {
    const memory = run.peakRssMB !== undefined
      ? `, kernel peak memory ${Math.round(run.peakRssMB)} MiB`
      : "";
    return `ok     ${run.path}  ${time} (${mode}, ${run.codeCells} code cells${memory})`;
  }
  const lines = [`FAILED ${run.path}  ${time} (${mode})`];
  const f = run.failure;
  if (f && f.index >= 0) {
    const where = `cell ${f.index + 1} of ${run.cells}`;
    const what = run.status === "timeout"
      ? `timed out: ${f.evalue}`
      : run.status === "dead"
      ? `stopped: ${f.evalue}`
      : `raised ${f.ename}: ${f.evalue}`;
    lines.push(`  ${where} ${what}`);
    for (const line of clip(f.source.split("\n"), MAX_SOURCE_LINES)) lines.push(`  │ ${line}`);
    const tb = f.traceback.flatMap((t) => t.split("\n")).filter((t) => t.trim() !== "");
    if (tb.length > 0) {
      lines.push("  │");
      for (const line of clip(tb, MAX_TRACEBACK_LINES)) lines.push(`  │ ${line}`);
    }
  }
  if (run.message) {
    for (const line of run.message.trimEnd().split("\n")) lines.push(`  ${line}`);
  }
  if (!f && !run.message) lines.push(`  ${run.status} (no details; stderr follows)`, run.stderr);
  return lines.join("\n");
}
