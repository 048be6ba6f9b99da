/**
 * `UnsortedSegmentSum` for wasm, which has none: the gradient of `tf.gather`,
 * so of every embedding lookup. Rows whose segment id is outside
 * `[0, numSegments)` are dropped, as in TensorFlow.
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import type { tf } from "./tf.ts";

/** Kernel for `UnsortedSegmentSum`. */
export function unsortedSegmentSumKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = args.attrs as { numSegments: number };
    if (x.dtype !== "float32" && x.dtype !== "int32") {
      throw new Error(`unsortedSegmentSum: unsupported dtype ${x.dtype}`);
    }
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const heap = ctx.heap(args.backend);
    const out = heap.alloc(outShape, x.dtype);
    const ids = heap.i32(segmentIds);
    const xs = x.dtype === "float32" ? heap.f32(x) : heap.i32(x);
    const ys = x.dtype === "float32" ? heap.f32(out) : heap.i32(out);
    ys.fill(0);
    const inner = ids.length === 0 ? 0 : xs.length / ids.length;
    for (let i = 0; i < ids.length; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const from = i * inner, to = s * inner;
      for (let j = 0; j < inner; j++) ys[to + j] += xs[from + j];
    }
    return out;
  };
}
