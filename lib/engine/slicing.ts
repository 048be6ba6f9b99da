/**
 * `Slice`, `Unpack` and `SplitV` for wasm that copy only what they return.
 * The stock kernels read the whole input out of the heap on every call, so
 * slicing a sequence one time step at a time (RNNs) costs O(T²).
 *
 * @module
 */
import type { Heap } from "./heap.ts";
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel for `Slice`. */
export function sliceKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return ctx.stock("Slice", args);
    const { begin, size } = args.attrs as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const heap = ctx.heap(args.backend);
    const out = heap.alloc(s, x.dtype);
    copyBox(heap, x, out, b, s);
    return out;
  };
}

/** Kernel for `Unpack` (`tf.unstack`). */
export function unpackKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const value = args.inputs.value as tf.TensorInfo;
    if (value.dtype === "string") return ctx.stock("Unpack", args);
    let { axis } = args.attrs as { axis: number };
    if (axis < 0) axis += value.shape.length;
    const count = value.shape[axis];
    const outShape = value.shape.filter((_, d) => d !== axis);
    const heap = ctx.heap(args.backend);
    const outs = Array.from({ length: count }, () => heap.alloc(outShape, value.dtype));
    const begin = value.shape.map(() => 0);
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    outs.forEach((out, i) => {
      begin[axis] = i;
      copyBox(heap, value, out, begin, size);
    });
    return outs;
  };
}

/** Kernel for `SplitV` (`tf.split`). */
export function splitVKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return ctx.stock("SplitV", args);
    const { numOrSizeSplits, axis } = args.attrs as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const heap = ctx.heap(args.backend);
    const outs = sizes.map((n) => heap.alloc(x.shape.map((d, i) => (i === ax ? n : d)), x.dtype));
    const begin = x.shape.map(() => 0);
    outs.forEach((out) => {
      copyBox(heap, x, out, begin, out.shape);
      begin[ax] += out.shape[ax];
    });
    return outs;
  };
}

/**
 * Copies the box `[begin, begin + size)` of `src` into the contiguous tensor
 * `dst`, one contiguous run at a time (the trailing dimensions the box spans
 * fully merge into one run).
 */
export function copyBox(
  heap: Heap,
  src: tf.TensorInfo,
  dst: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
): void {
  const total = tf.util.sizeFromShape(size as number[]);
  if (total === 0) return;
  const bpe = tf.util.bytesPerElement(src.dtype);
  const from = heap.bytes(src), to = heap.bytes(dst);
  const same = from.buffer === to.buffer;
  const whole = same ? new Uint8Array(from.buffer) : to;
  const shape = src.shape, rank = shape.length;
  const strides = rank === 0 ? [] : [...tf.util.computeStrides(shape), 1];
  let d = rank - 1;
  while (d > 0 && size[d] === shape[d]) d--;
  const run = rank === 0 ? 1 : size[d] * strides[d];
  const runBytes = run * bpe;
  const idx = new Array(Math.max(d, 0)).fill(0);
  let outByte = 0;
  for (let done = 0; done < total; done += run) {
    let at = rank === 0 ? 0 : begin[d] * strides[d];
    for (let i = 0; i < d; i++) at += (begin[i] + idx[i]) * strides[i];
    const srcByte = at * bpe;
    if (same) {
      const s = from.byteOffset + srcByte;
      whole.copyWithin(to.byteOffset + outByte, s, s + runBytes);
    } else {
      to.set(from.subarray(srcByte, srcByte + runBytes), outByte);
    }
    outByte += runBytes;
    for (let i = d - 1; i >= 0; i--) {
      if (++idx[i] < size[i]) break;
      idx[i] = 0;
    }
  }
}
