/**
 * From command-line flags to a fully resolved training run: the preset, then
 * `--set key=value` overrides, then the dedicated flags (`--batch-size`,
 * `--lr` …), each validated with a one-line reason. Semantics follow
 * `lib/README.md`, "CLI, files and environment".
 *
 * @module
 */
import { parseFlags } from "./parse_flags.ts";
import { InputError } from "../errors.ts";
import { findDataset } from "../data/registry.ts";
import {
  getModelSpec,
  getPreset,
  type ModelSpec,
  type TokenizerChoice,
} from "../presets/registry.ts";
import type { BaseConfig } from "../models/types.ts";
import { checkConfigLimits } from "../models/limits.ts";
import { DEFAULT_TRAIN, type TrainConfig, validateTrainConfig } from "../train/config.ts";
import { callerPath, dataArgument, defaultRunDir } from "./run_dir.ts";
import type { BackendRequest } from "../engine/mod.ts";
import { BACKEND_CHOICES, parseBackendFlag } from "./backend_flag.ts";

/** A training run, fully resolved. */
export interface TrainSettings {
  /** Model name. */
  readonly model: string;
  /** Preset name. */
  readonly preset: string;
  /** Dataset name or text-file path. */
  readonly data: string;
  /** Tokenizer choice. */
  readonly tokenizer: TokenizerChoice;
  /** Model config without `vocabSize` (set once the tokenizer exists). */
  readonly modelConfig: Record<string, unknown>;
  /** Training options. */
  readonly train: TrainConfig;
  /** Run directory. */
  readonly out: string;
  /** Continue the run in `out`. */
  readonly resume: boolean;
  /** `--resume` may continue on other data than the run's (`--allow-data-change`). */
  readonly allowDataChange: boolean;
  /** Engine backend. */
  readonly backend: BackendRequest;
  /** BLAS off (`--no-blas`). */
  readonly noBlas: boolean;
  /** Dataset mirror (`--mirror`), if given. */
  readonly mirror?: string;
  /** Dataset cache directory (`--data-dir`; default: the project's data/). */
  readonly dataDir?: string;
  /** JSON events on stdout. */
  readonly json: boolean;
  /** Tokens to sample at the end (0: none). */
  readonly sample: number;
  /** `--init`: the trained model (checkpoint or GPT-2 directory) to fine-tune. */
  readonly init?: string;
  /** Model config fields given on the command line (and `tokenizer` for `--tokenizer`/`--vocab-size`). */
  readonly explicit?: readonly string[];
  /** Replace a run already in `out` (`--overwrite`). */
  readonly overwrite?: boolean;
  /** What the user typed, as opposed to what presets and defaults filled in (for `--resume`). */
  readonly given?: GivenFlags;
}

/** The flags given on the command line and the keys of their `--set`s. */
export interface GivenFlags {
  /** Long names of the flags given (`data`, `max-iters` …). */
  readonly flags: readonly string[];
  /** Keys set with `--set key=value`. */
  readonly sets: readonly string[];
}

const FLAGS = {
  model: { type: "string" },
  preset: { type: "string" },
  set: { type: "string", multiple: true },
  data: { type: "string" },
  init: { type: "string" },
  tokenizer: { type: "string" },
  "vocab-size": { type: "string" },
  "max-iters": { type: "string" },
  "lr-decay-iters": { type: "string" },
  "time-budget": { type: "string" },
  "batch-size": { type: "string" },
  "block-size": { type: "string" },
  lr: { type: "string" },
  seed: { type: "string" },
  "eval-interval": { type: "string" },
  "eval-iters": { type: "string" },
  patience: { type: "string" },
  out: { type: "string" },
  resume: { type: "boolean", default: false },
  overwrite: { type: "boolean", default: false },
  "allow-data-change": { type: "boolean", default: false },
  backend: { type: "string" },
  "no-blas": { type: "boolean", default: false },
  mirror: { type: "string" },
  "data-dir": { type: "string" },
  sample: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The help text of `train:<model>`. */
export function trainHelp(model?: string): string {
  const spec = model ? getModelSpec(model) : undefined;
  const presets = spec
    ? Object.entries(spec.presets).map(([n, p]) => `  ${n.padEnd(12)} ${p.description}`).join("\n")
    : "  (see --model)";
  return `Usage: deno task train:${model ?? "<model>"} [options]

Trains a model, saving best/ and last/ checkpoints, log.jsonl and loss plots in the
run directory (default data/checkpoints/<model>/<preset>/, or <preset>-<data>/ when
--data is not the preset's own).

Presets:
${presets}

Options:
  --preset NAME          recipe to start from (default: default)
  --set key=value        override any model or training config field (repeatable);
                         tokenizer fields: minFreq (word), unknownToken=true (char:
                         map characters the training text lacks to one unknown token)
  --data NAME|PATH       dataset (tinyshakespeare, wikitext2, tinystories) or a UTF-8 file
  --init DIR             fine-tune a trained model (e.g. data/models/gpt2): its shapes and
                         tokenizer; preset finetune unless --preset is given
  --tokenizer KIND       char, word or bpe
  --vocab-size N         vocabulary size (bpe, word)
  --max-iters N          stop at this step, counted from the start of the run
  --lr-decay-iters N     length of the warmup + cosine schedule
  --time-budget SECONDS  stop after this much training time
  --batch-size N, --block-size N, --lr X, --seed N
  --eval-interval N, --eval-iters N, --patience N
  --out DIR              run directory
  --resume               continue the run in --out from last/ (model and data settings
                         come from the checkpoint)
  --overwrite            replace the run already in --out (without it, training into a
                         run directory that holds a run is refused)
  --allow-data-change    with --resume: continue although the text or tokenizer differs
  --backend NAME         ${BACKEND_CHOICES} (default auto)
  --no-blas              do not use a system BLAS library
  --mirror DIR|URL       dataset mirror (default: $LMFS_DATA_MIRROR)
  --data-dir DIR         dataset cache (default: data/ in the project)
  --sample N             tokens to sample when done (default 300; 0 = none)
  --json                 one JSON object per line on stdout
  -h, --help             this help`;
}

function int(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new InputError(`--${name} must be an integer ≥ ${min}; got "${value}"`);
  }
  return n;
}

