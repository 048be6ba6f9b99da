/**
 * The WebAssembly SIMD implementation of the engine's loops (`loops.ts`):
 * assembled at start-up from `simd_rows.ts` and `simd_elementwise.ts` and
 * instantiated on the wasm backend's own memory, so they read and write
 * tensors where they lie. Shapes a SIMD loop does not handle (rows that are
 * not a multiple of four floats, fewer than four elements) go to the
 * TypeScript loops.
 *
 * @module
 */
import type { Slab } from "./heap.ts";
import type { Loops } from "./loop_types.ts";
import { jsLoops } from "./loops_js.ts";
import { ELEMENTWISE_MACROS, ELEMENTWISE_SOURCE } from "./simd_elementwise.ts";
import { ROW_MACROS, ROWS_SOURCE } from "./simd_rows.ts";
import { SOFTMAX_MACROS, SOFTMAX_SOURCE } from "./simd_softmax.ts";
import { expand, FMA_MACROS, MACROS } from "./simd_wat.ts";
import { assemble } from "./wasm_asm.ts";

interface Exports {
  layer_norm(...args: number[]): void;
  layer_norm_grad(...args: number[]): void;
  causal_softmax(...args: number[]): void;
  causal_softmax_grad(...args: number[]): void;
  gelu(x: number, y: number, n: number): void;
  gelu_grad(dy: number, x: number, y: number, dx: number, n: number): void;
  adamw(...args: number[]): void;
  row_softmax_stats(x: number, rows: number, v: number, out: number): void;
  row_softmax_scaled(x: number, lse: number, rows: number, v: number, g: number, c: number): void;
  sum_squares(x: number, n: number): number;
  scale(x: number, y: number, n: number, c: number): void;
  add_bias(y: number, b: number, rows: number, cols: number): void;
  sum_rows(x: number, rows: number, cols: number, out: number): void;
}

/**
 * The assembled module: with fused multiply-adds (relaxed SIMD) or without
 * (strict SIMD, for runtimes that lack relaxed SIMD).
 */
export function simdBinary(fma: boolean): Uint8Array<ArrayBuffer> {
  const base = fma ? FMA_MACROS : MACROS;
  return assemble(
    expand(`(module ${ROWS_SOURCE} ${SOFTMAX_SOURCE} ${ELEMENTWISE_SOURCE})`, {
      ...base,
      ...ROW_MACROS,
      ...SOFTMAX_MACROS,
      ...ELEMENTWISE_MACROS,
    }),
  );
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, preferring the FMA build; `null` without WebAssembly SIMD. */
function simdModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  for (const fma of [true, false]) {
    try {
      compiled = new WebAssembly.Module(simdBinary(fma));
      break;
    } catch {
      // no relaxed SIMD (or no SIMD at all): try the next build
    }
  }
  return compiled;
}

/** Byte address of a slab on the wasm heap. */
const ptr = (s: Slab) => s.off * 4;

/**
 * The SIMD loops working on `memory` (the wasm backend's heap), or `null`
 * when this runtime cannot compile them (no WebAssembly SIMD).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simdLoops } from "./loops_simd.ts";
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const loops = simdLoops(memory)!;
 * const heap = new Float32Array(memory.buffer);
 * heap.set([1, 2, 3, 4, 5], 0);
 * assert.equal(loops.sumSquares({ arr: heap, off: 0 }, 5), 55);
 * ```
 */
export function simdLoops(memory: WebAssembly.Memory): Loops | null {
  const module = simdModule();
  if (!module) return null;
  let e: Exports;
  try {
    e = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  } catch {
    return null;
  }
  return {
    kind: "simd",
    layerNorm(x, w, b, y, stats, rows, cols, eps) {
      if (cols % 4 !== 0) return jsLoops.layerNorm(x, w, b, y, stats, rows, cols, eps);
      e.layer_norm(ptr(x), ptr(w), b ? ptr(b) : 0, ptr(y), ptr(stats), rows, cols, eps, b ? 1 : 0);
    },
    layerNormGrad(dy, x, w, stats, dx, dw, db, rows, cols) {
      if (cols % 4 !== 0) return jsLoops.layerNormGrad(dy, x, w, stats, dx, dw, db, rows, cols);
      e.layer_norm_grad(ptr(dy), ptr(x), ptr(w), ptr(stats), ptr(dx), ptr(dw), ptr(db), rows, cols);
    },
    causalSoftmax(s, count, t, scale) {
      if (t % 4 !== 0) return jsLoops.causalSoftmax(s, count, t, scale);
      e.causal_softmax(ptr(s), count, t, scale);
    },
    causalSoftmaxGrad(p, dp, count, t, scale) {
      if (t % 4 !== 0) return jsLoops.causalSoftmaxGrad(p, dp, count, t, scale);
      e.causal_softmax_grad(ptr(p), ptr(dp), count, t, scale);
    },
    rowSoftmaxStats(x, rows, v, stats) {
      if (v < 4) return jsLoops.rowSoftmaxStats(x, rows, v, stats);
      e.row_softmax_stats(ptr(x), rows, v, ptr(stats));
    },
    rowSoftmaxScaled(x, lse, rows, v, g, c) {
      if (v < 4) return jsLoops.rowSoftmaxScaled(x, lse, rows, v, g, c);
      e.row_softmax_scaled(ptr(x), ptr(lse), rows, v, ptr(g), c);
    },
    adamW(p, g, m, v, out, n, h) {
      const f = Math.fround;
      e.adamw(
        ptr(p),
        ptr(g),
        ptr(m),
        ptr(v),
        ptr(out),
        n,
        h.beta1,
        h.beta2,
        f(1 - h.beta1),
        f(1 - h.beta2),
        h.decay,
        h.stepSize,
        h.bc2Sqrt,
        h.eps,
      );
    },
    addBias(y, b, rows, cols) {
      if (cols % 4 !== 0) return jsLoops.addBias(y, b, rows, cols);
      e.add_bias(ptr(y), ptr(b), rows, cols);
    },
    sumRows(x, rows, cols, out) {
      if (cols % 4 !== 0) return jsLoops.sumRows(x, rows, cols, out);
      e.sum_rows(ptr(x), rows, cols, ptr(out));
    },
    sumSquares: (x, n) => e.sum_squares(ptr(x), n),
    scale: (x, y, n, c) => e.scale(ptr(x), ptr(y), n, c),
    gelu(x, y, n) {
      if (n < 4) return jsLoops.gelu(x, y, n);
      e.gelu(ptr(x), ptr(y), n);
    },
    geluGrad(dy, x, y, dx, n) {
      if (n < 4) return jsLoops.geluGrad(dy, x, y, dx, n);
      e.gelu_grad(ptr(dy), ptr(x), ptr(y), ptr(dx), n);
    },
  };
}
