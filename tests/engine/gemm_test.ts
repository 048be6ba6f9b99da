import assert from "node:assert/strict";
import { blasCandidates, blasFromEnv, loadBlas } from "../../lib/engine/blas.ts";
import { blasGemm, type Gemm, jsGemm } from "../../lib/engine/gemm.ts";
import { blasTest } from "../_helpers/blas.ts";

Deno.test("loadBlas: off disables, a missing path says why in one line", () => {
  const off = loadBlas("off");
  assert.equal(off.ok, false);
  const missing = loadBlas("/nonexistent/libcblas.so");
  assert.equal(missing.ok, false);
  if (!missing.ok) {
    assert.match(missing.reason, /^LMFS_BLAS=\/nonexistent\/libcblas\.so could not be loaded: /);
    assert.ok(!missing.reason.includes("\n"));
    assert.ok(!/(Could not open library: ){2}/.test(missing.reason));
  }
});

const LIBC = Deno.build.os === "linux"
  ? "libc.so.6"
  : Deno.build.os === "darwin"
  ? "libSystem.dylib"
  : "";

Deno.test({
  name: "loadBlas: a library without cblas_sgemm is refused (a C library that every Unix has)",
  ignore: !LIBC,
  fn: () => assert.equal(loadBlas(LIBC).ok, false),
});

Deno.test("blasCandidates: OpenBLAS and the system BLAS on Linux, Accelerate on macOS", () => {
  const linux = blasCandidates("linux");
  assert.equal(linux[0], "libopenblas.so.0");
  assert.ok(linux.includes("libblas.so.3"));
  assert.ok(linux.includes("/usr/lib/x86_64-linux-gnu/libopenblas.so.0"));
  assert.equal(
    blasCandidates("darwin")[0],
    "/System/Library/Frameworks/Accelerate.framework/Accelerate",
  );
});

/** Random values in [-1, 1), deterministic. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 1073741824 - 1;
  });
}

function checkGemm(gemm: Gemm) {
  const [m, n, k] = [5, 6, 7];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      // strided storage (row stride larger than the row) and two batch entries at offsets
      const lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 1;
      const aRows = transA ? k : m, bRows = transB ? n : k;
      const a = values(3 + 2 * aRows * lda, 1), b = values(5 + 2 * bRows * ldb, 2);
      const c = new Float32Array(7 + 2 * m * ldc).fill(42);
      const aOff = [3, 3 + aRows * lda], bOff = [5, 5 + bRows * ldb], cOff = [7, 7 + m * ldc];
      gemm.sgemm({ transA, transB, m, n, k, lda, ldb, ldc }, a, aOff, b, bOff, c, cOff);
      for (let e = 0; e < 2; e++) {
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) {
              const av = transA ? a[aOff[e] + p * lda + i] : a[aOff[e] + i * lda + p];
              const bv = transB ? b[bOff[e] + j * ldb + p] : b[bOff[e] + p * ldb + j];
              s += av * bv;
            }
            const got = c[cOff[e] + i * ldc + j];
            assert.ok(
              Math.abs(got - s) < 1e-5,
              `${gemm.kind} tA=${transA} tB=${transB}: ${got} vs ${s}`,
            );
          }
        }
      }
      assert.equal(c[0], 42, "nothing written before the first offset");
      assert.equal(c[7 + n], 42, "row padding untouched");
    }
  }
}

Deno.test("jsGemm: every transpose combination, strided rows, batch offsets", () =>
  checkGemm(jsGemm));

blasTest("blasGemm: every transpose combination, strided rows, batch offsets", () => {
  const load = loadBlas(blasFromEnv());
  assert.ok(load.ok);
  checkGemm(blasGemm(load.blas));
});
