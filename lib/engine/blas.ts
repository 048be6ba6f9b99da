/**
 * Finding and loading a system CBLAS library through Deno FFI, for native
 * `cblas_sgemm` (see `lib/README.md`, "The engine"). Nothing here changes the
 * library's environment: thread counts and core types are whatever the user's
 * `OPENBLAS_*`/`OMP_*` variables say.
 *
 * @module
 */

/** A loaded CBLAS library. */
export interface Blas {
  /** What was loaded, for {@link BlasInfo}. */
  readonly info: BlasInfo;
  /**
   * Row-major `C = A·B` (after the optional transposes) with `alpha = 1`,
   * `beta = 0`, on raw pointers: `cblas_sgemm(RowMajor, …)`.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Deno.PointerValue,
    lda: number,
    b: Deno.PointerValue,
    ldb: number,
    c: Deno.PointerValue,
    ldc: number,
  ): void;
  /** Sets the library's thread count (OpenBLAS only; absent elsewhere). */
  readonly setThreads?: (n: number) => void;
}

/** Which CBLAS library is in use. */
export interface BlasInfo {
  /** The path (or soname) given to `dlopen`, resolved to a file when it can be. */
  readonly path: string;
  /** For example `OpenBLAS 0.3.21` (from `openblas_get_config`), `Accelerate`, or `CBLAS`. */
  readonly vendor: string;
  /** Threads the library will use (`openblas_get_num_threads`), when it says. */
  readonly threads: number | null;
  /** Extra detail, such as OpenBLAS's build configuration and core type. */
  readonly detail?: string;
  /**
   * Set when the engine runs small products on one thread (OpenBLAS, thread
   * count not chosen by the user): why, in words.
   */
  readonly threadPolicy?: string;
}

/** The outcome of looking for a library: loaded, or why not. */
export type BlasLoad =
  | { readonly ok: true; readonly blas: Blas }
  | { readonly ok: false; readonly reason: string };

/** The environment variable holding a CBLAS path, or `off`. */
export const BLAS_ENV = "LMFS_BLAS";

/**
 * Standard names and places of a CBLAS library, tried in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blasCandidates } from "./blas.ts";
 * assert.equal(blasCandidates("linux")[0], "libopenblas.so.0");
 * ```
 */
export function blasCandidates(os: typeof Deno.build.os = Deno.build.os): readonly string[] {
  if (os === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    ];
  }
  if (os === "windows") return ["libopenblas.dll", "openblas.dll"];
  return [
    "libopenblas.so.0",
    "libopenblas.so",
    "libblas.so.3",
    "/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
    "/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
    "/usr/lib/x86_64-linux-gnu/libblas.so.3",
    "/usr/lib/aarch64-linux-gnu/libblas.so.3",
    "/usr/lib64/libopenblas.so.0",
    "/usr/lib/libopenblas.so.0",
    "/usr/local/lib/libopenblas.so.0",
    "/usr/local/lib/libopenblas.so",
    "/opt/OpenBLAS/lib/libopenblas.so",
  ];
}

const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "pointer",
      "i32",
      "pointer",
      "i32",
      "f32",
      "pointer",
      "i32",
    ],
    result: "void",
  },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  MKL_Get_Max_Threads: { parameters: [], result: "i32", optional: true },
  bli_thread_get_num_threads: { parameters: [], result: "i64", optional: true },
} as const;

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

const loaded = new Map<string, Blas>();

/**
 * Loads the CBLAS library `spec` asks for: `"off"` disables, a path loads that
 * library, `undefined` tries {@link blasCandidates} in order. Never throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadBlas } from "./blas.ts";
 * const off = loadBlas("off");
 * assert.equal(off.ok, false);
 * ```
 */
export function loadBlas(spec?: string): BlasLoad {
  if (spec === "off") return { ok: false, reason: `disabled (${BLAS_ENV}=off or --no-blas)` };
  if (!ffiAllowed()) {
    return { ok: false, reason: "no FFI permission (run deno with --allow-ffi or --allow-all)" };
  }
  if (spec !== undefined && spec !== "") {
    const one = open(spec);
    return typeof one === "string"
      ? { ok: false, reason: `${BLAS_ENV}=${spec} could not be loaded: ${one}` }
      : { ok: true, blas: one };
  }
  for (const candidate of blasCandidates()) {
    const one = open(candidate);
    if (typeof one !== "string") return { ok: true, blas: one };
  }
  return { ok: false, reason: "no CBLAS library found (install OpenBLAS, or set LMFS_BLAS)" };
}

