/**
 * `deno task doctor`: checks the pieces a learner needs (Deno version, the
 * TensorFlow.js engine, a system BLAS, Jupyter and the Deno kernel, the data
 * cache) and says what to fix. Each check returns one {@link Finding}.
 *
 * @module
 */
import { DATASETS, defaultDataDir, MIRROR_ENV, mirrorFromEnv } from "../data/mod.ts";
import { formatEngineInfo, initEngine, tf } from "../engine/mod.ts";
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

/** Initialises the engine as training would and checks it computes. */
export async function checkEngine(): Promise<Finding> {
  try {
    const info = await initEngine({ backend: "auto" });
    const sum = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
    if (sum !== 3) throw new Error(`1 + 2 gave ${sum}`);
    const text = formatEngineInfo(info);
    return info.backend === "cpu"
      ? {
        name: "engine",
        status: "warn",
        detail: `${text} (pure JavaScript: very slow)`,
        fix: info.notes.join("; ") || "the wasm backend did not load",
      }
      : { name: "engine", status: "ok", detail: text };
  } catch (err) {
    return {
      name: "engine",
      status: "fail",
      detail: `TensorFlow.js does not run: ${(err as Error).message}`,
      fix: "run `deno install` in the project, then try again",
    };
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
    fix: "run `deno task data` (offline: set LMFS_DATA_MIRROR to a copy laid out <dataset>/<file>)",
  };
}

/** Runs every check. */
export async function runDoctor(): Promise<Finding[]> {
  return [checkDeno(), await checkEngine(), checkBlas(), ...(await checkJupyter()), checkData()];
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
