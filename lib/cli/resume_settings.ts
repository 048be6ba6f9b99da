/**
 * `--resume`: the model and data settings come from the checkpoint, so
 * `train:gpt --out DIR --resume` continues whatever trained there. Only a
 * flag the user gave that contradicts the checkpoint is refused (one line,
 * exit 2); training flags given (`--max-iters`, `--time-budget`, `--lr` …)
 * replace the saved ones, and the rest keep the saved values.
 *
 * @module
 */
import { resolve } from "node:path";
import { InputError } from "../errors.ts";
import type { TokenizerChoice } from "../presets/preset.ts";
import { type TrainConfig, validateTrainConfig } from "../train/config.ts";
import type { TrainSettings } from "./train_settings.ts";

/** The settings a run saves in `trainer_state.json` (`settings`). */
export interface SavedSettings {
  readonly model?: string;
  readonly preset?: string;
  readonly data?: string;
  readonly tokenizer?: TokenizerChoice;
  readonly modelConfig?: Record<string, unknown>;
  readonly train?: Partial<TrainConfig>;
}

/** Training flags and the config fields they set. */
const TRAIN_FLAGS: Record<string, readonly (keyof TrainConfig)[]> = {
  "max-iters": ["maxIters"],
  "lr-decay-iters": ["lrDecayIters", "scheduleByTime"],
  "time-budget": ["timeBudget", "maxIters", "scheduleByTime"],
  "batch-size": ["batchSize"],
  lr: ["lr"],
  seed: ["seed"],
  "eval-interval": ["evalInterval"],
  "eval-iters": ["evalIters"],
  patience: ["patience"],
};

/**
 * The settings of a resumed run: `saved` (the checkpoint's) for model, data
 * and tokenizer, with the training flags in `s.given` applied on top.
 * Throws an {@link InputError} naming the first given flag that contradicts
 * the checkpoint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTrainSettings } from "./train_settings.ts";
 * import { resumeSettings } from "./resume_settings.ts";
 * const first = resolveTrainSettings(["--preset", "tiny", "--set", "nLayer=1"], "gpt");
 * const saved = { ...first, train: first.train };
 * const again = resolveTrainSettings(["--preset", "tiny", "--resume", "--max-iters", "40"], "gpt");
 * const s = resumeSettings(again, saved);
 * assert.equal(s.modelConfig.nLayer, 1);
 * assert.equal(s.train.maxIters, 40);
 * const clash = resolveTrainSettings(["--preset", "tiny", "--resume", "--set", "nLayer=3"], "gpt");
 * assert.throws(() => resumeSettings(clash, saved), /nLayer/);
 * ```
 */
export function resumeSettings(s: TrainSettings, saved: SavedSettings): TrainSettings {
  const flags = new Set(s.given?.flags ?? []);
  const sets = new Set(s.given?.sets ?? []);
  const refuse = (what: string, there: unknown, now: unknown): never => {
    throw new InputError(
      `--resume: ${what} is ${JSON.stringify(there)} in the checkpoint but ${
        JSON.stringify(now)
      } was asked for; drop the flag (resume takes it from the checkpoint) or use a new --out`,
    );
  };
  if (saved.model !== undefined && saved.model !== s.model) {
    refuse("the model", saved.model, s.model);
  }
  if (flags.has("preset") && saved.preset !== undefined && saved.preset !== s.preset) {
    refuse("the preset", saved.preset, s.preset);
  }
  // --allow-data-change: a --data given replaces the checkpoint's (the data check then notes it)
  const newData = flags.has("data") && s.allowDataChange === true;
  if (flags.has("data") && !newData && saved.data !== undefined && !sameData(saved.data, s.data)) {
    refuse("--data", saved.data, s.data);
  }
  const tok = saved.tokenizer;
  if (tok) {
    if (flags.has("tokenizer") && tok.kind !== s.tokenizer.kind) {
      refuse("--tokenizer", tok.kind, s.tokenizer.kind);
    }
    if (flags.has("vocab-size") && tok.vocabSize !== s.tokenizer.vocabSize) {
      refuse("--vocab-size", tok.vocabSize, s.tokenizer.vocabSize);
    }
    if (sets.has("minFreq") && (tok.minFreq ?? 1) !== (s.tokenizer.minFreq ?? 1)) {
      refuse("minFreq", tok.minFreq ?? 1, s.tokenizer.minFreq ?? 1);
    }
    if (sets.has("unknownToken") && (tok.unknown ?? false) !== (s.tokenizer.unknown ?? false)) {
      refuse("unknownToken", tok.unknown ?? false, s.tokenizer.unknown ?? false);
    }
  }
  const modelConfig = saved.modelConfig ?? s.modelConfig;
  for (const key of Object.keys(s.modelConfig)) {
    const given = sets.has(key) || (key === "blockSize" && flags.has("block-size"));
    if (given && JSON.stringify(modelConfig[key]) !== JSON.stringify(s.modelConfig[key])) {
      refuse(key, modelConfig[key], s.modelConfig[key]);
    }
  }
  const train: Record<string, unknown> = { ...s.train, ...(saved.train ?? {}) };
  const givenTrain = new Set<string>(
    Object.keys(s.train).filter((k) => sets.has(k)),
  );
  for (const [flag, keys] of Object.entries(TRAIN_FLAGS)) {
    if (flags.has(flag)) keys.forEach((k) => givenTrain.add(k));
  }
  // a flag given explicitly wins over what --time-budget implied
  if (flags.has("max-iters")) givenTrain.add("maxIters");
  for (const key of givenTrain) train[key] = (s.train as unknown as Record<string, unknown>)[key];
  if ((train.minLr as number) > (train.lr as number)) train.minLr = (train.lr as number) / 10;
  validateTrainConfig(train as unknown as TrainConfig);
  return {
    ...s,
    preset: saved.preset ?? s.preset,
    data: newData ? s.data : saved.data ?? s.data,
    tokenizer: tok ?? s.tokenizer,
    modelConfig,
    train: train as unknown as TrainConfig,
  };
}

function sameData(a: string, b: string): boolean {
  return a === b || resolve(a) === resolve(b);
}
