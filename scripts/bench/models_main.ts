/**
 * The `--models` mode of `deno task bench`: checks its flags, runs the
 * comparison, writes `results.md`, `results.json` and the chart into the
 * output directory and, with `--write-readme`, the table into README.md and
 * the chart into `notebooks/figures/`.
 *
 * @module
 */
import { join } from "node:path";
import { emitJson, info } from "../../lib/cli/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { engineInfo, formatEngineInfo } from "../../lib/engine/mod.ts";
import { modelNames } from "../../lib/presets/registry.ts";
import { writePlot } from "../../lib/plot/write_plot.ts";
import { runModelComparison } from "./models.ts";
import { comparisonSpec, resultsMarkdown, spliceReadme } from "./results_table.ts";

/** Flags of the `--models` mode. */
export interface ModelsFlags {
  readonly only?: string;
  readonly budget?: string;
  readonly data?: string;
  readonly preset?: string;
  readonly out?: string;
  readonly "eval-seconds"?: string;
  readonly "write-readme"?: boolean;
  readonly json: boolean;
}

const ROOT = new URL("../../", import.meta.url);

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`--${flag} must be > 0; got "${value}"`);
  return n;
}

/** A one-line description of this machine. */
async function machine(): Promise<string> {
  let cpu = "";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = info.match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? "";
  } catch {
    // not Linux
  }
  const cores = navigator.hardwareConcurrency;
  return `${cores}-core ${Deno.build.arch} ${Deno.build.os}${cpu ? ` (${cpu})` : ""}`;
}

/** Runs the comparison; returns the exit code. */
export async function benchModels(flags: ModelsFlags): Promise<number> {
  const known = modelNames();
  const models = flags.only?.split(",").map((s) => s.trim()) ?? known;
  for (const m of models) {
    if (!known.includes(m)) {
      throw new InputError(`--only: unknown model "${m}"; choose from ${known.join(", ")}`);
    }
  }
  const budget = positive("budget", flags.budget, 300);
  const evalSeconds = positive("eval-seconds", flags["eval-seconds"], budget / 10);
  const data = flags.data ?? "tinyshakespeare";
  const outDir = flags.out ?? "data/results";
  const argv = ["--models"];
  if (flags.only) argv.push("--only", flags.only);
  if (flags.budget) argv.push("--budget", flags.budget);
  if (flags.data) argv.push("--data", flags.data);
  if (flags.preset) argv.push("--preset", flags.preset);
  const runs = await runModelComparison({
    models,
    budget,
    data,
    preset: flags.preset,
    outDir: join(outDir, "runs"),
    evalSeconds,
    onLine: flags.json ? undefined : info,
  });
  const ctx = {
    machine: await machine(),
    engine: runs[0] ? `${runs[0].backend}${runs[0].blas ? ` + ${runs[0].blas}` : ""}` : "",
    date: new Date().toISOString().slice(0, 10),
    deno: Deno.version.deno,
    command: `deno task bench ${argv.join(" ")}`,
  };
  const markdown = resultsMarkdown(runs, ctx);
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(join(outDir, "results.md"), markdown + "\n");
  await Deno.writeTextFile(
    join(outDir, "results.json"),
    JSON.stringify({ ...ctx, engineDetail: formatEngineInfo(engineInfo()), runs }, null, 2) + "\n",
  );
  const spec = comparisonSpec(runs);
  const chart = await writePlot(spec, join(outDir, "bpc_vs_seconds"));
  if (flags["write-readme"]) {
    const figure = new URL("notebooks/figures/models_bpc_vs_seconds", ROOT).pathname;
    await writePlot(spec, figure);
    const readmePath = new URL("README.md", ROOT).pathname;
    const body = `${markdown}\n\n![Validation bits per character against training seconds, ` +
      `all models](notebooks/figures/models_bpc_vs_seconds.svg)`;
    await Deno.writeTextFile(readmePath, spliceReadme(await Deno.readTextFile(readmePath), body));
  }
  if (flags.json) {
    for (const r of runs) emitJson({ event: "bench", section: "models", ...r });
  } else info(`\n${markdown}\n\nwritten: ${outDir}/results.md, results.json, ${chart.svg}`);
  return 0;
}
