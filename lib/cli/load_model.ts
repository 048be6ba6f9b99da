/**
 * Loading a trained model for `generate` and `chat`: resolve `--checkpoint`
 * (a run directory or a checkpoint directory), check it, rebuild the model
 * from `config.json`, load its weights and its tokenizer.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { tf } from "../engine/tf.ts";
import { checkRunMemory } from "./memory_check.ts";
import { info } from "./output.ts";
import { checkConfigAgainstWeights } from "../presets/weights_check.ts";
import { readCheckpoint } from "../io/checkpoint.ts";
import { getModelSpec } from "../presets/registry.ts";
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
  const ckpt = await readCheckpoint(path, {
    // weights decide: config.json must imply exactly the stored shapes, checked before allocating
    checkConfig: ({ dir, model, config, shapes }) =>
      checkConfigAgainstWeights(getModelSpec(model), config as unknown as BaseConfig, shapes, {
        configWhere: join(dir, "config.json"),
        weightsWhere: join(dir, "model.safetensors"),
      }),
  });
  const spec = getModelSpec(ckpt.model);
  const config = ckpt.config as unknown as BaseConfig;
  const memory = checkRunMemory(spec, config, {
    backend: tf.getBackend(),
    batchSize: 1,
    training: false,
  });
  if (memory) info(`note: ${memory}`);
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
 * tokenizers, `<eos>` for word tokenizers (`lib/README.md`, "CLI, files and environment", sampling flags).
 */
export function emptyPrompt(tokenizer: Tokenizer): number[] {
  if (tokenizer.kind === "word") return tokenizer.encode("\n").slice(-1); // <eos>
  return tokenizer.encode("\n");
}

/**
 * The ids of a `--prompt`: `emptyPrompt` for an empty one. A word tokenizer
 * ends every line with `<eos>`; a prompt that does not end in a newline is an
 * unfinished line, so its final `<eos>` is dropped and the model continues
 * the line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WordTokenizer } from "../tokenizers/word.ts";
 * import { encodePrompt } from "./load_model.ts";
 * const tok = WordTokenizer.train("to be or not\n");
 * assert.deepEqual(encodePrompt(tok, "to be"), tok.encode("to be").slice(0, -1));
 * assert.deepEqual(encodePrompt(tok, "to be\n"), tok.encode("to be"));
 * ```
 */
export function encodePrompt(tokenizer: Tokenizer, text: string): number[] {
  if (text === "") return emptyPrompt(tokenizer);
  const ids = tokenizer.encode(text);
  return tokenizer.kind === "word" && !text.endsWith("\n") ? ids.slice(0, -1) : ids;
}

/**
 * A decoder for the new tokens that continue `prompt`: the text they add to
 * the prompt's own (so a word model's first word gets its space, or none
 * before punctuation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WordTokenizer } from "../tokenizers/word.ts";
 * import { continuationDecoder, encodePrompt } from "./load_model.ts";
 * const tok = WordTokenizer.train("to be, or not\n");
 * const decode = continuationDecoder(tok, encodePrompt(tok, "to"));
 * assert.equal(decode(tok.encode("be,").slice(0, -1)), " be,");
 * ```
 */
export function continuationDecoder(
  tokenizer: Tokenizer,
  prompt: readonly number[],
): (ids: number[]) => string {
  const before = tokenizer.decode(prompt).length;
  return (ids) => tokenizer.decode([...prompt, ...ids]).slice(before);
}
