/**
 * Choosing and accelerating the backend: {@link initEngine} once at start-up,
 * {@link engineInfo} / {@link formatEngineInfo} to say what was chosen.
 *
 * @module
 */
import { type BackendName, BACKENDS, loadBackend, wasmThreads } from "./backends.ts";
import { blasFromEnv, type BlasInfo, loadBlas, userSetBlasThreads } from "./blas.ts";
import { procSpareCores } from "./blas_threads.ts";
import { blasGemm, jsGemm, useGemm } from "./gemm.ts";
import { installGradients, installKernels } from "./kernels.ts";
import { useSimdLoops } from "./loops.ts";
import { simdLoops } from "./loops_simd.ts";
import { tf } from "./tf.ts";
import { InputError } from "../errors.ts";

export type { BackendName } from "./backends.ts";
export type { BlasInfo } from "./blas.ts";

/** What `--backend` accepts: a backend, or `auto` (tensorflow, else wasm, else cpu). */
export type BackendRequest = "auto" | BackendName;

/** Every {@link BackendRequest}: `auto`, then the backends in `auto`'s order. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ["auto", ...BACKENDS];

/** Options of {@link initEngine}. */
export interface EngineOptions {
  /** Which backend (default `auto`). */
  readonly backend?: BackendRequest;
  /**
   * A CBLAS library path, or `"off"`; default: `LMFS_BLAS`, else the standard
   * names (OpenBLAS, the system BLAS, macOS Accelerate). Used by wasm and cpu.
   */
  readonly blas?: string;
}

/** What the engine runs on; printed once by every CLI run and notebook. */
export interface EngineInfo {
  /** The active backend. */
  readonly backend: string;
  /** What was asked for (`null` before {@link initEngine}). */
  readonly requested: BackendRequest | null;
  /** The CBLAS library matrix products use, or `null` (see {@link EngineInfo.notes}). */
  readonly blas: BlasInfo | null;
  /** Threads the backend itself computes with (BLAS threads are in `blas`). */
  readonly threads: number;
  /** Whether wasm runs its SIMD build (`null` for other backends). */
  readonly simd: boolean | null;
  /** Kernels the engine registered on the backend. */
  readonly kernels: readonly string[];
  /** Why a faster choice was not taken, one line each. */
  readonly notes: readonly string[];
  /** The TensorFlow.js version. */
  readonly tfjs: string;
}

let info: EngineInfo | null = null;

/** How to install tfjs-node's native library (its install script downloads libtensorflow). */
export const TFJS_NODE_FIX: string =
  "install it with `deno install --allow-scripts=npm:@tensorflow/tfjs-node` (downloads libtensorflow; needs internet)";

/**
 * Picks the backend, loads BLAS and registers the engine's kernels. `auto`
 * never fails: it takes tfjs-node when it loads, else wasm, else cpu, and
 * notes why. A backend asked for by name that cannot load, or a name that is
 * not a backend, is an {@link InputError}. Call it again to switch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEngineInfo, initEngine, tf } from "./mod.ts";
 * const info = await initEngine({ backend: "cpu", blas: "off" });
 * assert.equal(info.backend, "cpu");
 * assert.equal(tf.getBackend(), "cpu");
 * assert.match(formatEngineInfo(info), /^cpu/);
 * ```
 */
