/**
 * `node:util` `parseArgs`, strict, with one change every script needs: a
 * negative number after a flag that takes a value is that flag's value. Plain
 * `parseArgs` reads `--lr -1` as two flags and answers "argument is
 * ambiguous"; here `--lr -1` means `--lr=-1`, so the flag's own check can say
 * what is wrong with the value.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A token that is a number with a leading minus (`-1`, `-0.5`, `-1e-3`, `-Infinity`). */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$|NaN$)/;

/**
 * Rewrites `--flag -1` (and `-f -1`) as `--flag=-1` for every flag of type
 * string in `options`. Everything after `--` is left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { joinNegativeValues } from "./parse_flags.ts";
 * const options = { lr: { type: "string" }, json: { type: "boolean" } } as const;
 * assert.deepEqual(joinNegativeValues(["--lr", "-1", "--json"], options), ["--lr=-1", "--json"]);
 * ```
 */
export function joinNegativeValues(
  args: readonly string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (takesValue.has(a) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(a.startsWith("--") ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * `parseArgs` (strict unless told otherwise) over {@link joinNegativeValues}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./parse_flags.ts";
 * const { values } = parseFlags({ args: ["--temperature", "-1"], options: { temperature: { type: "string" } } });
 * assert.equal(values.temperature, "-1");
 * ```
 */
export function parseFlags<T extends ParseArgsConfig & { args: string[] }>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  const args = joinNegativeValues(config.args, config.options ?? {});
  return parseArgs({ strict: true, ...config, args } as T);
}
