/**
 * `deno task doctor`: checks Deno, the engine, BLAS, Jupyter and the kernel,
 * and the data cache, and prints what to fix.
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { emitJson, info, printHelp, runMain, useColor } from "../lib/cli/mod.ts";
import { runDoctor } from "../lib/cli/doctor.ts";

const HELP = `Usage: deno task doctor [--json]

Checks what the project needs and prints what to fix. Exits 1 if something
that must work does not (a "fail" line); warnings exit 0.`;

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  const findings = await runDoctor();
  const color = useColor();
  const paint = (s: string, code: number) => color ? `\x1b[${code}m${s}\x1b[0m` : s;
  for (const f of findings) {
    if (values.json) {
      emitJson({ event: "check", ...f });
      continue;
    }
    const mark = f.status === "ok"
      ? paint("ok  ", 32)
      : f.status === "warn"
      ? paint("warn", 33)
      : paint("FAIL", 31);
    info(`${mark} ${f.name.padEnd(15)} ${f.detail}`);
    if (f.fix) info(`     ${"".padEnd(15)} → ${f.fix}`);
  }
  return findings.some((f) => f.status === "fail") ? 1 : 0;
}

if (import.meta.main) await runMain("doctor", main);
