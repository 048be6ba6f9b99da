/**
 * Registering kernel overrides while keeping the stock kernels reachable (for
 * dtypes or cases an override hands back), and calling kernels from inside
 * kernels.
 *
 * @module
 */
import { currentGemm, type Gemm } from "./gemm.ts";
import { type Heap, type HeapBackend, heapOf } from "./heap.ts";
import { tf } from "./tf.ts";

/** The arguments tfjs passes a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The backend instance a kernel runs on, as tfjs types it. */
export type BackendRef = KernelArgs["backend"];

/** What an override's kernel function gets besides tfjs's arguments. */
export interface KernelContext {
  /** The backend the kernel is registered for. */
  readonly backendName: HeapBackend;
  /** Memory access for that backend. */
  heap(backend: BackendRef): Heap;
  /** The matrix product in use (BLAS when loaded, else plain TypeScript). */
  gemm(): Gemm;
  /** Runs the stock kernel this one replaced, or throws when there was none. */
  stock(name: string, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[];
  /** Whether a stock kernel exists for `name` on this backend. */
  hasStock(name: string): boolean;
  /** Runs whatever kernel is registered now (an override or the stock one). */
  run(
    name: string,
    backend: BackendRef,
    inputs: tf.NamedTensorInfoMap,
    attrs?: tf.NamedAttrMap,
  ): tf.TensorInfo | tf.TensorInfo[];
}

/** Builds a kernel function for one backend. */
export type KernelFactory = (ctx: KernelContext) => tf.KernelFunc;

const originals = new Map<string, tf.KernelConfig | null>();

/** The context for kernels registered on `backendName`. */
export function kernelContext(backendName: HeapBackend): KernelContext {
  const stockConfig = (name: string) => {
    const key = `${backendName}_${name}`;
    if (!originals.has(key)) originals.set(key, tf.getKernel(name, backendName) ?? null);
    return originals.get(key)!;
  };
  return {
    backendName,
    heap: (backend) => heapOf(backendName, backend),
    gemm: currentGemm,
    stock(name, args) {
      const config = stockConfig(name);
      if (!config) throw new Error(`no stock ${name} kernel on the ${backendName} backend`);
      return config.kernelFunc(args);
    },
    hasStock: (name) => stockConfig(name) !== null,
    run(name, backend, inputs, attrs = {}) {
      const config = tf.getKernel(name, backendName);
      if (!config) throw new Error(`no ${name} kernel on the ${backendName} backend`);
      return config.kernelFunc({ inputs, backend, attrs });
    },
  };
}

/**
 * Registers `factory`'s kernel for `name` on `backendName`, replacing what is
 * there (the stock kernel is remembered once and stays callable through
 * {@link KernelContext.stock}, its setup function still runs).
 */
export function overrideKernel(
  backendName: HeapBackend,
  name: string,
  factory: KernelFactory,
): void {
  const ctx = kernelContext(backendName);
  ctx.hasStock(name); // remember the stock kernel before replacing it
  const stock = originals.get(`${backendName}_${name}`) ?? null;
  if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
  tf.registerKernel({
    kernelName: name,
    backendName,
    kernelFunc: factory(ctx),
    setupFunc: stock?.setupFunc,
    disposeFunc: stock?.disposeFunc,
  });
}

/** Re-labels a tensor's shape without touching its memory (a free reshape). */
export function withShape(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Overrides the stock kernel falls back to: float32 only. */
export function isFloat(...infos: (tf.TensorInfo | undefined)[]): boolean {
  return infos.every((t) => t === undefined || t.dtype === "float32");
}
