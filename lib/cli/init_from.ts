/**
 * `--init DIR`: fine-tuning starts from a trained model (a checkpoint of this
 * project, or a Hugging Face GPT-2 directory such as `data/models/gpt2`). Its
 * shapes and tokenizer replace the preset's; a `--set` (or `--block-size`,
 * `--tokenizer`, `--vocab-size`) that contradicts them is refused with one
 * line. The context may be shortened (the position table is cropped to its
 * first rows, as nanoGPT's `crop_block_size` does), never lengthened; dropout
 * and every training option may change.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import type { BaseConfig } from "../models/types.ts";
import { getModelSpec } from "../presets/registry.ts";
import { checkConfigAgainstWeights } from "../presets/weights_check.ts";
import { readCheckpoint } from "../io/checkpoint.ts";
import type { StoredTensor } from "../io/safetensors.ts";
import { loadTokenizer } from "../tokenizers/load.ts";
import type { Tokenizer } from "../tokenizers/types.ts";
import type { TrainSettings } from "./train_settings.ts";

/** Config fields a fine-tune may change; every other one is the pretrained model's. */
const FREE = new Set(["dropout", "attnDropout", "blockSize"]);

/** A run's settings with the pretrained model's shapes, and what to start from. */
export interface InitFrom {
  /** The settings, model config and tokenizer taken from the pretrained model. */
  readonly settings: TrainSettings;
  /** Its weights, the position table cropped to the new context. */
  readonly weights: Record<string, StoredTensor>;
  /** Its tokenizer. */
  readonly tokenizer: Tokenizer;
  /** The checkpoint directory read. */
  readonly dir: string;
}

/**
 * Reads `s.init` and merges it into the settings. `explicit` names the model
 * config fields the user set on the command line (plus `tokenizer` when
 * `--tokenizer` or `--vocab-size` was given).
 */
export async function resolveInit(s: TrainSettings): Promise<InitFrom> {
  const path = s.init!;
  const ckpt = await readCheckpoint(path, {
    // weights decide: config.json must imply exactly the stored shapes, checked before reading them
    checkConfig: ({ dir, model, config, shapes }) =>
      checkConfigAgainstWeights(getModelSpec(model), config as unknown as BaseConfig, shapes, {
        configWhere: join(dir, "config.json"),
        weightsWhere: join(dir, "model.safetensors"),
      }),
  });
  if (ckpt.model !== s.model) {
    throw new InputError(
      `--init ${path} holds a ${ckpt.model} model; train:${s.model} fine-tunes a ${s.model} checkpoint`,
    );
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(ckpt.tokenizer);
  } catch (err) {
    throw new InputError(`--init ${ckpt.dir}/tokenizer.json: ${(err as Error).message}`);
  }
  const pretrained = ckpt.config;
  const explicit = new Set(s.explicit ?? []);
  if (explicit.has("tokenizer")) {
    throw new InputError(
      `--tokenizer and --vocab-size do not apply with --init: the tokenizer is the pretrained model's ` +
        `(${tokenizer.kind}, ${tokenizer.vocabSize} tokens)`,
    );
  }
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pretrained)) {
    if (key === "vocabSize") continue;
    const asked = s.modelConfig[key];
    if (!FREE.has(key)) {
      if (explicit.has(key) && JSON.stringify(asked) !== JSON.stringify(value)) {
        throw new InputError(
          `--set ${key}=${JSON.stringify(asked)} contradicts the pretrained model in ${ckpt.dir} ` +
            `(${key} ${
              JSON.stringify(value)
            }); its shapes are fixed: drop the --set, or train from scratch`,
        );
      }
      config[key] = value;
    } else config[key] = key in s.modelConfig ? asked : value;
  }
  for (const key of explicit) {
    if (FREE.has(key)) config[key] = s.modelConfig[key];
    else if (key !== "tokenizer" && !(key in pretrained)) {
      throw new InputError(`--set ${key}: the pretrained model in ${ckpt.dir} has no such field`);
    }
  }
  const maxContext = pretrained.blockSize as number;
  const wanted = (config.blockSize as number | undefined) ?? maxContext;
  if (wanted > maxContext) {
    if (explicit.has("blockSize")) {
      throw new InputError(
        `--block-size ${wanted} is longer than the pretrained context (${maxContext}) of ${ckpt.dir}`,
      );
    }
    config.blockSize = maxContext; // the recipe's default context is longer than this model's
  } else config.blockSize = wanted;
  const weights = { ...ckpt.weights };
  const wpe = weights["wpe.weight"];
  const blockSize = config.blockSize as number;
  if (wpe && wpe.shape[0] > blockSize) {
    const width = wpe.shape[1];
    weights["wpe.weight"] = {
      dtype: wpe.dtype,
      shape: [blockSize, width],
      data: wpe.data.slice(0, blockSize * width),
    };
  }
  const settings: TrainSettings = {
    ...s,
    modelConfig: config,
    tokenizer: { kind: tokenizer.kind, vocabSize: tokenizer.vocabSize },
  };
  return { settings, weights, tokenizer, dir: ckpt.dir };
}