export async function initEngine(options: EngineOptions = {}): Promise<EngineInfo> {
  const requested = options.backend ?? "auto";
  if (requested !== "auto" && !BACKENDS.includes(requested)) {
    throw new InputError(
      `unknown backend "${requested}"; choose one of auto, ${BACKENDS.join(", ")}`,
    );
  }
  const notes: string[] = [];
  let backend: BackendName | null = null;
  if (requested === "auto") {
    for (const name of ["tensorflow", "wasm", "cpu"] as const) {
      const why = await loadBackend(name, true);
      if (why === null) {
        backend = name;
        break;
      }
      notes.push(`${name}: ${why}`);
    }
    if (backend === null) throw new Error(`no TensorFlow.js backend works: ${notes.join("; ")}`);
  } else {
    const why = await loadBackend(requested);
    if (why !== null) {
      const fix = requested === "tensorflow" ? `; ${TFJS_NODE_FIX}, or use --backend auto` : "";
      throw new InputError(`backend "${requested}" is not available: ${why}${fix}`);
    }
    backend = requested;
  }
  installGradients();
  let blas: BlasInfo | null = null;
  let kernels: string[] = [];
  if (backend === "wasm" || backend === "cpu") {
    const load = loadBlas(options.blas ?? blasFromEnv());
    if (load.ok) {
      const threads = load.blas.info.threads;
      const adaptive = load.blas.setThreads !== undefined && threads !== null && threads > 1 &&
        userSetBlasThreads() === false;
      useGemm(blasGemm(load.blas, adaptive ? threads : undefined));
      const watched = procSpareCores() !== null;
      blas = adaptive
        ? {
          ...load.blas.info,
          threadPolicy: `one thread for small products; ${threads} for large ones` +
            (watched ? " while other processes leave cores idle" : "") +
            " (set OPENBLAS_NUM_THREADS to fix the count)",
        }
        : load.blas.info;
    } else {
      useGemm(jsGemm);
      notes.push(`blas: ${load.reason}`);
    }
    kernels = installKernels(backend);
    if (backend === "wasm") {
      const simd = wasmMemory() ? simdLoops(wasmMemory()!) : null;
      useSimdLoops(simd);
      if (!simd) {
        notes.push(
          "simd: the engine's WebAssembly SIMD loops did not load; using TypeScript loops",
        );
      }
    }
  } else if (options.blas !== undefined && options.blas !== "off") {
    notes.push(`blas: not used by the ${backend} backend`);
  }
  info = {
    backend,
    requested,
    blas,
    threads: await backendThreads(backend),
    simd: backend === "wasm" ? await wasmSimd() : null,
    kernels,
    notes,
    tfjs: tf.version_core,
  };
  return info;
}

/**
 * What the engine runs on now. Before {@link initEngine} this is the stock
 * `cpu` backend with no BLAS.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { engineInfo } from "./mod.ts";
 * const info = engineInfo();
 * assert.equal(typeof info.backend, "string");
 * assert.equal(typeof info.tfjs, "string");
 * ```
 */
export function engineInfo(): EngineInfo {
  tf.backend(); // make tfjs pick its default backend if nothing ran yet
  if (info !== null && info.backend === tf.getBackend()) return info;
  return {
    backend: tf.getBackend(),
    requested: null,
    blas: null,
    threads: 1,
    simd: null,
    kernels: [],
    notes: info === null ? ["initEngine() was not called: stock kernels"] : [
      `the backend was switched to ${tf.getBackend()} outside initEngine()`,
    ],
    tfjs: tf.version_core,
  };
}

/**
 * One line for logs, CLIs and notebooks, e.g.
 * `wasm (SIMD, 1 thread) + OpenBLAS 0.3.21 (2 threads) · tfjs 4.22.0`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEngineInfo } from "./mod.ts";
 * const line = formatEngineInfo({
 *   backend: "wasm", requested: "auto", threads: 1, simd: true, kernels: [], notes: [],
 *   blas: { path: "/usr/lib/libopenblas.so.0", vendor: "OpenBLAS 0.3.21", threads: 2 },
 *   tfjs: "4.22.0",
 * });
 * assert.equal(line, "wasm (SIMD, 1 thread) + OpenBLAS 0.3.21 (2 threads, /usr/lib/libopenblas.so.0) · tfjs 4.22.0");
 * ```
 */
export function formatEngineInfo(e: EngineInfo): string {
  const plural = (n: number) => `${n} thread${n === 1 ? "" : "s"}`;
  const detail = [e.simd === null ? "" : e.simd ? "SIMD" : "no SIMD", plural(e.threads)]
    .filter(Boolean).join(", ");
  let line = `${e.backend} (${detail})`;
  if (e.blas) {
    const small = !e.blas.threadPolicy
      ? ""
      : e.blas.threadPolicy.includes("idle")
      ? " when cores are idle, else 1"
      : ", 1 for small products";
    const threads = e.blas.threads === null ? "" : `${plural(e.blas.threads)}${small}, `;
    line += ` + ${e.blas.vendor} (${threads}${e.blas.path})`;
  } else if (e.backend === "wasm" || e.backend === "cpu") {
    const why = e.notes.find((n) => n.startsWith("blas: "));
    line += why ? ` + no BLAS: ${why.slice(6)}` : " + no BLAS";
  }
  return `${line} · tfjs ${e.tfjs}`;
}

async function backendThreads(backend: BackendName): Promise<number> {
  if (backend === "wasm") return await wasmThreads();
  if (backend === "tensorflow") return navigator.hardwareConcurrency ?? 1;
  return 1;
}

async function wasmSimd(): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
  } catch {
    return false;
  }
}

/** The active wasm backend's memory (its heap), when it can be reached. */
function wasmMemory(): WebAssembly.Memory | null {
  const be = tf.backend() as unknown as { wasm?: { asm?: { memory?: unknown } } };
  const memory = be.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}
