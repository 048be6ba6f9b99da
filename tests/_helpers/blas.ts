/**
 * The one place that decides whether tests that need a CBLAS library run.
 *
 * - The library loads (as the engine would load it: `LMFS_BLAS`, else the
 *   standard names): the tests run.
 * - It does not load: the tests are ignored, and one passing test named
 *   `skipped: BLAS (why)` says so on stderr, as the notebook tests do for
 *   Jupyter.
 * - It does not load and `LMFS_REQUIRE_BLAS=1` (CI sets it): every such test
 *   runs and fails with one line saying why.
 *
 * @module
 */
import { blasFromEnv, loadBlas } from "../../lib/engine/blas.ts";

/** The environment variable that makes a missing BLAS a failure (value `1`). */
export const REQUIRE_BLAS_ENV = "LMFS_REQUIRE_BLAS";

const load = loadBlas(blasFromEnv());

/** Whether a CBLAS library loads here, as the engine would load it. */
export const HAS_BLAS: boolean = load.ok;

/** Why no CBLAS library loads here (`undefined` when one does). */
export const NO_BLAS_REASON: string | undefined = load.ok ? undefined : load.reason;

/** Whether BLAS tests must run (`LMFS_REQUIRE_BLAS=1`). */
export function blasRequired(): boolean {
  try {
    return Deno.env.get(REQUIRE_BLAS_ENV) === "1";
  } catch {
    return false;
  }
}

/** The one-line failure of a required BLAS that does not load. */
export class BlasMissingError extends Error {
  constructor(reason: string) {
    super(`${REQUIRE_BLAS_ENV}=1 but no BLAS: ${reason}`);
    this.name = "BlasMissingError";
    this.stack = `${this.name}: ${this.message}`; // one line, no trace: the reason is all there is
  }
}

/**
 * Throws {@link BlasMissingError} when BLAS is required and does not load.
 * Tests that loop over engine configurations call it before they drop the
 * BLAS ones.
 */
export function assertBlasIfRequired(): void {
  if (!HAS_BLAS && blasRequired()) throw new BlasMissingError(NO_BLAS_REASON!);
}

/** Whether tests that need BLAS are to be ignored here (it is missing and not required). */
export function ignoreBlasTests(): boolean {
  if (HAS_BLAS || blasRequired()) return false;
  announceSkip();
  return true;
}

let announced = false;

function announceSkip(): void {
  if (announced) return;
  announced = true; // a passing test whose name and output say what was skipped and why
  const line =
    `skipped: BLAS tests (${NO_BLAS_REASON}; ${REQUIRE_BLAS_ENV}=1 makes this a failure)`;
  Deno.test(line, () => {
    Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
  });
}

/**
 * Registers a test that needs BLAS: it runs where BLAS loads, is ignored
 * (loudly) where it does not, and fails in one line under `LMFS_REQUIRE_BLAS=1`.
 */
export function blasTest(name: string, fn: () => void | Promise<void>): void {
  Deno.test({
    name,
    ignore: ignoreBlasTests(),
    fn: async () => {
      assertBlasIfRequired();
      await fn();
    },
  });
}
