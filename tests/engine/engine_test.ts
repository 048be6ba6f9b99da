import assert from "node:assert/strict";
import { engineInfo, formatEngineInfo, initEngine, tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { blasTest } from "../_helpers/blas.ts";

/** Runs `fn` with environment variable `name` set to `value`, then restores it. */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const old = Deno.env.get(name);
  Deno.env.set(name, value);
  try {
    return await fn();
  } finally {
    if (old === undefined) Deno.env.delete(name);
    else Deno.env.set(name, old);
  }
}

Deno.test("initEngine auto takes wasm when tfjs-node's native addon is absent, and says why", async () => {
  const info = await initEngine({ blas: "off" });
  assert.equal(info.requested, "auto");
  assert.equal(info.backend, tf.getBackend());
  if (info.backend !== "tensorflow") {
    assert.equal(info.backend, "wasm");
    assert.match(info.notes[0], /^tensorflow: /);
    assert.equal(info.threads, 1);
    assert.equal(typeof info.simd, "boolean");
    assert.ok(info.kernels.includes("BatchMatMul") && info.kernels.includes("UnsortedSegmentSum"));
  }
  assert.deepEqual(engineInfo(), info);
});

Deno.test("initEngine with a backend asked for by name that cannot load is an InputError", async () => {
  for (const backend of ["tensorflow", "webgpu"] as const) {
    try {
      const info = await initEngine({ backend });
      assert.equal(info.backend, backend); // it is installed on this machine
    } catch (err) {
      assert.ok(err instanceof InputError, `${backend}: ${err}`);
      assert.match(err.message, new RegExp(`^backend "${backend}" is not available: `));
      assert.ok(!err.message.includes("\n"), "one line");
    }
  }
  await initEngine({ backend: "cpu", blas: "off" }); // leave a known backend behind
});

Deno.test("initEngine rejects an unknown backend name with the choices", async () => {
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => initEngine({ backend: "gpu" as any }),
    (err: Error) =>
      err instanceof InputError && /auto, tensorflow, wasm, cpu, webgpu/.test(err.message),
  );
});

Deno.test("initEngine with blas off, or LMFS_BLAS=off, runs without BLAS", async () => {
  const off = await initEngine({ backend: "wasm", blas: "off" });
  assert.equal(off.blas, null);
  assert.ok(off.notes.some((n) => /^blas: disabled/.test(n)));
  const env = await withEnv("LMFS_BLAS", "off", () => initEngine({ backend: "cpu" }));
  assert.equal(env.blas, null);
  assert.ok(env.notes.some((n) => /^blas: disabled/.test(n)));
  assert.match(formatEngineInfo(env), /^cpu \(1 thread\) \+ no BLAS: disabled/);
});

Deno.test("initEngine falls back to no BLAS when LMFS_BLAS names a missing library, saying why", async () => {
  const info = await withEnv(
    "LMFS_BLAS",
    "/nonexistent/libblas.so",
    () => initEngine({ backend: "wasm" }),
  );
  assert.equal(info.backend, "wasm");
  assert.equal(info.blas, null);
  const note = info.notes.find((n) => n.startsWith("blas: "));
  assert.match(note ?? "", /LMFS_BLAS=\/nonexistent\/libblas\.so could not be loaded: /);
  const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]), false, false);
  assert.deepEqual([...y.dataSync()], [3, 3, 3, 3]); // still computes, without BLAS
  y.dispose();
});

blasTest(
  "initEngine loads the BLAS library it is given by path, and reports vendor and threads",
  async () => {
    const found = await initEngine({ backend: "wasm" });
    assert.ok(found.blas);
    const again = await initEngine({ backend: "cpu", blas: found.blas.path });
    assert.equal(again.blas?.path, found.blas.path);
    assert.ok(again.blas.vendor.length > 0);
    if (again.blas.vendor.startsWith("OpenBLAS")) {
      assert.match(again.blas.vendor, /^OpenBLAS \d+\.\d+/);
      assert.ok(again.blas.threads !== null && again.blas.threads >= 1);
    }
    assert.ok(formatEngineInfo(again).includes(again.blas.vendor));
  },
);

Deno.test("formatEngineInfo is one line naming backend, BLAS and tfjs version", () => {
  const base = {
    backend: "wasm",
    requested: "auto" as const,
    threads: 1,
    simd: true,
    kernels: [],
    tfjs: "4.22.0",
  };
  assert.equal(
    formatEngineInfo({ ...base, blas: null, notes: ["blas: no CBLAS library found"] }),
    "wasm (SIMD, 1 thread) + no BLAS: no CBLAS library found · tfjs 4.22.0",
  );
  assert.equal(
    formatEngineInfo({
      ...base,
      backend: "tensorflow",
      simd: null,
      threads: 8,
      blas: null,
      notes: [],
    }),
    "tensorflow (8 threads) · tfjs 4.22.0",
  );
  const blas = { path: "/lib/libopenblas.so.0", vendor: "OpenBLAS 0.3.21", threads: 2 };
  const policy = (threadPolicy: string) =>
    formatEngineInfo({ ...base, notes: [], blas: { ...blas, threadPolicy } });
  assert.equal(
    policy(
      "one thread for small products; 2 for large ones while other processes leave cores idle",
    ),
    "wasm (SIMD, 1 thread) + OpenBLAS 0.3.21 (2 threads when cores are idle, else 1, " +
      "/lib/libopenblas.so.0) · tfjs 4.22.0",
  );
  assert.equal(
    policy("one thread for small products; 2 for large ones"),
    "wasm (SIMD, 1 thread) + OpenBLAS 0.3.21 (2 threads, 1 for small products, " +
      "/lib/libopenblas.so.0) · tfjs 4.22.0",
  );
});
