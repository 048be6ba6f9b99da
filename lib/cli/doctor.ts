/**
 * `deno task doctor`: checks the pieces a learner needs (Deno version, the
 * TensorFlow.js engine, a system BLAS, Jupyter and the Deno kernel, the data
 * cache) and says what to fix. Each check returns one {@link Finding}.
 *
 * @module
 */
import { DATASETS, defaultDataDir, MIRROR_ENV, mirrorFromEnv } from "../data/mod.ts";
import { formatEngineInfo, initEngine, tf, TFJS_NODE_FIX } from "../engine/mod.ts";
import { blasFromEnv, loadBlas } from "../engine/blas.ts";
import { findNotebookPython } from "./python.ts";

/** The Deno version this project is tested with (README, `.ci/run`). */
export const TESTED_DENO = "2.9.6";

/** One line of the doctor's report. */
export interface Finding {
  /** What was checked. */
  readonly name: string;
  /** `ok`; `warn`: works, but something is missing or slow; `fail`: will not work. */
  readonly status: "ok" | "warn" | "fail";
  /** What was found. */
  readonly detail: string;
  /** What to do about it, when not ok. */
  readonly fix?: string;
}

/** Checks the Deno version against the tested one. */
export function checkDeno(version: string = Deno.version.deno): Finding {
  if (version === TESTED_DENO) return { name: "deno", status: "ok", detail: version };
  const [major] = version.split(".").map(Number);
  return {
    name: "deno",
    status: major >= 2 ? "warn" : "fail",
    detail: `${version} (tested with ${TESTED_DENO})`,
    fix: `npm install -g deno@${TESTED_DENO}`,
  };
}

/**
 * Whether tfjs-node (the optional native backend) loads: said here once,
 * rather than on every training run.
 */
export function checkTfjsNode(info: { backend: string; notes: readonly string[] }): Finding {
  if (info.backend === "tensorflow") {
    return { name: "tfjs-node", status: "ok", detail: "native TensorFlow backend loads" };
  }
  const why = info.notes.find((n) => n.startsWith("tensorflow: "))?.slice(12) ?? "not loaded";
  return {
    name: "tfjs-node",
    status: "warn",
    detail: `optional native backend unavailable (${why}); runs use ${info.backend}`,
    fix: `${TFJS_NODE_FIX}; without it everything works on wasm`,
  };
}

/** Initialises the engine as training would and checks it computes. */
export async function checkEngine(): Promise<Finding> {
  return (await engineFindings())[0];
}

/** The engine check, then (when the engine runs) whether tfjs-node loaded. */
async function engineFindings(): Promise<Finding[]> {
  try {
    const info = await initEngine({ backend: "auto" });
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
    if (sum !== 3) throw new Error(`1 + 2 gave ${sum}`);
    const text = formatEngineInfo(info);
    const engine: Finding = info.backend === "cpu"
      ? {
        name: "engine",
        status: "warn",
        detail: `${text} (pure JavaScript: very slow)`,
        fix: info.notes.join("; ") || "the wasm backend did not load",
      }
      : { name: "engine", status: "ok", detail: text };
    return [engine, checkTfjsNode(info)];
  } catch (err) {
    return [{
      name: "engine",
      status: "fail",
      detail: `TensorFlow.js does not run: ${(err as Error).message}`,
      fix: "run `deno install` in the project, then try again",
    }];
  }
}

/** Loads the CBLAS library the engine would use (`LMFS_BLAS`, or the standard names). */
export function checkBlas(spec: string | undefined = blasFromEnv()): Finding {
  if (spec === "off") return { name: "blas", status: "ok", detail: "disabled by LMFS_BLAS=off" };
  const load = loadBlas(spec);
  if (load.ok) {
    const i = load.blas.info;
    return { name: "blas", status: "ok", detail: `${i.vendor} (${i.path})` };
  }
  return {
    name: "blas",
    status: "warn",
    detail: load.reason,
    fix: "training is several times slower without one: Debian/Ubuntu `apt install " +
      "libopenblas0-pthread`, macOS has Accelerate, elsewhere set LMFS_BLAS to a CBLAS library",
  };
}