function float(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    throw new InputError(`--${name} must be a number; got "${value}"`);
  }
  return n;
}

/** Parses a `--set` value: numbers, true/false, otherwise the string itself. */
function parseValue(raw: string): unknown {
  if (raw === "true" || raw === "false") return raw === "true";
  const n = Number(raw);
  return raw.trim() !== "" && Number.isFinite(n) ? n : raw;
}

function applySets(
  sets: readonly string[],
  modelConfig: Record<string, unknown>,
  train: Record<string, unknown>,
  tokenizer: Record<string, unknown> = {},
): void {
  for (const item of sets) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new InputError(`--set needs key=value; got "${item}"`);
    const key = item.slice(0, eq).trim();
    const value = parseValue(item.slice(eq + 1));
    const target = key in modelConfig
      ? modelConfig
      : key in train
      ? train
      : key in tokenizer
      ? tokenizer
      : undefined;
    if (!target) {
      const keys = [...Object.keys(modelConfig), ...Object.keys(train), ...Object.keys(tokenizer)]
        .sort().join(", ");
      throw new InputError(`--set: unknown field "${key}"; fields: ${keys}`);
    }
    if (typeof target[key] !== typeof value) {
      throw new InputError(
        `--set ${key}: expected a ${typeof target[key]}, got "${item.slice(eq + 1)}"`,
      );
    }
    target[key] = value;
  }
}

/** The training options that hold a number (what the numeric flags set). */
type NumericTrainKey = {
  [K in keyof TrainConfig]: TrainConfig[K] extends number ? K : never;
}[keyof TrainConfig];

/**
 * Resolves flags into {@link TrainSettings}. `fixedModel` is the model a task
 * name implies (`train:gpt`); `--model` may name it too, but not another.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTrainSettings } from "./train_settings.ts";
 * const s = resolveTrainSettings(["--preset", "tiny", "--set", "nLayer=1", "--lr", "0.01"], "gpt");
 * assert.equal(s.modelConfig.nLayer, 1);
 * assert.equal(s.train.lr, 0.01);
 * assert.ok(s.out.endsWith("checkpoints/gpt/tiny"));
 * ```
 */
