/**
 * The frame every script runs in: exit codes as `lib/README.md` fixes them
 * ("CLI, files and environment": 0 done, 2 bad input or unusable files, 1
 * unexpected failure, 130 interrupted), a
 * one-line message for anything the user can fix, and Ctrl-C turned into an
 * abort signal so long work can clean up after itself.
 *
 * @module
 */
import { InputError, ResourceError } from "../errors.ts";
import { asResourceError } from "../io/resource_errors.ts";

/** What a script's main function receives besides its arguments. */
export interface MainContext {
  /** Aborted on the first Ctrl-C (a second one exits at once). */
  readonly signal: AbortSignal;
}

/** Exit codes used by every script. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * Classifies an error thrown by a script's main into an exit code and the text
 * to print on stderr: {@link InputError}s and flag-parsing errors are one
 * line (code 2), aborts are code 130, a full disk or exhausted memory
 * ({@link ResourceError}, or the engine's own allocation errors) is one line
 * with advice (code 1), anything else prints its stack (code 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitFor } from "./run_main.ts";
 * import { InputError } from "../errors.ts";
 * assert.deepEqual(exitFor(new InputError("bad"), "data"), { code: 2, text: "data: bad" });
 * ```
 */
export function exitFor(err: unknown, name: string): { code: number; text: string } {
  if (err instanceof InputError) return { code: EXIT.usage, text: `${name}: ${err.message}` };
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    const message = (err as Error).message.split("\n")[0];
    return { code: EXIT.usage, text: `${name}: ${message} (see --help)` };
  }
  if ((err as Error)?.name === "AbortError") {
    return { code: EXIT.interrupted, text: `${name}: interrupted` };
  }
  const resource = err instanceof ResourceError ? err : asResourceError(err);
  if (resource) return { code: EXIT.failure, text: `${name}: ${resource.message}` };
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { code: EXIT.failure, text: `${name}: unexpected error: ${text}` };
}

/**
 * Runs a script's main function and exits the process with the right code.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./run_main.ts";
 * await runMain("data", async (args, { signal }) => {
 *   // ... do the work, pass `signal` to anything long
 * });
 * ```
 */
export async function runMain(
  name: string,
  main: (args: string[], ctx: MainContext) => Promise<number | void>,
  args: string[] = Deno.args,
): Promise<never> {
  const controller = new AbortController();
  const onInterrupt = () => {
    if (controller.signal.aborted) Deno.exit(EXIT.interrupted);
    controller.abort(new DOMException("interrupted", "AbortError"));
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  let code: number;
  try {
    code = (await main(args, { signal: controller.signal })) ?? EXIT.ok;
  } catch (err) {
    const out = exitFor(controller.signal.aborted ? controller.signal.reason : err, name);
    code = out.code;
    writeErr(out.text);
  }
  Deno.removeSignalListener("SIGINT", onInterrupt);
  Deno.exit(code);
}

function writeErr(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
