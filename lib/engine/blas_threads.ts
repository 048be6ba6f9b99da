/**
 * How many threads a BLAS product runs on. OpenBLAS splits every product above
 * a small size across all its threads. On a 2-core machine that made a GPT
 * step ~1.3× faster while the second core was idle (46–50 ms against 62), and
 * up to ~1.7× slower while another process kept it busy (100–110 ms against
 * 65): a product then waits for a helper thread that waits for a core. Timing
 * both settings per product does not work either: switching makes the helper
 * sleep and wake, which is slow exactly when the machine is busy. So the
 * engine looks at the machine instead:
 *
 * - products below {@link ADAPT_ABOVE} multiply-adds always run on one thread
 *   (handing work to another thread costs more than it saves);
 * - larger ones run on `1 + round(spare)` threads (at most the library's
 *   count), where `spare` is the number of cores that other processes left
 *   idle over the last {@link SAMPLE_MS} ms, from `/proc/stat` minus this
 *   process's own time (Linux; elsewhere, or without read permission, the
 *   library's count). A helper thread on a core that is at least half free
 *   still finishes its share no later than this thread does.
 *
 * Results do not depend on the choice: OpenBLAS splits rows and columns of
 * the output between threads, never the sum, so every element is computed the
 * same way.
 *
 * @module
 */

/** Products smaller than this many multiply-adds always run on one thread. */
export const ADAPT_ABOVE = 2 ** 22;

/** How often (milliseconds) the machine's load is sampled again. */
export const SAMPLE_MS = 200;

/** Cores other processes left idle, measured since the previous call (`null`: unknown). */
export type SpareCores = () => number | null;

/** Picks the thread count per product (see the module docs). */
export class ThreadChooser {
  readonly #all: number;
  readonly #spare: SpareCores | null;
  #threads: number;
  #sampled = -Infinity;

  /** For a library running `all` threads by default; `spare` measures idle cores. */
  constructor(all: number, spare: SpareCores | null = procSpareCores()) {
    this.#all = all;
    this.#spare = spare;
    this.#threads = all;
  }

  /**
   * The thread count for a product of `macs` multiply-adds.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ThreadChooser } from "./blas_threads.ts";
   * let idle = 1;
   * const chooser = new ThreadChooser(2, () => idle);
   * assert.equal(chooser.threads(64 * 64 * 32), 1); // small: always one
   * assert.equal(chooser.threads(2 ** 25), 2); // a core is idle
   * ```
   */
  threads(macs: number, now: number = performance.now()): number {
    if (macs < ADAPT_ABOVE || this.#all <= 1) return 1;
    if (this.#spare && now - this.#sampled >= SAMPLE_MS) {
      this.#sampled = now;
      const spare = this.#spare();
      this.#threads = spare === null
        ? this.#all
        : Math.max(1, Math.min(this.#all, 1 + Math.floor(spare + 0.5)));
    }
    return this.#threads;
  }
}

/** CPU time in clock ticks: all cores busy (and stolen), and this process. */
interface Ticks {
  readonly busy: number;
  readonly self: number;
  readonly at: number;
}

/**
 * Spare cores from Linux's `/proc/stat` and `/proc/self/stat`, or `null`
 * where they cannot be read. The first call measures since the process
 * started.
 */
export function procSpareCores(): SpareCores | null {
  const cores = navigator.hardwareConcurrency ?? 1;
  if (Deno.build.os !== "linux" || !readable("/proc/stat") || !readable("/proc/self/stat")) {
    return null;
  }
  const read = (): Ticks | null => {
    try {
      const cpu = Deno.readTextFileSync("/proc/stat").split("\n", 1)[0].trim().split(/\s+/);
      const [user, nice, system, , , irq, softirq, steal] = cpu.slice(1).map(Number);
      const own = Deno.readTextFileSync("/proc/self/stat");
      const fields = own.slice(own.lastIndexOf(")") + 2).split(" ");
      const self = Number(fields[11]) + Number(fields[12]); // utime + stime
      const busy = user + nice + system + irq + softirq + (steal || 0);
      return Number.isFinite(busy + self) ? { busy, self, at: performance.now() } : null;
    } catch {
      return null;
    }
  };
  let last = read();
  if (last === null) return null;
  return () => {
    const now = read();
    if (now === null || last === null) return null;
    const seconds = (now.at - last.at) / 1000;
    const others = (now.busy - last.busy - (now.self - last.self)) / 100 / seconds; // 100 ticks/s
    last = now;
    // ticks are coarse (10 ms) and our own share is counted separately, so over a
    // short interval `others` can come out negative: clamp to what can be idle
    return seconds > 0 ? Math.min(cores - 1, Math.max(0, cores - 1 - others)) : null;
  };
}

/** Whether `path` may be read without a permission prompt. */
function readable(path: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}
