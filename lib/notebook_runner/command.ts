/**
 * `deno task notebooks [--quick|--full] [--write] [paths…]`: executes
 * notebooks headless on the real Deno kernel through Jupyter's `nbclient`
 * and reports, per notebook, ok or the failing cell and its error.
 *
 * @module
 */
import { parseFlags } from "../cli/parse_flags.ts";
import { relative, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { emitJson, formatBytes, info, printHelp, useColor } from "../cli/output.ts";
import type { MainContext } from "../cli/run_main.ts";
import { findNotebookPython } from "../cli/python.ts";
import { findNotebooks, missingJupyterReason, notebooksRequired } from "./availability.ts";
import { formatRun } from "./report.ts";
import {
  CELL_TIMEOUT_SECONDS,
  type NotebookMode,
  QUICK_BUDGET_SECONDS,
  runNotebook,
} from "./run_notebook.ts";
import { NOTEBOOK_MAX_BYTES, NOTEBOOK_WARN_BYTES, writeExecuted } from "./write_run.ts";

/** The `--help` text. */
export const NOTEBOOKS_HELP = `Usage: deno task notebooks [options] [notebook.ipynb…]

Runs notebooks top to bottom on the Deno Jupyter kernel through Jupyter's
nbclient (no install of the kernel needed) and reports the first failing cell.
Without paths: every notebooks/*.ipynb.

Options:
  --quick              LMFS_QUICK=1: every run shrinks to seconds, each notebook
                       must finish within ${QUICK_BUDGET_SECONDS} s (default)
  --full               real results (no notebook limit)
  --write              save the executed notebook in place, stamped with
                       metadata.lmfs {mode, date, engine, seconds, peakRssMB};
                       only after a clean run (commit notebooks from
                       --full --write)
  --cell-timeout S     seconds a cell may run (default ${CELL_TIMEOUT_SECONDS.quick} quick, ${CELL_TIMEOUT_SECONDS.full} full)
  --budget S           seconds a notebook may run, 0 = no limit
                       (default ${QUICK_BUDGET_SECONDS} quick, 0 full)
  --json               one JSON object per notebook on stdout
  -h, --help           show this help

Environment: LMFS_PYTHON (a Python with nbclient; default python3 on PATH, then
/usr/bin/python3), LMFS_REQUIRE_NOTEBOOKS=1 (no Jupyter is an error, not a skip).
Exit: 0 all ok (or skipped), 1 a notebook failed, 2 bad input.`;

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InputError(`--${flag} must be a number of seconds, 0 or more; got "${value}"`);
  }
  return n;
}

/** A path relative to the working directory when inside it, else absolute. */
function displayPath(path: string): string {
  const absolute = resolve(path);
  const rel = relative(Deno.cwd(), absolute);
  return rel === "" ? "." : rel.startsWith("..") ? absolute : rel;
}

async function notebookPaths(positionals: string[], defaultDir: string): Promise<string[]> {
  if (positionals.length === 0) return await findNotebooks(defaultDir);
  const paths: string[] = [];
  for (const p of positionals) {
    const stat = await Deno.stat(p).catch(() => undefined);
    if (!stat) throw new InputError(`${p}: no such file`);
    if (stat.isDirectory) paths.push(...await findNotebooks(p));
    else if (!p.endsWith(".ipynb")) throw new InputError(`${p}: not a notebook (.ipynb)`);
    else paths.push(p);
  }
  return paths;
}

/**
 * The notebooks command. `defaultDir` is where notebooks live (the project's
 * `notebooks/`). Returns the exit code.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "../cli/run_main.ts";
 * import { notebooksMain } from "./command.ts";
 * await runMain("notebooks", (args, ctx) => notebooksMain(args, ctx, { defaultDir: "notebooks" }));
 * ```
 */
export async function notebooksMain(
  args: string[],
  ctx: MainContext,
  options: { defaultDir: string },
): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      full: { type: "boolean", default: false },
      write: { type: "boolean", default: false },
      "cell-timeout": { type: "string" },
      budget: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    printHelp(NOTEBOOKS_HELP);
    return 0;
  }
  if (values.quick && values.full) throw new InputError("choose one of --quick and --full");
  const mode: NotebookMode = values.full ? "full" : "quick";
  const cellTimeout = seconds("cell-timeout", values["cell-timeout"]);
  const budget = seconds("budget", values.budget);
  const paths = await notebookPaths(positionals, options.defaultDir);
  const color = useColor();
  const paint = (s: string, code: number) => color ? `\x1b[${code}m${s}\x1b[0m` : s;

  const choice = await findNotebookPython();
  if (!choice.hasNbclient) {
    const why = missingJupyterReason(choice);
    if (notebooksRequired()) {
      info(paint(`notebooks: FAILED: ${why} (LMFS_REQUIRE_NOTEBOOKS=1)`, 31));
      return 1;
    }
    info(paint(`skipped: notebooks (${why})`, 33));
    return 0;
  }
  if (paths.length === 0) {
    info(`notebooks: no notebooks yet in ${displayPath(options.defaultDir)} (nothing to run)`);
    return 0;
  }

  const started = performance.now();
  let failed = 0;
  for (const path of paths) {
    const shown = displayPath(path);
    if (!values.json) info(`notebooks: running ${shown} (${mode})…`);
    const run = await runNotebook(path, {
      python: choice.python,
      mode,
      cellTimeout,
      budget,
      signal: ctx.signal,
    });
    let ok = run.status === "ok";
    const report = formatRun({ ...run, path: shown }, mode);
    if (!values.json) info(ok ? paint(report, 32) : paint(report, 31));
    let written: Record<string, unknown> | undefined;
    if (values.write && ok && run.notebook) {
      const w = await writeExecuted(path, run.notebook, {
        mode,
        seconds: run.seconds,
        peakRssMB: run.peakRssMB,
      });
      written = { path: w.path, bytes: w.bytes, size: w.size, ...w.stamp };
      const line = `  written ${shown} (${formatBytes(w.bytes)}; engine: ${w.stamp.engine})`;
      if (!values.json) info(line);
      if (w.size !== "ok" && !values.json) {
        const limit = formatBytes(w.size === "fail" ? NOTEBOOK_MAX_BYTES : NOTEBOOK_WARN_BYTES);
        info(paint(
          `  ${w.size === "fail" ? "FAILED" : "warning"}: ${shown} is ${
            formatBytes(w.bytes)
          }, over ${limit}; committed notebooks stay under ~1 MB: plot fewer points ` +
            "(maxPoints) or show less output",
          w.size === "fail" ? 31 : 33,
        ));
      }
      if (w.size === "fail") ok = false;
    } else if (values.write && !values.json) {
      info(`  not written (the run failed; ${shown} is unchanged)`);
    }
    if (!ok) failed++;
    if (values.json) {
      emitJson({
        event: "notebook",
        path: shown,
        mode,
        status: run.status,
        seconds: Math.round(run.seconds * 1000) / 1000,
        cells_run: run.cellsRun,
        code_cells: run.codeCells,
        ...(run.peakRssMB !== undefined ? { peak_rss_mb: run.peakRssMB } : {}),
        ...(run.failure ? { failure: run.failure } : {}),
        ...(run.message ? { message: run.message } : {}),
        ...(written ? { written } : {}),
      });
    }
  }
  const total = (performance.now() - started) / 1000;
  info(`notebooks: ${paths.length - failed} ok, ${failed} failed (${total.toFixed(1)} s, ${mode})`);
  return failed > 0 ? 1 : 0;
}
