/**
 * Checkpoints: a directory holding everything needed to use or resume a run.
 *
 *     model.safetensors      weights, PyTorch / Hugging Face names
 *     optimizer.safetensors  AdamW moments and step
 *     config.json            { "model": "<name>", ...model config }
 *     tokenizer.json         the tokenizer (Hugging Face format for BPE)
 *     trainer_state.json     format, step, RNG states, best val loss, history, engine
 *
 * Written atomically (see `atomic.ts`); read back with one-line errors for
 * anything missing, truncated or from another model.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import type { RngState } from "../rng.ts";
import type { StreamState } from "../data/batching.ts";
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from "./safetensors.ts";
import { recoverDir, writeDirAtomic } from "./atomic.ts";
import { gptConfigFromHf, isHfGpt2Config, weightsFromHf } from "./hf_gpt2.ts";
import { readSafetensorsHeader } from "./safetensors_header.ts";

/** Version of the checkpoint layout; bumped on incompatible changes. */
export const CHECKPOINT_FORMAT = 1;

/** One row of the loss history. */
export interface HistoryRow {
  /** Optimizer steps done. */
  readonly step: number;
  /** Training seconds so far (evaluation excluded). */
  readonly seconds: number;
  /** This step's training loss (per-step rows). */
  readonly loss?: number;
  /** This step's learning rate. */
  readonly lr?: number;
  /** Estimated training loss (evaluation rows). */
  readonly train_loss?: number;
  /** Estimated validation loss (evaluation rows). */
  readonly val_loss?: number;
}

/** Everything about a run besides weights, saved as `trainer_state.json`. */
export interface TrainerState {
  /** {@link CHECKPOINT_FORMAT}. */
  readonly format: number;
  /** Optimizer steps done. */
  readonly step: number;
  /** Training RNG (batches, dropout). */
  readonly rng: RngState;
  /** Evaluation RNG (evaluation batches). */
  readonly evalRng: RngState;
  /** Position of the sequential batcher (recurrent models). */
  readonly stream?: StreamState;
  /** Recurrent models: the hidden state carried into the next window. */
  readonly carry?: readonly { shape: number[]; data: number[] }[];
  /** Best validation loss seen, or null before the first evaluation. */
  readonly bestValLoss: number | null;
  /** Step of the last evaluation (so a resumed run does not repeat it). */
  readonly lastEvalStep: number;
  /** Evaluations since the best one (early stopping). */
  readonly evalsWithoutImprovement: number;
  /** Training seconds so far, resumes included. */
  readonly trainSeconds: number;
  /** Loss history. */
  readonly history: readonly HistoryRow[];
  /** The run's settings (model, preset, data, tokenizer, training options). */
  readonly settings: Record<string, unknown>;
  /** What the engine was (backend, BLAS), for the record. */
  readonly engine: Record<string, unknown>;
}

/** The contents of a checkpoint. */
export interface Checkpoint {
  /** Model name from `config.json`. */
  readonly model: string;
  /** Model config (without the `model` key). */
  readonly config: Record<string, unknown>;
  /** Weights by PyTorch name. */
  readonly weights: Record<string, StoredTensor>;
  /** The tokenizer's JSON. */
  readonly tokenizer: unknown;
  /** Optimizer state, if saved. */
  readonly optimizer?: Record<string, StoredTensor>;
  /** Trainer state, if saved. */
  readonly state?: TrainerState;
}

/**
 * Writes a checkpoint directory atomically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const dir = `${await Deno.makeTempDir()}/best`;
 * const w = { "wte.weight": { dtype: "float32" as const, shape: [1, 2], data: new Float32Array([1, 2]) } };
 * await writeCheckpoint(dir, { model: "gpt", config: { vocabSize: 1 }, weights: w, tokenizer: { type: "char" } });
 * const back = await readCheckpoint(dir);
 * assert.equal(back.model, "gpt");
 * assert.deepEqual([...back.weights["wte.weight"].data], [1, 2]);
 * ```
 */
export async function writeCheckpoint(dir: string, ckpt: Checkpoint): Promise<void> {
  const files: Record<string, Uint8Array | string> = {
    "model.safetensors": encodeSafetensors(ckpt.weights, { format: "pt" }),
    "config.json": JSON.stringify({ model: ckpt.model, ...ckpt.config }, null, 2) + "\n",
    "tokenizer.json": JSON.stringify(ckpt.tokenizer) + "\n",
  };
  if (ckpt.optimizer) files["optimizer.safetensors"] = encodeSafetensors(ckpt.optimizer);
  if (ckpt.state) files["trainer_state.json"] = JSON.stringify(ckpt.state, null, 1) + "\n";
  await writeDirAtomic(dir, files);
}

