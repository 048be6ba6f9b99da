/**
 * The element loops behind the engine's fused kernels (layer norm, causal
 * softmax, GELU, AdamW, global-norm clipping), as one interface with two
 * implementations: plain TypeScript (`loops_js.ts`, every backend) and
 * WebAssembly SIMD on the wasm backend's own memory (`loops_simd.ts`), which
 * is several times faster for anything with an `exp` or a `sqrt` in it.
 *
 * @module
 */
import type { Heap } from "./heap.ts";
import type { Loops } from "./loop_types.ts";
import { jsLoops } from "./loops_js.ts";

export type { AdamWStep, Loops } from "./loop_types.ts";

/** The fastest loops for `heap`'s backend. */
export function loops(heap: Heap): Loops {
  return heap.name === "wasm" && simd !== null ? simd : jsLoops;
}

let simd: Loops | null = null;

/** Sets the SIMD loops used on wasm (`null`: TypeScript everywhere). */
export function useSimdLoops(l: Loops | null): void {
  simd = l;
}
