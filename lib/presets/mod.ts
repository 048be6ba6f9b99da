/**
 * Presets: named recipes that bundle a model config with training options,
 * a dataset and a tokenizer, and the registry of models by name that
 * `--model` and `--preset` choose from. It sits above both `models/` and
 * `train/`, so that no model imports a training type.
 *
 * @module
 */
export {
  getModelSpec,
  getPreset,
  modelNames,
  type ModelSpec,
  type Preset,
  type TokenizerChoice,
} from "./registry.ts";
export { CHAR_RNN_PRESETS } from "./char_rnn_presets.ts";
export { GPT_PRESETS } from "./gpt_presets.ts";
export { WORD_RNN_PRESETS } from "./word_rnn_presets.ts";
export { LSTM_ATTENTION_PRESETS } from "./lstm_attention_presets.ts";
export { TRANSFORMER_PRESETS } from "./transformer_presets.ts";
export { checkConfigAgainstWeights, expectedShapes } from "./weights_check.ts";
