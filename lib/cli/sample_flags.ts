/**
 * Flags shared by `generate` and `chat`: `--checkpoint`, the sampling knobs,
 * and `--backend`, validated into options for `generate()`.
 *
 * @module
 */
import { callerPath } from "./run_dir.ts";
import { InputError } from "../errors.ts";
import type { BackendRequest } from "../engine/mod.ts";
import { BACKEND_CHOICES, parseBackendFlag } from "./backend_flag.ts";
import { validateGenerateOptions } from "../sample/options.ts";

/** `parseArgs` options for the sampling flags. */
export const SAMPLE_FLAGS = {
  checkpoint: { type: "string" },
  prompt: { type: "string" },
  length: { type: "string" },
  temperature: { type: "string" },
  "top-k": { type: "string" },
  "top-p": { type: "string" },
  greedy: { type: "boolean", default: false },
  seed: { type: "string" },
  stop: { type: "string", multiple: true },
  backend: { type: "string" },
  "no-blas": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Help lines for the sampling flags. */
export const SAMPLE_HELP =
  `  --checkpoint PATH   run directory (uses best/, else last/) or checkpoint directory
  --prompt TEXT       text to continue (empty: a newline, or <eos> for word models)
  --length N          new tokens to sample (default 500; chat: 200)
  --temperature T     0 = greedy; lower is more conservative (default 0.8)
  --top-k K           sample among the K most likely tokens (0 = off)
  --top-p P           sample from the smallest set with probability ≥ P (1 = off)
  --greedy            always take the most likely token
  --seed S            random seed (same seed, same text)
  --stop TEXT         stop when TEXT appears (repeatable)
  --backend NAME      ${BACKEND_CHOICES}
  --no-blas           do not use a system BLAS library
  --json              print JSON on stdout
  -h, --help          this help`;

/** Sampling settings from flags. */
export interface SampleSettings {
  readonly checkpoint: string;
  readonly prompt: string;
  readonly length: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly greedy: boolean;
  readonly seed?: number;
  readonly stop: string[];
  readonly backend: BackendRequest;
  readonly noBlas: boolean;
  readonly json: boolean;
}

function num(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) {
    throw new InputError(`--${name} must be a number; got "${raw}"`);
  }
  return n;
}

/**
 * Validates parsed flag values into {@link SampleSettings}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleSettings } from "./sample_flags.ts";
 * const s = sampleSettings({ checkpoint: "run", "top-p": "0.9" }, 500);
 * assert.equal(s.topP, 0.9);
 * assert.throws(() => sampleSettings({ checkpoint: "run", "top-p": "1.5" }, 500), /top-p/);
 * ```
 */
export function sampleSettings(v: Record<string, unknown>, defaultLength: number): SampleSettings {
  const checkpoint = v.checkpoint as string | undefined;
  if (!checkpoint) {
    throw new InputError(
      "--checkpoint is required: a run directory such as data/checkpoints/gpt/default",
    );
  }
  const settings: SampleSettings = {
    checkpoint: callerPath(checkpoint), // as typed, from the caller's directory
    prompt: (v.prompt as string | undefined) ?? "",
    length: num("length", v.length as string | undefined, defaultLength),
    temperature: num("temperature", v.temperature as string | undefined, 0.8),
    topK: num("top-k", v["top-k"] as string | undefined, 0),
    topP: num("top-p", v["top-p"] as string | undefined, 1),
    greedy: Boolean(v.greedy),
    seed: v.seed === undefined ? undefined : num("seed", v.seed as string, 0),
    stop: (v.stop as string[] | undefined) ?? [],
    backend: parseBackendFlag(v.backend as string | undefined),
    noBlas: Boolean(v["no-blas"]),
    json: Boolean(v.json),
  };
  if (settings.seed !== undefined && !Number.isSafeInteger(settings.seed)) {
    throw new InputError(`--seed must be an integer; got ${settings.seed}`);
  }
  validateGenerateOptions({
    maxNewTokens: settings.length,
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
  });
  return settings;
}