/** Checks for a Python with nbclient, Jupyter, and the Deno kernel. */
export async function checkJupyter(): Promise<Finding[]> {
  const py = await findNotebookPython();
  const findings: Finding[] = [
    py.hasNbclient ? { name: "nbclient", status: "ok", detail: py.python } : {
      name: "nbclient",
      status: "warn",
      detail: `no Python with nbclient (tried ${py.tried.join(", ")})`,
      fix: "Debian/Ubuntu: `apt install jupyter-nbconvert python3-nbclient`; " +
        "elsewhere `pip install nbclient`, or set LMFS_PYTHON",
    },
  ];
  const kernels = py.hasNbclient
    ? await run(py.python, [
      "-c",
      "import json; from jupyter_client.kernelspec import KernelSpecManager as K; " +
      "print(json.dumps(sorted(K().find_kernel_specs())))",
    ])
    : undefined;
  if (kernels === undefined) {
    findings.push({
      name: "jupyter kernel",
      status: "warn",
      detail: "cannot list Jupyter kernels (no Jupyter)",
      fix: "install JupyterLab (or use VS Code's Jupyter extension), then `deno jupyter --install`",
    });
  } else {
    const has = (JSON.parse(kernels) as string[]).includes("deno");
    findings.push(
      has ? { name: "jupyter kernel", status: "ok", detail: "deno kernel installed" } : {
        name: "jupyter kernel",
        status: "warn",
        detail: "the Deno kernel is not installed (notebooks in JupyterLab/VS Code need it)",
        fix: "run `deno jupyter --install`",
      },
    );
  }
  return findings;
}

/** The Jupyter front ends README names, by the command that starts each. */
const FRONT_ENDS: readonly { name: string; commands: readonly string[] }[] = [
  { name: "JupyterLab", commands: ["jupyter-lab"] },
  { name: "Jupyter Notebook", commands: ["jupyter-notebook"] },
  { name: "VS Code", commands: ["code", "code-insiders", "codium"] },
];

/**
 * Looks for a Jupyter front end (JupyterLab, Jupyter Notebook, VS Code) on
 * `PATH`: `nbclient` runs notebooks headless, but a learner needs one of
 * these to open them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFrontEnds } from "./doctor.ts";
 * assert.equal(checkFrontEnds("").status, "warn");
 * ```
 */
export function checkFrontEnds(path: string = Deno.env.get("PATH") ?? ""): Finding {
  const dirs = path.split(Deno.build.os === "windows" ? ";" : ":").filter((d) => d);
  const exts = Deno.build.os === "windows" ? [".exe", ".cmd", ""] : [""];
  const found: string[] = [];
  for (const f of FRONT_ENDS) {
    const hit = f.commands.flatMap((c) => dirs.flatMap((d) => exts.map((e) => `${d}/${c}${e}`)))
      .find((p) => isFile(p));
    if (hit) found.push(`${f.name} (${hit})`);
  }
  if (found.length > 0) {
    const vscodeOnly = found.length === 1 && found[0].startsWith("VS Code");
    return {
      name: "jupyter app",
      status: "ok",
      detail: found.join(", ") + (vscodeOnly ? "; VS Code needs its Jupyter extension" : ""),
    };
  }
  return {
    name: "jupyter app",
    status: "warn",
    detail: "none of JupyterLab, Jupyter Notebook or VS Code is on PATH (notebooks need one)",
    fix: "`pip install jupyterlab` (Debian/Ubuntu: `apt install jupyter-notebook`), " +
      "or VS Code with its Jupyter extension",
  };
}

/** Reports which datasets are cached and whether a mirror is set. */
export function checkData(dataDir: string = defaultDataDir()): Finding {
  const cached = DATASETS.filter((d) =>
    d.files.some((f) => exists(`${dataDir}/${d.dir}/${f.file}`))
  )
    .map((d) => d.name);
  let mirror = "";
  try {
    const m = mirrorFromEnv();
    if (m) mirror = `; mirror ${m.kind === "dir" ? m.path : m.base}`;
  } catch (err) {
    return {
      name: "data",
      status: "fail",
      detail: (err as Error).message,
      fix: `fix ${MIRROR_ENV}`,
    };
  }
  if (cached.length > 0) {
    return { name: "data", status: "ok", detail: `${dataDir}: ${cached.join(", ")}${mirror}` };
  }
  return {
    name: "data",
    status: "warn",
    detail: `nothing cached in ${dataDir}${mirror}`,
    fix: mirror
      ? "run `deno task data` (it copies the files from the mirror)"
      : "run `deno task data` (offline: set LMFS_DATA_MIRROR to a copy laid out <dataset>/<file>)",
  };
}

/** Runs every check. */
export async function runDoctor(): Promise<Finding[]> {
  return [
    checkDeno(),
    ...(await engineFindings()),
    checkBlas(),
    ...(await checkJupyter()),
    checkFrontEnds(),
    checkData(),
  ];
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined;
  }
}
