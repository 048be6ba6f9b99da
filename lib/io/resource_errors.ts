/**
 * The machine's limits, as one line each: a full disk (`ENOSPC`, `EDQUOT`)
 * and an exhausted memory (JavaScript's "Array buffer allocation failed", the
 * wasm backend's "memory access out of bounds" and `Aborted()`). They become
 * {@link ResourceError}s, which scripts print without a stack trace.
 *
 * @module
 */
import { ResourceError } from "../errors.ts";

const DISK_FULL = new Set(["ENOSPC", "EDQUOT"]);

const OUT_OF_MEMORY = [
  /Array buffer allocation failed/,
  /Invalid (typed )?array (buffer )?length/,
  /memory access out of bounds/,
  /\bAborted\(/,
  /\bout of memory\b/i,
  /Cannot enlarge memory/,
  /WebAssembly\.Memory.*grow/,
];

let memoryAdvice = "lower --batch-size or --block-size, or choose a smaller model";

/**
 * Sets the advice an out-of-memory message ends with (a command calls it with
 * its own flags' values, e.g. "lower --batch-size (now 64) or --block-size").
 */
export function setMemoryAdvice(advice: string): void {
  memoryAdvice = advice;
}

/** Whether `err` is the operating system saying the disk (or quota) is full. */
export function isDiskFull(err: unknown): boolean {
  return DISK_FULL.has(String((err as { code?: unknown })?.code));
}

/**
 * The {@link ResourceError} for a save that ran out of disk space: where, and
 * how much it needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diskFullError } from "./resource_errors.ts";
 * const err = Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" });
 * assert.match(diskFullError(err, "run/best", 3_000_000)!.message, /saving run\/best: it needed 3\.0 MB/);
 * assert.equal(diskFullError(new Error("other"), "run/best", 1), undefined);
 * ```
 */
export function diskFullError(
  err: unknown,
  where: string,
  neededBytes: number,
): ResourceError | undefined {
  if (!isDiskFull(err)) return undefined;
  return new ResourceError(
    `no space left on the device saving ${where}: it needed ${formatBytes(neededBytes)}; ` +
      `nothing half-written was kept and the previous checkpoints are intact: ` +
      `free some space (or choose another --out) and continue with --resume`,
    { cause: err },
  );
}

/**
 * `err` as a one-line {@link ResourceError} when it is a full disk or an
 * allocation failure, else `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asResourceError } from "./resource_errors.ts";
 * const oom = asResourceError(new RangeError("Array buffer allocation failed"));
 * assert.match(oom!.message, /^ran out of memory \(Array buffer allocation failed\): lower --batch-size/);
 * assert.equal(asResourceError(new TypeError("x is undefined")), undefined);
 * ```
 */
export function asResourceError(err: unknown): ResourceError | undefined {
  if (err instanceof ResourceError) return err;
  if (isDiskFull(err)) {
    const first = String((err as Error).message).split("\n")[0];
    return new ResourceError(
      `no space left on the device (${first}): free some space and run again`,
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  if (OUT_OF_MEMORY.some((re) => re.test(message))) {
    const first = message.split("\n")[0].trim();
    return new ResourceError(`ran out of memory (${first}): ${memoryAdvice}`, { cause: err });
  }
  return undefined;
}

/** Bytes in decimal units, as the CLI's progress lines print them ("3.0 MB"). */
function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
