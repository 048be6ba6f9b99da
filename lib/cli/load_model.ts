/**
 * Loading a trained model for `generate` and `chat`: resolve `--checkpoint`
 * (a run directory or a checkpoint directory), check it, rebuild the model
 * from `config.json`, load its weights and its tokenizer.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { readCheckpoint } from "../train/checkpoint.ts";
import { getModelSpec } from "../models/registry.ts";
import type { BaseConfig, LanguageModel } from "../models/types.ts";
import { loadTokenizer } from "../tokenizers/load.ts";
import type { Tokenizer } from "../tokenizers/types.ts";

/** A model ready to sample from. */
export interface LoadedModel {
  /** The model, weights loaded. */
  readonly model: LanguageModel;
  /** Its tokenizer. */
  readonly tokenizer: Tokenizer;
  /** The checkpoint directory used. */
  readonly dir: string;
}

/**
 * Loads the checkpoint at `path` (run directory → `best/`, else `last/`).
 * A tokenizer whose vocabulary does not match the model is refused.
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  const ckpt = await readCheckpoint(path);
  const spec = getModelSpec(ckpt.model);
  const config = ckpt.config as unknown as BaseConfig;
  spec.validate(config);
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(ckpt.tokenizer);
  } catch (err) {
    throw new InputError(`${ckpt.dir}/tokenizer.json: ${(err as Error).message}`);
  }
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new InputError(
      `${ckpt.dir}: tokenizer has ${tokenizer.vocabSize} tokens but the model expects ${config.vocabSize}; ` +
        `the checkpoint is mixed up`,
    );
  }
  const model = spec.create(config, 0);
  try {
    model.params().load(ckpt.weights, `${ckpt.dir}/model.safetensors`);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { model, tokenizer, dir: ckpt.dir };
}

/**
 * The ids an empty prompt starts from: a newline for char and BPE
 * tokenizers, `<eos>` for word tokenizers (DESIGN.md, Generation).
 */
export function emptyPrompt(tokenizer: Tokenizer): number[] {
  if (tokenizer.kind === "word") return tokenizer.encode("\n").slice(-1); // <eos>
  return tokenizer.encode("\n");
}