export function resolveTrainSettings(
  args: string[],
  fixedModel?: string,
): TrainSettings & { help: boolean } {
  const { values: v } = parseFlags({ args, options: FLAGS, strict: true, allowPositionals: false });
  if (v.resume && v.overwrite) {
    throw new InputError(
      "--resume continues the run in --out and --overwrite replaces it: give one",
    );
  }
  const modelName = v.model ?? fixedModel;
  if (fixedModel && v.model && v.model !== fixedModel) {
    throw new InputError(`this task trains ${fixedModel}; --model ${v.model} does not apply`);
  }
  if (!modelName) throw new InputError("--model is required (e.g. --model gpt)");
  const spec: ModelSpec = getModelSpec(modelName);
  const presetName = v.preset ?? (v.init !== undefined ? "finetune" : "default");
  if (presetName === "finetune" && v.init === undefined) {
    throw new InputError(
      "--preset finetune starts from a trained model: give --init DIR (e.g. data/models/gpt2)",
    );
  }
  const preset = getPreset(spec, presetName);
  const modelConfig: Record<string, unknown> = { ...preset.model };
  const train: { -readonly [K in keyof TrainConfig]: TrainConfig[K] } = {
    ...DEFAULT_TRAIN,
    ...preset.train,
  };
  // tokenizer fields --set can change (word tokenizers only)
  const tokenizerSets: Record<string, unknown> = {
    minFreq: preset.tokenizer.minFreq ?? 1,
    unknownToken: false,
  };
  applySets(v.set ?? [], modelConfig, train, tokenizerSets);

  const set = (key: NumericTrainKey, value: number | undefined) => {
    if (value !== undefined) train[key] = value;
  };
  set("maxIters", int("max-iters", v["max-iters"], 0));
  set("lrDecayIters", int("lr-decay-iters", v["lr-decay-iters"], 1));
  set("batchSize", int("batch-size", v["batch-size"], 1));
  set("lr", float("lr", v.lr));
  set("seed", int("seed", v.seed, 0));
  set("evalInterval", int("eval-interval", v["eval-interval"], 1));
  set("evalIters", int("eval-iters", v["eval-iters"], 1));
  set("patience", int("patience", v.patience, 0));
  const budget = float("time-budget", v["time-budget"]);
  if (budget !== undefined) {
    if (budget <= 0) throw new InputError(`--time-budget must be > 0 seconds; got ${budget}`);
    train.timeBudget = budget;
    if (v["max-iters"] === undefined) train.maxIters = Number.MAX_SAFE_INTEGER;
    if (v["lr-decay-iters"] === undefined) train.scheduleByTime = true;
  }
  const blockSize = int("block-size", v["block-size"], 1);
  if (blockSize !== undefined) modelConfig.blockSize = blockSize;
  if (train.minLr > train.lr) train.minLr = train.lr / 10;
  validateTrainConfig(train);

  const kind = v.tokenizer ?? preset.tokenizer.kind;
  if (!(spec.tokenizers as readonly string[]).includes(kind)) {
    throw new InputError(
      `model ${spec.name} cannot use --tokenizer ${kind}; choose ${spec.tokenizers.join(", ")}`,
    );
  }
  const vocabSize = int("vocab-size", v["vocab-size"], 1);
  if (vocabSize !== undefined && kind === "char") {
    throw new InputError(
      "--vocab-size does not apply to the char tokenizer (its vocabulary is the text's characters)",
    );
  }
  if (vocabSize !== undefined && vocabSize < 3 && kind === "word") {
    throw new InputError(
      `--vocab-size must be at least 3 for the word tokenizer (<unk>, <eos> and one word); got ${vocabSize}`,
    );
  }
  const minFreq = tokenizerSets.minFreq as number;
  const setsMinFreq = (v.set ?? []).some((item) => item.split("=")[0].trim() === "minFreq");
  if (setsMinFreq && kind !== "word") {
    throw new InputError(`--set minFreq applies to the word tokenizer only, not ${kind}`);
  }
  const unknownToken = tokenizerSets.unknownToken as boolean;
  if (unknownToken && kind !== "char") {
    throw new InputError(
      `--set unknownToken applies to the char tokenizer only (word has <unk>, BPE needs none), not ${kind}`,
    );
  }
  if (!Number.isInteger(minFreq) || minFreq < 1) {
    throw new InputError(`--set minFreq must be an integer ≥ 1; got ${minFreq}`);
  }
  const data = v.data === undefined ? preset.data : dataArgument(v.data);
  const samePreset = kind === preset.tokenizer.kind;
  const split = kind !== "word" ? undefined : (samePreset ? preset.tokenizer.split : undefined) ??
    (findDataset(data)?.name === "wikitext2" ? "whitespace" : undefined);
  const tokenizer: TokenizerChoice = {
    kind: kind as TokenizerChoice["kind"],
    vocabSize: vocabSize ??
      (samePreset ? preset.tokenizer.vocabSize : undefined) ??
      (kind === "bpe" ? 1024 : undefined),
    ...(kind === "word" && minFreq !== 1 ? { minFreq } : {}),
    ...(unknownToken ? { unknown: true } : {}),
    ...(split ? { split } : {}),
  };
  checkConfigLimits(modelConfig, "model config (--preset, --set, --block-size)");
  spec.validate({ ...modelConfig, vocabSize: 1 } as BaseConfig);
  if (v["allow-data-change"] && !v.resume) {
    throw new InputError("--allow-data-change goes with --resume");
  }
  const backend = parseBackendFlag(v.backend);
  return {
    help: v.help,
    model: spec.name,
    preset: presetName,
    data,
    tokenizer,
    modelConfig,
    train,
    out: v.out !== undefined
      ? callerPath(v.out)
      : defaultRunDir(spec.name, presetName, data, preset.data),
    resume: v.resume,
    overwrite: v.overwrite,
    given: {
      flags: Object.entries(v).filter(([, x]) => x !== undefined && x !== false).map(([k]) => k),
      sets: (v.set ?? []).map((item) => item.split("=")[0].trim()),
    },
    allowDataChange: v["allow-data-change"],
    backend,
    noBlas: v["no-blas"],
    mirror: v.mirror,
    dataDir: v["data-dir"] === undefined ? undefined : callerPath(v["data-dir"]),
    json: v.json,
    sample: int("sample", v.sample, 0) ?? 300,
    init: v.init === undefined ? undefined : callerPath(v.init),
    explicit: [
      ...(v.set ?? []).map((item) => item.slice(0, item.indexOf("=")).trim())
        .filter((key) => key in modelConfig),
      ...(blockSize !== undefined ? ["blockSize"] : []),
      ...(v.tokenizer !== undefined || vocabSize !== undefined ? ["tokenizer"] : []),
    ],
  };
}
