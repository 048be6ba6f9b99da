/**
 * The models and the contract they share (their presets live in
 * `../presets/`).
 *
 * @module
 */
export type {
  BaseConfig,
  ForwardOptions,
  ForwardOutput,
  KVCache,
  LanguageModel,
  ModelName,
  RecurrentState,
} from "./types.ts";
export { CharRnn, type CharRnnConfig, validateCharRnnConfig } from "./char_rnn.ts";
export { Gpt, type GptConfig, validateGptConfig } from "./gpt.ts";
export {
  validateWordRnnConfig,
  WordRnn,
  type WordRnnConfig,
  type WordRnnOptions,
} from "./word_rnn.ts";
export {
  ATTENTION_TYPES,
  type AttentionType,
  LstmAttention,
  type LstmAttentionConfig,
  type LstmAttentionOptions,
  type LstmInspection,
  validateLstmAttentionConfig,
} from "./lstm_attention.ts";
export { Transformer, type TransformerConfig, validateTransformerConfig } from "./transformer.ts";
export { checkConfigLimits, CONFIG_LIMITS, type Limit } from "./limits.ts";