/** Reads `LMFS_BLAS` when the environment may be read (never prompts). */
export function blasFromEnv(): string | undefined {
  try {
    const state = Deno.permissions.querySync({ name: "env", variable: BLAS_ENV }).state;
    return state === "granted" ? Deno.env.get(BLAS_ENV) : undefined;
  } catch {
    return undefined;
  }
}

/** Environment variables through which a user sets BLAS threads. */
export const BLAS_THREAD_ENV: readonly string[] = [
  "OPENBLAS_NUM_THREADS",
  "GOTO_NUM_THREADS",
  "OMP_NUM_THREADS",
];

/**
 * Whether the user chose the BLAS thread count through the environment:
 * `true` or `false`, or `null` when the environment may not be read (then the
 * engine leaves the library's threads alone).
 */
export function userSetBlasThreads(): boolean | null {
  try {
    for (const name of BLAS_THREAD_ENV) {
      if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
        return null;
      }
      if (Deno.env.get(name) !== undefined) return true;
    }
    return false;
  } catch {
    return null;
  }
}

function ffiAllowed(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

function open(path: string): Blas | string {
  const cached = loaded.get(path);
  if (cached) return cached;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  try {
    lib = Deno.dlopen(path, SYMBOLS);
  } catch (err) {
    return oneLine((err as Error).message);
  }
  const s = lib.symbols;
  const setThreads = s.openblas_set_num_threads;
  const blas: Blas = {
    info: describe(path, s),
    setThreads: setThreads ? (n) => setThreads(n) : undefined,
    sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc) {
      s.cblas_sgemm(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        1,
        a,
        lda,
        b,
        ldb,
        0,
        c,
        ldc,
      );
    },
  };
  loaded.set(path, blas);
  return blas;
}

type Symbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

function describe(path: string, s: Symbols): BlasInfo {
  const resolved = resolvePath(path);
  if (s.openblas_get_config) {
    const config = cString(s.openblas_get_config());
    const core = s.openblas_get_corename ? cString(s.openblas_get_corename()) : "";
    const words = config.split(/\s+/);
    const vendor = words[0] === "OpenBLAS" && words[1] ? `OpenBLAS ${words[1]}` : "OpenBLAS";
    const threads = s.openblas_get_num_threads ? s.openblas_get_num_threads() : null;
    const detail = [config, core ? `core ${core}` : ""].filter(Boolean).join("; ");
    return { path: resolved, vendor, threads, detail };
  }
  if (s.MKL_Get_Max_Threads) {
    return { path: resolved, vendor: "Intel MKL", threads: s.MKL_Get_Max_Threads() };
  }
  if (s.bli_thread_get_num_threads) {
    return { path: resolved, vendor: "BLIS", threads: Number(s.bli_thread_get_num_threads()) };
  }
  const vendor = path.includes("Accelerate") ? "Accelerate" : "CBLAS";
  return { path: resolved, vendor, threads: null };
}

function cString(ptr: Deno.PointerValue): string {
  return ptr === null ? "" : Deno.UnsafePointerView.getCString(ptr);
}

/** A soname such as `libopenblas.so.0` resolved to the file the loader mapped (Linux). */
function resolvePath(path: string): string {
  if (path.includes("/") || Deno.build.os !== "linux") return path;
  try {
    if (Deno.permissions.querySync({ name: "read", path: "/proc/self/maps" }).state !== "granted") {
      return path;
    }
    const stem = path.replace(/\.so.*$/, "");
    const files = new Set(
      Deno.readTextFileSync("/proc/self/maps").split("\n")
        .map((line) => line.slice(line.indexOf("/")))
        .filter((file) => file.startsWith("/") && file.split("/").pop()!.startsWith(stem)),
    );
    return files.size === 1 ? [...files][0] : path;
  } catch {
    return path;
  }
}

function oneLine(message: string): string {
  return message.split("\n")[0].replace(/^(Could not open library: )+/, "").trim();
}
