// deno-lint-ignore-file no-console
/**
 * Matrix-product speed (GFLOP/s) on each available backend configuration —
 * `cpu`, `wasm`, and `wasm`/`cpu` with BLAS when a CBLAS library loads — for
 * the shapes a GPT "baby" training step (4 layers, 4 heads, C = 128, T = 64,
 * B = 12) spends its time in. Timings are wall-clock, best of several runs,
 * on the engine's own kernels.
 *
 * Run: `deno run --allow-all scripts/bench/engine.ts` (prints JSON lines).
 *
 * @module
 */
import { engineInfo, initEngine, tf } from "../../lib/engine/mod.ts";

/** One matrix product to time: `op(a)·op(b)`. */
export interface MatmulShape {
  /** Stored shape of `a`. */
  readonly a: readonly number[];
  /** Stored shape of `b`. */
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
  /** What it stands for in the model, e.g. `qkv projection`. */
  readonly role?: string;
}

/** A backend configuration to time. */
export type MatmulBenchBackend = "cpu" | "wasm" | "cpu+blas" | "wasm+blas";

/** Options of {@link benchMatmul}. */
export interface MatmulBenchOptions {
  /** Configurations to time (default: cpu, wasm, wasm+blas); those that cannot run are skipped. */
  readonly backends?: readonly MatmulBenchBackend[];
  /** Products to time (default {@link GPT_BABY_SHAPES}). */
  readonly shapes?: readonly MatmulShape[];
  /** Keep repeating each product for at least this long (default 300 ms). */
  readonly minMs?: number;
  /** CBLAS library for the `+blas` configurations (default: `LMFS_BLAS`, else standard names). */
  readonly blas?: string;
}

/** One measurement. */
export interface MatmulBenchResult {
  /** `cpu`, `wasm`, `cpu+blas` or `wasm+blas`. */
  backend: string;
  /** The BLAS vendor, e.g. `OpenBLAS 0.3.21`, or `null` without BLAS. */
  blas: string | null;
  /** The product, e.g. `[768,128]x[128,384]` (`^T`: transposed). */
  shape: string;
  /** Billions of floating-point operations per second (2·m·n·k per product). */
  gflops: number;
  /** Milliseconds per product (best run). */
  ms: number;
}

/** The products of a GPT "baby" training step (B·T = 768 rows, C = 128, 4 heads of 32). */
export const GPT_BABY_SHAPES: readonly MatmulShape[] = [
  { a: [768, 128], b: [128, 384], role: "qkv projection (forward)" },
  { a: [48, 64, 32], b: [48, 32, 64], role: "attention scores, batched" },
  { a: [768, 128], b: [768, 384], transposeA: true, role: "weight gradient" },
  { a: [768, 384], b: [128, 384], transposeB: true, role: "input gradient" },
];

/**
 * Times each product on each configuration. Leaves the engine as it found it
 * (re-initialised to the previous backend) when it was initialised before.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { benchMatmul } from "./engine.ts";
 * const results = await benchMatmul({
 *   backends: ["cpu"], shapes: [{ a: [8, 4], b: [4, 8] }], minMs: 1,
 * });
 * assert.equal(results[0].shape, "[8,4]x[4,8]");
 * assert.ok(results[0].gflops > 0);
 * ```
 */
export async function benchMatmul(options: MatmulBenchOptions = {}): Promise<MatmulBenchResult[]> {
  const before = engineInfo();
  const results: MatmulBenchResult[] = [];
  for (const config of options.backends ?? ["cpu", "wasm", "wasm+blas"]) {
    const [backend, withBlas] = config.split("+") as ["cpu" | "wasm", string | undefined];
    let blas: string | null = null;
    try {
      const info = await initEngine({ backend, blas: withBlas ? options.blas : "off" });
      if (withBlas && !info.blas) continue; // no BLAS library here
      blas = info.blas?.vendor ?? null;
    } catch {
      continue; // backend not available here
    }
    for (const shape of options.shapes ?? GPT_BABY_SHAPES) {
      const { ms, flops } = timeMatmul(shape, options.minMs ?? 300);
      results.push({ backend: config, blas, shape: label(shape), gflops: flops / ms / 1e6, ms });
    }
  }
  if (before.requested !== null) {
    await initEngine({ backend: before.requested, blas: before.blas?.path ?? "off" });
  }
  return results;
}

function timeMatmul(s: MatmulShape, minMs: number): { ms: number; flops: number } {
  const a = tf.randomNormal([...s.a]), b = tf.randomNormal([...s.b]);
  const run = () => tf.tidy(() => void tf.matMul(a, b, s.transposeA, s.transposeB));
  run(); // warm up (allocations, JIT, XNNPACK weight packing)
  run();
  let best = Infinity, total = 0, count = 0;
  while ((total < minMs || count < 3) && count < 10_000) {
    const t0 = performance.now();
    run();
    const ms = performance.now() - t0;
    best = Math.min(best, ms);
    total += ms;
    count++;
  }
  const ra = s.a.length;
  const m = s.transposeA ? s.a[ra - 1] : s.a[ra - 2];
  const k = s.transposeA ? s.a[ra - 2] : s.a[ra - 1];
  const n = s.transposeB ? s.b[s.b.length - 2] : s.b[s.b.length - 1];
  const batch = Math.max(
    tf.util.sizeFromShape(s.a.slice(0, -2)),
    tf.util.sizeFromShape(s.b.slice(0, -2)),
  );
  tf.dispose([a, b]);
  return { ms: Math.max(best, 1e-6), flops: 2 * batch * m * n * k };
}

function label(s: MatmulShape): string {
  const one = (shape: readonly number[], t?: boolean) => `[${shape.join(",")}]${t ? "^T" : ""}`;
  return `${one(s.a, s.transposeA)}x${one(s.b, s.transposeB)}`;
}

if (import.meta.main) {
  for (const r of await benchMatmul()) console.log(JSON.stringify(r));
}
