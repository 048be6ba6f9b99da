/**
 * A kernel's view of tensor memory, the same for the `wasm` backend (every
 * tensor lives on the WebAssembly heap) and the `cpu` backend (every tensor is
 * its own typed array). Kernels read and write tensors in place through it.
 *
 * The rule that keeps wasm kernels correct: **allocate every output first,
 * then take views.** Allocating can grow the WebAssembly memory, which detaches
 * every view taken before.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** Backends whose kernels this module can reach. */
export type HeapBackend = "wasm" | "cpu";

/**
 * A tensor's float32 elements as an offset into a larger array: the whole wasm
 * heap (so `off · 4` is the tensor's address there), or the tensor's own array
 * on cpu (`off` is 0).
 */
export interface Slab {
  readonly arr: Float32Array;
  readonly off: number;
}

/** Memory access for kernels on one backend. */
export interface Heap {
  readonly name: HeapBackend;
  /** A new, uninitialised tensor (may grow memory: take views afterwards). */
  alloc(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** Releases a tensor made inside a kernel that is not returned. */
  free(t: tf.TensorInfo): void;
  /** The float32 elements of `t` (a view: valid until the next {@link Heap.alloc}). */
  f32(t: tf.TensorInfo): Float32Array;
  /** The int32 elements of `t` (a view: valid until the next {@link Heap.alloc}). */
  i32(t: tf.TensorInfo): Int32Array;
  /**
   * The elements of `t` as an offset into a larger float32 array (the whole
   * wasm heap, or the tensor's own array on cpu), for batched products.
   */
  slab(t: tf.TensorInfo): Slab;
  /** The raw bytes of `t`, any dtype except string. */
  bytes(t: tf.TensorInfo): Uint8Array;
}

interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(
    shape: number[],
    dtype: tf.DataType,
    values: tf.backend_util.TypedArray,
  ): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The heap of a `wasm` or `cpu` backend instance. */
export function heapOf(name: HeapBackend, backend: object): Heap {
  return name === "wasm"
    ? wasmHeap(backend as unknown as WasmBackendLike)
    : cpuHeap(backend as unknown as CpuBackendLike);
}

function wasmHeap(be: WasmBackendLike): Heap {
  const offset = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);
  return {
    name: "wasm",
    alloc: (shape, dtype) => be.makeOutput(shape, dtype),
    free: (t) => void be.disposeData(t.dataId),
    f32: (t) => new Float32Array(be.wasm.HEAPU8.buffer, offset(t), size(t)),
    i32: (t) => new Int32Array(be.wasm.HEAPU8.buffer, offset(t), size(t)),
    slab: (t) => ({ arr: new Float32Array(be.wasm.HEAPU8.buffer), off: offset(t) >>> 2 }),
    bytes: (t) =>
      new Uint8Array(be.wasm.HEAPU8.buffer, offset(t), size(t) * tf.util.bytesPerElement(t.dtype)),
  };
}

function cpuHeap(be: CpuBackendLike): Heap {
  const values = (t: tf.TensorInfo) => be.data.get(t.dataId).values as tf.backend_util.TypedArray;
  return {
    name: "cpu",
    alloc: (shape, dtype) => {
      const n = tf.util.sizeFromShape(shape);
      const arr = dtype === "float32"
        ? new Float32Array(n)
        : dtype === "int32"
        ? new Int32Array(n)
        : new Uint8Array(n);
      return be.makeTensorInfo(shape, dtype, arr);
    },
    free: (t) => void be.disposeData(t.dataId),
    f32: (t) => asF32(values(t)),
    i32: (t) => {
      const v = values(t);
      return v instanceof Int32Array ? v : Int32Array.from(v);
    },
    slab: (t) => ({ arr: asF32(values(t)), off: 0 }),
    bytes: (t) => {
      const v = values(t);
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    },
  };
}

function asF32(v: tf.backend_util.TypedArray): Float32Array {
  return v instanceof Float32Array ? v : Float32Array.from(v);
}
