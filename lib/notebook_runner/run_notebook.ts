/**
 * Runs one notebook headless on the real Deno kernel through Jupyter's
 * `nbclient` (a Python package): writes a kernelspec into a temporary
 * `JUPYTER_PATH`, starts `python -c <script>` with the notebook's directory as
 * the kernel's working directory, and reads back the executed notebook and a
 * result naming the failing cell, if any.
 *
 * Time limits: each cell has `cellTimeout` seconds; in quick mode the whole
 * notebook also has a `budget` (60 s), enforced by the Python side per cell
 * and, as a backstop, by killing the process (and its kernel) once the budget
 * plus a grace period has passed.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { KERNEL_NAME, kernelSpec, writeKernelSpec } from "./kernelspec.ts";
import { NBCLIENT_SCRIPT, type NbclientArgs, type NbclientResult } from "./nbclient_script.ts";
import { parseNotebook } from "./notebook_file.ts";
import { QUICK_ENV } from "../notebook/quick.ts";
import { type NotebookRun, toRun } from "./run_result.ts";

export { stripAnsi } from "./run_result.ts";
export type { CellFailure, NotebookRun } from "./run_result.ts";

/** `quick` (`LMFS_QUICK=1`, seconds per notebook) or `full` (real results). */
export type NotebookMode = "quick" | "full";

/** Each notebook's limit in quick mode, in seconds (`lib/README.md`, "CLI, files and environment": ≤ 60 s). */
export const QUICK_BUDGET_SECONDS = 60;

/** Default seconds a cell may run: quick mode, full mode. */
export const CELL_TIMEOUT_SECONDS: Readonly<Record<NotebookMode, number>> = {
  quick: 60,
  full: 3600,
};

/** Options of {@link runNotebook}. */
export interface RunNotebookOptions {
  /** A Python that imports `nbclient` (see `findNotebookPython`). */
  readonly python: string;
  /** Quick sets `LMFS_QUICK=1` for the kernel; full removes it. Default quick. */
  readonly mode?: NotebookMode;
  /** Seconds each cell may run (default {@link CELL_TIMEOUT_SECONDS}). */
  readonly cellTimeout?: number;
  /** Seconds the whole notebook may take, 0 for no limit (default: 60 quick, 0 full). */
  readonly budget?: number;
  /** The kernel's working directory (default: the notebook's directory). */
  readonly cwd?: string;
  /** Extra environment variables for Python and the kernel. */
  readonly env?: Readonly<Record<string, string>>;
  /** The Deno that runs the kernel (default: this one, `Deno.execPath()`). */
  readonly deno?: string;
  /** Seconds past the budget before the process is killed (default 30). */
  readonly graceSeconds?: number;
  /** Aborting kills the run and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

function check(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a number of seconds, 0 or more; got ${value}`);
  }
  return value;
}

/** The environment for Python and the kernel. */
function childEnv(options: RunNotebookOptions, mode: NotebookMode, tmp: string) {
  const env: Record<string, string> = { ...Deno.env.toObject(), ...options.env };
  const jupyterPath = join(tmp, "jupyter");
  env.JUPYTER_PATH = env.JUPYTER_PATH ? `${jupyterPath}:${env.JUPYTER_PATH}` : jupyterPath;
  env.JUPYTER_RUNTIME_DIR = join(tmp, "runtime"); // connection files: not under $HOME
  env.JUPYTER_PLATFORM_DIRS = "1"; // silences jupyter_core's migration warning
  if (mode === "quick") env[QUICK_ENV] = "1";
  else delete env[QUICK_ENV];
  return env;
}

function killQuietly(kill: () => void): void {
  try {
    kill();
  } catch {
    // already gone
  }
}

/**
 * Executes a notebook and reports how it went. Never throws for a failing
 * notebook (that is a result); throws only for unusable input (no such file)
 * and when aborted.
 *
 * @example
 * ```ts ignore
 * import { runNotebook } from "./run_notebook.ts";
 * import { findNotebookPython } from "../cli/python.ts";
 * const { python } = await findNotebookPython();
 * const run = await runNotebook("notebooks/01_char_rnn.ipynb", { python, mode: "quick" });
 * console.log(run.status, run.seconds);
 * ```
 */
export async function runNotebook(path: string, options: RunNotebookOptions): Promise<NotebookRun> {
  const mode = options.mode ?? "quick";
  const cellTimeout = check("cellTimeout", options.cellTimeout ?? CELL_TIMEOUT_SECONDS[mode]);
  const budget = check("budget", options.budget ?? (mode === "quick" ? QUICK_BUDGET_SECONDS : 0));
  const grace = check("graceSeconds", options.graceSeconds ?? 30);
  const absolute = resolve(path);
  const original = parseNotebook(await Deno.readTextFile(absolute), path);
  options.signal?.throwIfAborted();

  const tmp = await Deno.makeTempDir({ prefix: "lmfs-notebook-" });
  try {
    await writeKernelSpec(join(tmp, "jupyter"), kernelSpec(options.deno));
    const files = {
      output: join(tmp, "executed.ipynb"),
      result: join(tmp, "result.json"),
      pid_file: join(tmp, "kernel.pid"),
    };
    const args: NbclientArgs = {
      notebook: absolute,
      ...files,
      kernel: KERNEL_NAME,
      cwd: resolve(options.cwd ?? dirname(absolute)),
      cell_timeout: Math.max(1, Math.ceil(cellTimeout)),
      budget,
    };
    const started = performance.now();
    const child = new Deno.Command(options.python, {
      args: ["-c", NBCLIENT_SCRIPT, JSON.stringify(args)],
      env: childEnv(options, mode, tmp),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();

    let killedWhy: string | undefined;
    let hardKill: ReturnType<typeof setTimeout> | undefined;
    const stop = (why: string) => {
      if (killedWhy) return;
      killedWhy = why;
      killQuietly(() => child.kill("SIGTERM")); // nbclient then shuts its kernel down
      hardKill = setTimeout(() => killQuietly(() => child.kill("SIGKILL")), 5000);
    };
    const guard = budget > 0
      ? setTimeout(
        () => stop(`killed after ${budget + grace} s (budget ${budget} s + ${grace} s grace)`),
        (budget + grace) * 1000,
      )
      : undefined;
    const onAbort = () => stop("interrupted");
    options.signal?.addEventListener("abort", onAbort);
    let output: Deno.CommandOutput;
    try {
      output = await child.output();
    } finally {
      clearTimeout(guard);
      clearTimeout(hardKill);
      options.signal?.removeEventListener("abort", onAbort);
    }
    const seconds = (performance.now() - started) / 1000;
    if (killedWhy) await killKernel(files.pid_file);
    options.signal?.throwIfAborted();

    const stderr = new TextDecoder().decode(output.stderr) +
      new TextDecoder().decode(output.stdout);
    const result = await Deno.readTextFile(files.result).then(
      (t) => JSON.parse(t) as NbclientResult,
      () => undefined,
    );
    const notebook = await Deno.readTextFile(files.output).then(
      (t) => parseNotebook(t, path),
      () => undefined,
    );
    return toRun({
      path,
      original,
      notebook,
      result,
      seconds,
      stderr,
      killedWhy,
      code: output.code,
      signal: output.signal,
    });
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

async function killKernel(pidFile: string): Promise<void> {
  const pid = Number(await Deno.readTextFile(pidFile).catch(() => ""));
  if (Number.isInteger(pid) && pid > 0) killQuietly(() => Deno.kill(pid, "SIGKILL"));
}
