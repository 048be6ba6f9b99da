/**
 * LSTM + attention presets. `default` trains on Tiny Shakespeare, char level:
 * 2 LSTM layers of 256 units, embedding 64, windows of 100 characters, batch
 * 32, scaled dot-product attention over the window's past states, Adam at
 * 2e-3 decaying to 2e-4, gradients clipped at norm 5, no dropout.
 *
 * @module
 */
import type { LstmAttentionConfig } from "../models/lstm_attention.ts";
import type { Preset } from "./preset.ts";

/** Presets by name. */
export const LSTM_ATTENTION_PRESETS: Record<string, Preset<LstmAttentionConfig>> = {
  tiny: {
    description: "a 2-layer, 32-unit LSTM with additive attention for tests: trains in seconds",
    data: "tinyshakespeare",
    tokenizer: { kind: "char" },
    model: {
      blockSize: 16,
      nLayer: 2,
      hidden: 32,
      embedDim: 16,
      attention: "additive",
      attentionDim: 16,
      dropout: 0,
    },
    train: {
      maxIters: 20,
      lrDecayIters: 20,
      warmupIters: 2,
      lr: 1e-2,
      minLr: 1e-3,
      weightDecay: 0,
      gradClip: 5,
      batchSize: 8,
      evalInterval: 10,
      evalIters: 2,
    },
  },
  default: {
    description:
      "2 LSTM layers × 256, dot-product attention over the past 100 states, batch 32 (Tiny Shakespeare, char)",
    data: "tinyshakespeare",
    tokenizer: { kind: "char" },
    model: {
      blockSize: 100,
      nLayer: 2,
      hidden: 256,
      embedDim: 64,
      attention: "dot",
      attentionDim: 64,
      dropout: 0,
    },
    train: {
      maxIters: 1200,
      lrDecayIters: 1200,
      warmupIters: 100,
      lr: 2e-3,
      minLr: 2e-4,
      beta1: 0.9,
      beta2: 0.99,
      weightDecay: 0,
      gradClip: 5,
      batchSize: 32,
      evalInterval: 250,
      evalIters: 20,
    },
  },
};