/**
 * Finds the checkpoint a path names: a checkpoint directory itself (it has
 * `config.json`), or a run directory, whose `best/` is used, else `last/`.
 */
export async function resolveCheckpointDir(path: string): Promise<string> {
  for (const sub of ["best", "last"]) await recoverDir(join(path, sub));
  for (const candidate of [path, join(path, "best"), join(path, "last")]) {
    try {
      if ((await Deno.stat(join(candidate, "config.json"))).isFile) return candidate;
    } catch {
      // try the next
    }
  }
  const exists = await Deno.stat(path).then(() => true, () => false);
  throw new InputError(
    exists
      ? `${path} holds no checkpoint (no config.json in it, best/ or last/): train first, or check the path`
      : `checkpoint path ${path} does not exist`,
  );
}

/** Options of {@link readCheckpoint}. */
export interface ReadCheckpointOptions {
  /**
   * Called with `config.json` and the weight shapes from the safetensors
   * header, before any weights are read: throw to refuse the checkpoint.
   */
  readonly checkConfig?: (info: {
    dir: string;
    model: string;
    config: Record<string, unknown>;
    shapes: Record<string, { readonly shape: readonly number[] }>;
  }) => void;
}

/**
 * Reads a checkpoint directory (or run directory, see
 * {@link resolveCheckpointDir}); `optimizer.safetensors` and
 * `trainer_state.json` are optional (inference-only checkpoints).
 */
export async function readCheckpoint(
  path: string,
  options: ReadCheckpointOptions = {},
): Promise<Checkpoint & { dir: string }> {
  const dir = await resolveCheckpointDir(path);
  const configJson = await readJson(join(dir, "config.json")) as Record<string, unknown>;
  if (isHfGpt2Config(configJson)) return await readHfGpt2(dir, configJson, options);
  if (
    typeof configJson !== "object" || configJson === null || typeof configJson.model !== "string"
  ) {
    throw new InputError(
      `${join(dir, "config.json")} has no "model" field: not a checkpoint of this project`,
    );
  }
  const { model, ...config } = configJson;
  if (options.checkConfig) {
    const header = await readSafetensorsHeader(join(dir, "model.safetensors"));
    options.checkConfig({ dir, model: String(model), config, shapes: header.tensors });
  }
  const weights = decodeSafetensors(
    await readBytes(join(dir, "model.safetensors")),
    join(dir, "model.safetensors"),
  )
    .tensors;
  const tokenizer = await readJson(join(dir, "tokenizer.json"));
  const optPath = join(dir, "optimizer.safetensors");
  const optimizer = await exists(optPath)
    ? decodeSafetensors(await readBytes(optPath), optPath).tensors
    : undefined;
  const statePath = join(dir, "trainer_state.json");
  let state: TrainerState | undefined;
  if (await exists(statePath)) {
    state = await readJson(statePath) as TrainerState;
    if (state?.format !== CHECKPOINT_FORMAT) {
      throw new InputError(
        `${statePath} has format ${state?.format}, this version reads format ${CHECKPOINT_FORMAT}`,
      );
    }
  }
  return { dir, model: model as string, config, weights, tokenizer, optimizer, state };
}

/** A Hugging Face GPT-2 directory, read as an inference-only checkpoint. */
async function readHfGpt2(
  dir: string,
  hf: Record<string, unknown>,
  options: ReadCheckpointOptions,
): Promise<Checkpoint & { dir: string }> {
  const config = gptConfigFromHf(hf) as unknown as Record<string, unknown>;
  const path = join(dir, "model.safetensors");
  if (options.checkConfig) {
    const shapes = weightsFromHf((await readSafetensorsHeader(path)).tensors);
    options.checkConfig({ dir, model: "gpt", config, shapes });
  }
  const weights = weightsFromHf(decodeSafetensors(await readBytes(path), path).tensors);
  const tokenizer = await readJson(join(dir, "tokenizer.json"));
  return { dir, model: "gpt", config, weights, tokenizer };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch {
    throw new InputError(`checkpoint file ${path} is missing or unreadable`);
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = new TextDecoder().decode(await readBytes(path));
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not valid JSON (truncated?)`);
  }
}
