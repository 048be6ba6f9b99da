/**
 * The models, their presets and the contract they share.
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
export { CHAR_RNN_PRESETS } from "./char_rnn_presets.ts";
export { Gpt, type GptConfig, validateGptConfig } from "./gpt.ts";
export { GPT_PRESETS } from "./gpt_presets.ts";
export {
  validateWordRnnConfig,
  WordRnn,
  type WordRnnConfig,
  type WordRnnOptions,
} from "./word_rnn.ts";
export { WORD_RNN_PRESETS } from "./word_rnn_presets.ts";
export {
  ATTENTION_TYPES,
  type AttentionType,
  LstmAttention,
  type LstmAttentionConfig,
  type LstmAttentionOptions,
  type LstmInspection,
  validateLstmAttentionConfig,
} from "./lstm_attention.ts";
export { LSTM_ATTENTION_PRESETS } from "./lstm_attention_presets.ts";
export { Transformer, type TransformerConfig, validateTransformerConfig } from "./transformer.ts";
export { TRANSFORMER_PRESETS } from "./transformer_presets.ts";
export { gptConfigFromHf, isHfGpt2Config, weightsFromHf } from "./hf_gpt2.ts";
export {
  getModelSpec,
  getPreset,
  modelNames,
  type ModelSpec,
  type Preset,
  type TokenizerChoice,
} from "./registry.ts";
