/**
 * Word-RNN presets. `default` trains a GRU on Tiny Shakespeare at the word
 * level: words seen at least twice (7,115 tokens, `<unk>` and `<eos>`
 * included; 6% of validation words become `<unk>`), one layer of 256 GRU units
 * with tied 256-wide embeddings, windows of 35 words, batch 32, dropout 0.3,
 * Adam at 3e-3 decaying to 3e-4, gradients clipped at norm 1 (0.25 in the
 * PyTorch example, which uses plain SGD at lr 20). `wikitext` is the same
 * recipe on WikiText-2 (already tokenized: whitespace split, its own
 * `<unk>`). `rnn` swaps the GRU for a tanh RNN for comparison.
 *
 * @module
 */
import type { WordRnnConfig } from "../models/word_rnn.ts";
import type { Preset } from "./preset.ts";

const TRAIN = {
  warmupIters: 50,
  lr: 3e-3,
  minLr: 3e-4,
  beta1: 0.9,
  beta2: 0.99,
  weightDecay: 0,
  gradClip: 1,
  batchSize: 32,
  evalInterval: 200,
  evalIters: 20,
} as const;

const DEFAULT_MODEL: Omit<WordRnnConfig, "vocabSize"> = {
  blockSize: 35,
  cell: "gru",
  nLayer: 1,
  hidden: 256,
  embedDim: 256,
  dropout: 0.3,
  tieWeights: true,
};

/** Presets by name. */
export const WORD_RNN_PRESETS: Record<string, Preset<WordRnnConfig>> = {
  tiny: {
    description: "a 1-layer, 32-unit GRU over a 500-word vocabulary, for tests: trains in seconds",
    data: "tinyshakespeare",
    tokenizer: { kind: "word", vocabSize: 500 },
    model: { ...DEFAULT_MODEL, blockSize: 16, hidden: 32, embedDim: 32, dropout: 0 },
    train: {
      ...TRAIN,
      maxIters: 20,
      lrDecayIters: 20,
      warmupIters: 2,
      lr: 1e-2,
      minLr: 1e-3,
      gradClip: 5,
      batchSize: 8,
      evalInterval: 10,
      evalIters: 2,
    },
  },
  default: {
    description:
      "1 GRU layer × 256 units, tied 256-wide embeddings, window 35, batch 32, 1,500 steps " +
      "(Tiny Shakespeare, words seen twice or more)",
    data: "tinyshakespeare",
    tokenizer: { kind: "word", minFreq: 2 },
    model: DEFAULT_MODEL,
    train: { ...TRAIN, maxIters: 1500, lrDecayIters: 1500 },
  },
  rnn: {
    description: "the default recipe with a tanh RNN instead of the GRU (for comparison)",
    data: "tinyshakespeare",
    tokenizer: { kind: "word", minFreq: 2 },
    model: { ...DEFAULT_MODEL, cell: "rnn" },
    train: { ...TRAIN, maxIters: 1500, lrDecayIters: 1500 },
  },
  wikitext: {
    description:
      "the default recipe on WikiText-2 (whitespace-split words, its own <unk>), 1,500 steps",
    data: "wikitext2",
    tokenizer: { kind: "word", split: "whitespace" },
    model: DEFAULT_MODEL,
    train: { ...TRAIN, maxIters: 1500, lrDecayIters: 1500 },
  },
};
