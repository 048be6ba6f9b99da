/**
 * What a preset is: a named recipe of model config, training options,
 * dataset and tokenizer (the presets themselves are in `*_presets.ts`, the
 * registry that names them in `registry.ts`).
 *
 * @module
 */
import type { TrainConfig } from "../train/config.ts";
import type { WordSplit } from "../tokenizers/types.ts";
import type { BaseConfig } from "../models/types.ts";

/** Tokenizer settings of a preset. */
export interface TokenizerChoice {
  /** Which tokenizer. */
  readonly kind: "char" | "word" | "bpe";
  /** BPE: total vocabulary; word: maximum vocabulary. */
  readonly vocabSize?: number;
  /** Word: keep only words seen at least this often (default 1). */
  readonly minFreq?: number;
  /** Word: how lines are cut into words (default: whitespace for WikiText-2, else punctuation). */
  readonly split?: WordSplit;
  /** Char: an unknown token for characters the training text lacks (`--set unknownToken=true`). */
  readonly unknown?: boolean;
}

/** A named recipe: model config, training options, data and tokenizer. */
export interface Preset<C extends BaseConfig> {
  /** One line for `--help`. */
  readonly description: string;
  /** Dataset name or path. */
  readonly data: string;
  /** Tokenizer. */
  readonly tokenizer: TokenizerChoice;
  /** Model config without `vocabSize`. */
  readonly model: Omit<C, "vocabSize">;
  /** Training options (the rest take `DEFAULT_TRAIN`). */
  readonly train: Partial<TrainConfig>;
}
