/**
 * Loading each TensorFlow.js backend. Every loader resolves to `null` when the
 * backend is now active, or to a one-line reason why it could not be.
 *
 * - `tensorflow`: `@tensorflow/tfjs-node` (native libtensorflow), imported
 *   dynamically; without its native addon the import throws, which is caught.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (SIMD where available; single
 *   threaded under Deno, which has no SharedArrayBuffer workers for it).
 * - `cpu`: plain JavaScript, always there.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu`, only on request, and only if
 *   that package is in the import map.
 *
 * @module
 */
import { tf } from "./tf.ts";

/** A backend the engine can run on. */
export type BackendName = "tensorflow" | "wasm" | "cpu" | "webgpu";

/** All backend names, in `auto`'s order of preference (webgpu is never automatic). */
export const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu", "webgpu"];

// Not string literals, so `deno check` does not pull in packages that may be absent.
const TFJS_NODE: string = "@tensorflow/tfjs-node";
const TFJS_WEBGPU: string = "@tensorflow/tfjs-backend-webgpu";

/** Makes `name` the active backend, or says why it cannot be. */
export async function loadBackend(name: BackendName, quick = false): Promise<string | null> {
  switch (name) {
    case "tensorflow":
      return await loadTensorflow(quick);
    case "wasm":
      return await loadWasm();
    case "cpu":
      return await activate("cpu");
    case "webgpu":
      return await loadWebgpu();
  }
}

async function loadTensorflow(quick: boolean): Promise<string | null> {
  if (quick) {
    const missing = missingAddon();
    if (missing) return missing;
  }
  try {
    await import(TFJS_NODE);
  } catch (err) {
    return `tfjs-node did not load: ${oneLine(err)}`;
  }
  return await activate("tensorflow");
}

/**
 * Where tfjs-node is installed without its native addon (the usual case when
 * its download host was unreachable), says so without paying for the import.
 */
function missingAddon(): string | null {
  try {
    const pkg = new URL("../", import.meta.resolve(TFJS_NODE));
    if (pkg.protocol !== "file:") return null;
    const lib = new URL("lib/", pkg);
    const readable = Deno.permissions.querySync({ name: "read", path: lib }).state === "granted";
    if (!readable) return null;
    for (const entry of safeReadDir(lib)) {
      if (entry.isDirectory && entry.name.startsWith("napi-v")) {
        if (exists(new URL(`${entry.name}/tfjs_binding.node`, lib))) return null;
      }
    }
    return "tfjs-node's native addon (tfjs_binding.node) is not installed";
  } catch {
    return null; // cannot tell: let the import decide
  }
}

async function loadWasm(): Promise<string | null> {
  try {
    await import("@tensorflow/tfjs-backend-wasm");
  } catch (err) {
    return `tfjs-backend-wasm did not load: ${oneLine(err)}`;
  }
  return await activate("wasm");
}

async function loadWebgpu(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return "this runtime has no WebGPU (navigator.gpu)";
  try {
    if (!(await gpu.requestAdapter())) return "no WebGPU adapter (GPU) is available";
  } catch (err) {
    return `WebGPU adapter request failed: ${oneLine(err)}`;
  }
  try {
    await import(TFJS_WEBGPU);
  } catch (err) {
    return `${TFJS_WEBGPU} did not load (add "${TFJS_WEBGPU}": ` +
      `"npm:${TFJS_WEBGPU}@${tf.version_core}" to deno.json imports): ${oneLine(err)}`;
  }
  return await activate("webgpu");
}

async function activate(name: BackendName): Promise<string | null> {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return null;
    }
    return `the ${name} backend failed to initialise`;
  } catch (err) {
    return `the ${name} backend failed to initialise: ${oneLine(err)}`;
  }
}

/** Threads the active wasm backend computes with (1 under Deno). */
export async function wasmThreads(): Promise<number> {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    return wasm.getThreadsCount();
  } catch {
    return 1;
  }
}

function safeReadDir(dir: URL): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

function exists(path: URL): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The first line of an error's message. */
export function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0].trim();
}
