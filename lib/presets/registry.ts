/**
 * The models by name, with their presets: what `--model` and `--preset`
 * choose from. A preset fixes the model config (all but `vocabSize`, which
 * comes from the tokenizer), the training options, the dataset and the
 * tokenizer, so `deno task train:<model> --preset NAME` reproduces a run.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { CharRnn, type CharRnnConfig, validateCharRnnConfig } from "../models/char_rnn.ts";
import { CHAR_RNN_PRESETS } from "./char_rnn_presets.ts";
import { Gpt, type GptConfig, validateGptConfig } from "../models/gpt.ts";
import { GPT_PRESETS } from "./gpt_presets.ts";
import { validateWordRnnConfig, WordRnn, type WordRnnConfig } from "../models/word_rnn.ts";
import { WORD_RNN_PRESETS } from "./word_rnn_presets.ts";
import {
  LstmAttention,
  type LstmAttentionConfig,
  validateLstmAttentionConfig,
} from "../models/lstm_attention.ts";
import { LSTM_ATTENTION_PRESETS } from "./lstm_attention_presets.ts";
import {
  Transformer,
  type TransformerConfig,
  validateTransformerConfig,
} from "../models/transformer.ts";
import { TRANSFORMER_PRESETS } from "./transformer_presets.ts";
import type { BaseConfig, LanguageModel, ModelName } from "../models/types.ts";
import type { Preset, TokenizerChoice } from "./preset.ts";

export type { Preset, TokenizerChoice } from "./preset.ts";

/** Everything the CLI needs to know about one model. */
export interface ModelSpec<C extends BaseConfig = BaseConfig> {
  /** CLI name. */
  readonly name: ModelName;
  /** Tokenizers the model supports. */
  readonly tokenizers: readonly TokenizerChoice["kind"][];
  /** Presets by name (every model has `tiny` and `default`). */
  readonly presets: Record<string, Preset<C>>;
  /** Checks a full config (one-line InputError). */
  validate(config: C): void;
  /** Builds a model with fresh weights. */
  create(config: C, seed: number): LanguageModel<C>;
}

const gpt: ModelSpec<GptConfig> = {
  name: "gpt",
  tokenizers: ["char", "bpe", "word"],
  presets: GPT_PRESETS,
  validate: validateGptConfig,
  create: (config, seed) => new Gpt(config, seed),
};

const charRnn: ModelSpec<CharRnnConfig> = {
  name: "char-rnn",
  tokenizers: ["char"],
  presets: CHAR_RNN_PRESETS,
  validate: validateCharRnnConfig,
  create: (config, seed) => new CharRnn(config, seed),
};

const wordRnn: ModelSpec<WordRnnConfig> = {
  name: "word-rnn",
  tokenizers: ["word"],
  presets: WORD_RNN_PRESETS,
  validate: validateWordRnnConfig,
  create: (config, seed) => new WordRnn(config, seed),
};

const lstmAttention: ModelSpec<LstmAttentionConfig> = {
  name: "lstm-attention",
  tokenizers: ["char", "word"],
  presets: LSTM_ATTENTION_PRESETS,
  validate: validateLstmAttentionConfig,
  create: (config, seed) => new LstmAttention(config, seed),
};

const transformer: ModelSpec<TransformerConfig> = {
  name: "transformer",
  tokenizers: ["bpe", "word", "char"],
  presets: TRANSFORMER_PRESETS,
  validate: validateTransformerConfig,
  create: (config, seed) => new Transformer(config, seed),
};

// deno-lint-ignore no-explicit-any
const SPECS: Record<string, ModelSpec<any>> = {
  "char-rnn": charRnn,
  "word-rnn": wordRnn,
  "lstm-attention": lstmAttention,
  transformer,
  gpt,
};

/** Models available now, by name. */
export function modelNames(): string[] {
  return Object.keys(SPECS);
}

/**
 * The spec of a model by name, or a one-line {@link InputError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getModelSpec } from "./registry.ts";
 * assert.equal(getModelSpec("gpt").presets.baby.model.blockSize, 64);
 * assert.throws(() => getModelSpec("bert"), /unknown model "bert"/);
 * ```
 */
export function getModelSpec(name: string): ModelSpec {
  const spec = SPECS[name];
  if (!spec) {
    throw new InputError(`unknown model "${name}": choose one of ${modelNames().join(", ")}`);
  }
  return spec;
}

/** A preset of a model by name, or a one-line {@link InputError} listing the presets. */
export function getPreset(spec: ModelSpec, name: string): Preset<BaseConfig> {
  const preset = spec.presets[name];
  if (!preset) {
    throw new InputError(
      `model ${spec.name} has no preset "${name}": choose one of ${
        Object.keys(spec.presets).join(", ")
      }`,
    );
  }
  return preset;
}
