/**
 * The `--backend` flag every script shares, its choices read from the
 * engine's own list.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { BACKEND_REQUESTS, type BackendRequest } from "../engine/engine.ts";

/** The choices as a phrase for `--help` and errors: "auto, tensorflow, wasm, cpu or webgpu". */
export const BACKEND_CHOICES: string = `${BACKEND_REQUESTS.slice(0, -1).join(", ")} or ${
  BACKEND_REQUESTS[BACKEND_REQUESTS.length - 1]
}`;

/**
 * The `--backend` value (default `auto`), or a one-line {@link InputError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseBackendFlag } from "./backend_flag.ts";
 * assert.equal(parseBackendFlag(undefined), "auto");
 * assert.equal(parseBackendFlag("wasm"), "wasm");
 * assert.throws(() => parseBackendFlag("gpu"), /--backend must be auto, tensorflow, wasm, cpu or webgpu; got "gpu"/);
 * ```
 */
export function parseBackendFlag(value: string | undefined): BackendRequest {
  const backend = value ?? "auto";
  if (!(BACKEND_REQUESTS as readonly string[]).includes(backend)) {
    throw new InputError(`--backend must be ${BACKEND_CHOICES}; got "${backend}"`);
  }
  return backend as BackendRequest;
}
