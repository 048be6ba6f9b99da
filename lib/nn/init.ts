/**
 * Weight initialisers that draw their numbers from our own seeded {@link Rng},
 * not from the backend: the same seed then gives the same weights on every
 * backend (cpu, wasm, wasm + BLAS, tfjs-node), so runs compare exactly.
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** How to fill a new parameter. */
export type Init =
  | { kind: "zeros" }
  | { kind: "ones" }
  | { kind: "normal"; std: number; mean?: number }
  | { kind: "uniform"; low: number; high: number };

/**
 * Fills `count` float32 values according to `init`, drawing from `rng`.
 * Normal values use the Box–Muller transform.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initValues } from "./init.ts";
 * import { Rng } from "../rng.ts";
 * const w = initValues(10_000, { kind: "normal", std: 0.02 }, new Rng(1));
 * const mean = w.reduce((a, b) => a + b, 0) / w.length;
 * assert.ok(Math.abs(mean) < 0.001);
 * ```
 */
export function initValues(count: number, init: Init, rng: Rng): Float32Array {
  const out = new Float32Array(count);
  switch (init.kind) {
    case "zeros":
      return out;
    case "ones":
      return out.fill(1);
    case "uniform": {
      const span = init.high - init.low;
      for (let i = 0; i < count; i++) out[i] = init.low + span * rng.next();
      return out;
    }
    case "normal": {
      const mean = init.mean ?? 0;
      for (let i = 0; i < count; i += 2) {
        // Box–Muller: two uniforms give two independent standard normals
        const u1 = 1 - rng.next(); // in (0, 1], so log is finite
        const u2 = rng.next();
        const r = Math.sqrt(-2 * Math.log(u1));
        out[i] = mean + init.std * r * Math.cos(2 * Math.PI * u2);
        if (i + 1 < count) out[i + 1] = mean + init.std * r * Math.sin(2 * Math.PI * u2);
      }
      return out;
    }
  }
}
