/** Runs a project script like `runScript`, also measuring its peak resident memory where `/usr/bin/time` exists. */
import { ROOT } from "./paths.ts";
import type { ScriptResult } from "./run_script.ts";

const TIME = "/usr/bin/time";
const hasTime = await Deno.stat(TIME).then((s) => s.isFile, () => false) &&
  Deno.build.os === "linux";

/** A script's result and its peak resident set size in bytes (undefined where it cannot be measured). */
export async function runScriptMeasured(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ScriptResult & { peakRss?: number }> {
  const report = await Deno.makeTempFile({ prefix: "lmfs_rss_" });
  try {
    const deno = [Deno.execPath(), "run", "--allow-all", `scripts/${name}.ts`, ...args];
    const [cmd, ...rest] = hasTime ? [TIME, "-f", "%M", "-o", report, ...deno] : deno;
    const out = await new Deno.Command(cmd, {
      args: rest,
      cwd: ROOT,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    const kb = hasTime ? Number((await Deno.readTextFile(report)).trim().split("\n").at(-1)) : NaN;
    return {
      code: out.code,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
      peakRss: Number.isFinite(kb) ? kb * 1024 : undefined,
    };
  } finally {
    await Deno.remove(report);
  }
}
