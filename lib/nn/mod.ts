/**
 * Building blocks written from tfjs ops, with PyTorch / Hugging Face weight
 * names: parameters, linear, embedding, layer norm, dropout, cross-entropy,
 * causal self-attention, positional encodings, Transformer blocks, tanh RNN,
 * GRU and LSTM layers, attention over past states.
 *
 * @module
 */
export { type Init, initValues } from "./init.ts";
export { type Param, ParamStore, planParams } from "./param_store.ts";
export { Linear, linear, linearOps, type LinearOptions } from "./linear.ts";
export { Embedding } from "./embedding.ts";
export { LayerNorm, layerNorm, layerNormOps } from "./layer_norm.ts";
export { gelu, geluOps } from "./gelu.ts";
export { dropout } from "./dropout.ts";
export { crossEntropy, softmaxCrossEntropy, softmaxCrossEntropyOps } from "./cross_entropy.ts";
export {
  type AttentionOptions,
  causalAttention,
  causalAttentionOps,
  CausalSelfAttention,
  type LayerCache,
} from "./attention.ts";
export { AttentionKVCache } from "./kv_cache.ts";
export {
  checkPositionalKind,
  POSITIONAL_KINDS,
  PositionalEncoding,
  type PositionalKind,
  sinusoidalTable,
} from "./positional.ts";
export {
  type BlockForwardOptions,
  TransformerBlock,
  type TransformerBlockOptions,
} from "./transformer_block.ts";
export {
  checkRecurrentInput,
  checkRecurrentState,
  type RecurrentForwardOptions,
  type RecurrentOptions,
  recurrentWeights,
  type SingleStateKind,
  type SingleStateLayer,
  SingleStateStack,
} from "./recurrent_stack.ts";
export { rnnLayer, rnnLayerAutodiff, type RnnLayerWeights } from "./rnn_layer.ts";
export { Rnn, type RnnForwardOptions, type RnnOptions } from "./rnn.ts";
export { gruLayer, gruLayerAutodiff, type GruLayerWeights } from "./gru_layer.ts";
export { Gru, type GruForwardOptions, type GruOptions } from "./gru.ts";
export {
  type LstmGates,
  lstmLayer,
  lstmLayerAutodiff,
  type LstmLayerOutput,
  type LstmLayerWeights,
} from "./lstm_layer.ts";
export { Lstm, type LstmForwardOptions, type LstmOptions } from "./lstm.ts";
export {
  ATTENTION_SCORERS,
  type AttentionScorer,
  PastAttention,
  type PastAttentionOptions,
  type PastAttentionOutput,
  pastMask,
} from "./past_attention.ts";
