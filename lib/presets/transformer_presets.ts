/**
 * Transformer presets. `default` is the paper's recipe in miniature on
 * WikiText-2 with a byte-level BPE: post-LN blocks, sinusoidal positions, ReLU
 * feed-forward of width 4C, dropout 0.1, tied embeddings; sized to train in a
 * few minutes on a 2-core CPU. `--tokenizer word` trains it on words instead.
 *
 * @module
 */
import type { Preset } from "./preset.ts";
import type { TransformerConfig } from "../models/transformer.ts";

const paper = {
  positional: "sinusoidal",
  norm: "post",
  residual: true,
  layerNorm: true,
  tieWeights: true,
} as const;

/** Presets by name. */
export const TRANSFORMER_PRESETS: Record<string, Preset<TransformerConfig>> = {
  tiny: {
    description: "a 2-layer, 32-dim post-LN Transformer for tests: trains in seconds",
    data: "tinyshakespeare",
    tokenizer: { kind: "char" },
    model: {
      ...paper,
      blockSize: 32,
      nPositions: 64,
      nLayer: 2,
      nHead: 2,
      nEmbd: 32,
      dimFeedforward: 64,
      dropout: 0,
    },
    train: {
      maxIters: 20,
      lrDecayIters: 20,
      warmupIters: 2,
      lr: 3e-3,
      minLr: 3e-4,
      batchSize: 8,
      evalInterval: 10,
      evalIters: 2,
    },
  },
  default: {
    description:
      "4 post-LN layers, 128 dims, 4 heads, block 128, sinusoidal positions (WikiText-2, 4,096-token BPE)",
    data: "wikitext2",
    tokenizer: { kind: "bpe", vocabSize: 4096 },
    model: {
      ...paper,
      blockSize: 128,
      nPositions: 512,
      nLayer: 4,
      nHead: 4,
      nEmbd: 128,
      dimFeedforward: 512,
      dropout: 0.1,
    },
    train: {
      maxIters: 2000,
      lrDecayIters: 2000,
      warmupIters: 200,
      lr: 1e-3,
      minLr: 1e-4,
      beta2: 0.99,
      weightDecay: 0.1,
      gradClip: 1,
      batchSize: 16,
      evalInterval: 250,
      evalIters: 20,
    },
  },
};
