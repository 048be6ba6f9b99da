/**
 * Before a run allocates its model: will it fit? The estimate of
 * `estimateMemory` is compared with what the backend can use (the wasm heap
 * stops at 4 GB) and with the machine's available memory. What cannot fit is
 * refused in one line that says how to make it fit; what comes near the limit
 * is a warning, and the run goes on. The same advice ends the message of an
 * allocation failure that still happens.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import type { BaseConfig } from "../models/types.ts";
import type { ModelSpec } from "../presets/registry.ts";
import { expectedShapes } from "../presets/weights_check.ts";
import { estimateMemory, type MemoryEstimate } from "../train/memory_estimate.ts";
import { setMemoryAdvice } from "../io/resource_errors.ts";

const GB = 1024 ** 3;

/** The wasm heap's ceiling (32-bit addresses). */
export const WASM_HEAP_LIMIT = 4 * GB;

/** Fraction of a limit above which a run is warned about. */
const NEAR = 0.75;

/** One memory limit and how to name it in a message. */
export interface MemoryLimit {
  /** Bytes usable. */
  readonly bytes: number;
  /** Who has them: "the wasm backend", "the machine". */
  readonly owner: string;
  /** Whether the limit is what is free now (the machine), not a ceiling (the wasm heap). */
  readonly available?: boolean;
}

/**
 * The limits a run on `backend` is held to: the wasm heap's 4 GB, and the
 * memory the machine has available now (where it can be read).
 */
export function memoryLimits(backend: string): MemoryLimit[] {
  const limits: MemoryLimit[] = [];
  if (backend === "wasm") {
    limits.push({ bytes: WASM_HEAP_LIMIT, owner: "the wasm backend" });
  }
  try {
    const available = Deno.systemMemoryInfo().available;
    if (available > 0) {
      limits.push({ bytes: available, owner: "the machine", available: true });
    }
  } catch {
    // no --allow-sys, or not reported: the backend's limit alone
  }
  return limits;
}

/**
 * Compares an estimate with limits: throws a one-line {@link InputError}
 * ending in `advice` when it exceeds one, returns a warning when it comes
 * near one, else `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkEstimate } from "./memory_check.ts";
 * const limits = [{ bytes: 4 * 1024 ** 3, owner: "the wasm backend" }];
 * const e = (bytes: number) => ({ bytes, params: 0, activations: bytes, attention: 0, logits: 0 });
 * assert.equal(checkEstimate(e(1e9), limits, "lower --batch-size"), undefined);
 * assert.match(checkEstimate(e(3.5 * 1024 ** 3), limits, "lower --batch-size")!, /^needs ~3\.5 GB of the 4 GB the wasm backend has/);
 * assert.throws(
 *   () => checkEstimate(e(6.1 * 1024 ** 3), limits, "lower --batch-size (now 100000) or --block-size"),
 *   /^InputError: needs ~6\.1 GB, the wasm backend has 4 GB: lower --batch-size \(now 100000\) or --block-size$/,
 * );
 * ```
 */
export function checkEstimate(
  estimate: MemoryEstimate,
  limits: readonly MemoryLimit[],
  advice: string,
): string | undefined {
  const tightest = [...limits].sort((a, b) => a.bytes - b.bytes)[0];
  if (!tightest) return undefined;
  for (const limit of limits) {
    if (estimate.bytes > limit.bytes) {
      throw new InputError(
        `needs ~${gb(estimate.bytes)}, ${limit.owner} has ${gb(limit.bytes)}${
          limit.available ? " available" : ""
        }: ${advice}`,
      );
    }
  }
  if (estimate.bytes > NEAR * tightest.bytes) {
    const of = `the ${gb(tightest.bytes)} ${tightest.owner} has${
      tightest.available ? " available" : ""
    }`;
    return `needs ~${gb(estimate.bytes)} of ${of}; if it runs out: ${advice}`;
  }
  return undefined;
}

/** The advice for an estimate: shrink what dominates it. */
export function memoryAdvice(
  estimate: MemoryEstimate,
  config: BaseConfig,
  run: { batchSize?: number; training: boolean },
): string {
  const c = config as BaseConfig & Record<string, unknown>;
  if (estimate.params * 2 >= estimate.bytes || !run.training) {
    const width = c.nEmbd !== undefined ? "nEmbd" : "hidden";
    return run.training
      ? `use a smaller model: lower ${width} (now ${
        c[width]
      }) or nLayer (now ${c.nLayer}) with --set`
      : "the model is too large for this machine: use a smaller checkpoint or another backend";
  }
  return `lower --batch-size (now ${run.batchSize}) or --block-size (now ${config.blockSize})`;
}

/**
 * Estimates a run's peak memory from its config (nothing is allocated) and
 * checks it against the backend's limits. Returns a warning to print, or
 * `undefined`; throws a one-line {@link InputError} for a run that cannot fit.
 * The advice is also what an allocation failure that still happens will say.
 */
export function checkRunMemory(
  spec: ModelSpec,
  config: BaseConfig,
  run: { backend: string; batchSize: number; training: boolean },
): string | undefined {
  let params = 0;
  for (const shape of expectedShapes(spec, config).values()) {
    params += shape.reduce((a, b) => a * b, 1);
  }
  const estimate = estimateMemory({
    model: spec.name,
    config,
    params,
    batchSize: run.batchSize,
    training: run.training,
  });
  const advice = memoryAdvice(estimate, config, run);
  setMemoryAdvice(advice);
  return checkEstimate(estimate, memoryLimits(run.backend), advice);
}

function gb(bytes: number): string {
  const v = bytes / GB;
  if (bytes === WASM_HEAP_LIMIT) return "4 GB";
  return `${v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1)} GB`;
}
