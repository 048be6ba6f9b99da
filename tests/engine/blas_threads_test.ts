import assert from "node:assert/strict";
import { procSpareCores, ThreadChooser } from "../../lib/engine/blas_threads.ts";
import type { Blas } from "../../lib/engine/blas.ts";
import { blasGemm } from "../../lib/engine/gemm.ts";

Deno.test("ThreadChooser: one thread for small products, more while other processes leave cores idle", () => {
  let spare: number | null = 1;
  const chooser = new ThreadChooser(4, () => spare);
  const big = 2 ** 25;
  assert.equal(chooser.threads(64 * 64 * 32, 0), 1);
  assert.equal(chooser.threads(big, 0), 2); // one idle core: this thread and one more
  spare = 3.9;
  assert.equal(chooser.threads(big, 100), 2, "the load is sampled every SAMPLE_MS only");
  assert.equal(chooser.threads(big, 250), 4);
  spare = 0.4;
  assert.equal(chooser.threads(big, 500), 1, "a busy machine: one thread");
  spare = 0.6;
  assert.equal(chooser.threads(big, 700), 2, "a core more than half free: use it");
  spare = null;
  assert.equal(chooser.threads(big, 900), 4, "unknown load: the library's count");
  assert.equal(new ThreadChooser(1, () => 8).threads(big), 1);
  assert.equal(new ThreadChooser(2, null).threads(big), 2);
});

const LINUX = Deno.build.os === "linux";

Deno.test({
  name: "procSpareCores reads a number of idle cores from /proc",
  ignore: !LINUX, // /proc/stat is Linux's; elsewhere the next test checks the null
  fn: async () => {
    const spare = procSpareCores(); // the tests run with --allow-all: /proc may be read
    assert.ok(spare, "Linux with read permission: a reader");
    await new Promise((r) => setTimeout(r, 20)); // some clock ticks between two readings
    const cores = spare();
    assert.ok(cores !== null, "two readings give a number");
    assert.ok(cores >= 0 && cores <= (navigator.hardwareConcurrency ?? 1) - 1, `${cores}`);
  },
});

Deno.test({
  name: "procSpareCores says it cannot read the load where there is no /proc",
  ignore: LINUX,
  fn: () => assert.equal(procSpareCores(), null),
});

Deno.test("blasGemm sets the library's threads only where it may choose", () => {
  const calls: string[] = [];
  const fake = (setThreads?: (n: number) => void): Blas => ({
    info: { path: "fake", vendor: "fake", threads: 2 },
    sgemm: (_ta, _tb, m, n, k) => void calls.push(`sgemm ${m}x${n}x${k}`),
    setThreads,
  });
  const threads: number[] = [];
  const a = new Float32Array(1);
  const run = (g: ReturnType<typeof blasGemm>, m: number, n: number, k: number) =>
    g.sgemm(
      { transA: false, transB: false, m, n, k, lda: k, ldb: n, ldc: n },
      a,
      [0],
      a,
      [0],
      a,
      [0],
    );
  const adaptive = blasGemm(fake((n) => threads.push(n)), 2);
  run(adaptive, 64, 64, 32); // small: one thread
  for (let i = 0; i < 10; i++) run(adaptive, 1024, 512, 256); // large: as the machine allows
  assert.equal(threads[0], 1);
  assert.ok(threads.length <= 2, "the count is set only when it changes");
  const fixed = blasGemm(fake((n) => threads.push(n)));
  threads.length = 0;
  run(fixed, 1024, 512, 256);
  run(fixed, 64, 64, 32);
  assert.deepEqual(threads, [], "the user's thread count is never touched");
  assert.equal(calls.length, 13);
});
