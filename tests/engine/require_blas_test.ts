/**
 * `LMFS_REQUIRE_BLAS=1` (set by `.ci/run`) turns a BLAS that does not load
 * from ignored tests into a failure that says why in one line. Checked on a
 * real `deno test` run of the BLAS kernel test.
 */
import assert from "node:assert/strict";
import { ROOT } from "../_helpers/paths.ts";

async function gemmTest(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--no-check", "tests/engine/gemm_test.ts"],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

const MISSING = { LMFS_BLAS: "/nonexistent/libcblas.so" };

Deno.test("a BLAS that does not load: its tests are ignored, and a skip line says why", async () => {
  const r = await gemmTest({ ...MISSING, LMFS_REQUIRE_BLAS: "" });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^blasGemm: every transpose combination.* \.\.\. ignored/m);
  assert.match(r.out, /^skipped: BLAS tests \(LMFS_BLAS=\/nonexistent\/libcblas\.so could not/m);
});

Deno.test("a BLAS that does not load under LMFS_REQUIRE_BLAS=1: the tests fail in one line", async () => {
  const r = await gemmTest({ ...MISSING, LMFS_REQUIRE_BLAS: "1" });
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.out, /^blasGemm: every transpose combination.* \.\.\. FAILED/m);
  assert.match(
    r.out,
    /^error: BlasMissingError: LMFS_REQUIRE_BLAS=1 but no BLAS: LMFS_BLAS=\/nonexistent\/libcblas\.so could not be loaded: [^\n]+$/m,
  );
});
