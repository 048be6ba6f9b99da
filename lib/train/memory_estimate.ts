/**
 * Peak memory, estimated before anything is allocated, so a run that cannot
 * fit is refused in one line instead of dying half-way (a wasm heap that
 * cannot grow, a segmentation fault). The estimate adds up what autodiff
 * keeps alive at the peak of a training step:
 *
 *     parameters      weights, gradients, AdamW's two moments, one update's temporaries
 *     activations     batch × context × width × layers × (what each layer keeps for backward)
 *     attention maps  batch × heads × context² × layers (scores, probabilities, their gradients)
 *     logits          batch × context × vocabulary (logits, softmax, their gradient)
 *
 * The per-layer factors were measured on the wasm backend's heap (see the
 * memory tests, which check the estimate stays within 2× of the measured peak
 * for three presets). Generation keeps no tape: weights, one forward pass of
 * the context, the key/value cache and one row of logits.
 *
 * @module
 */
import type { BaseConfig, ModelName } from "../models/types.ts";

/** What the estimate needs to know about a run. */
export interface MemoryPlan {
  /** Which model. */
  readonly model: ModelName;
  /** Its config (vocabSize included). */
  readonly config: BaseConfig;
  /** Number of parameters (from the planned shapes). */
  readonly params: number;
  /** Sequences per step (training) or sampled in parallel (generation: 1). */
  readonly batchSize: number;
  /** Training (with gradients and optimizer state) or generation. */
  readonly training: boolean;
}

/** An estimate in bytes, with its parts. */
export interface MemoryEstimate {
  /** The total. */
  readonly bytes: number;
  /** Weights, gradients and optimizer state. */
  readonly params: number;
  /** Layer activations kept for the backward pass. */
  readonly activations: number;
  /** Attention maps. */
  readonly attention: number;
  /** Logits and their softmax and gradient. */
  readonly logits: number;
}

const FLOAT = 4;

/** Per-layer activation floats per token, as multiples of the model's widths. */
interface Factors {
  /** × the model width (nEmbd, or hidden for recurrent models). */
  readonly width: number;
  /** × the feed-forward width (attention models) or the gate width (recurrent). */
  readonly inner: number;
  /** × heads × context (per token, per layer) for attention maps. */
  readonly attention: number;
}

const TRAIN_FACTORS: Record<ModelName, Factors> = {
  gpt: { width: 24, inner: 4, attention: 6 },
  transformer: { width: 24, inner: 4, attention: 6 },
  "lstm-attention": { width: 15, inner: 6, attention: 6 },
  "char-rnn": { width: 13, inner: 4, attention: 0 },
  "word-rnn": { width: 16, inner: 16, attention: 0 },
};

/** Logits, their softmax and their gradient (and one temporary). */
const LOGIT_COPIES = 4;

/**
 * Estimates the peak memory of a training step or of generation, in bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateMemory } from "./memory_estimate.ts";
 * const config = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };
 * const small = estimateMemory({ model: "gpt", config, params: 800_000, batchSize: 12, training: true });
 * const big = estimateMemory({ model: "gpt", config, params: 800_000, batchSize: 100_000, training: true });
 * assert.ok(small.bytes < 200e6 && big.bytes > 100e9);
 * assert.equal(big.bytes, big.params + big.activations + big.attention + big.logits);
 * ```
 */
export function estimateMemory(plan: MemoryPlan): MemoryEstimate {
  const c = plan.config as BaseConfig & Record<string, unknown>;
  const num = (key: string, fallback = 0): number =>
    typeof c[key] === "number" ? c[key] as number : fallback;
  const layers = num("nLayer", 1);
  const width = num("nEmbd", num("hidden", 1));
  const inner = innerWidth(plan.model, c, width);
  const heads = plan.model === "lstm-attention" ? 1 : num("nHead", 0);
  const context = plan.config.blockSize;
  const V = plan.config.vocabSize;
  if (!plan.training) {
    // weights (and the file's copy while loading), one forward over the context, the cache
    const tokens = context * plan.batchSize;
    return parts({
      params: 2 * plan.params * FLOAT,
      activations: (2 * (width * 4 + inner) + 2 * layers * width) * tokens * FLOAT,
      attention: heads * context * tokens * 2 * FLOAT,
      logits: 2 * V * plan.batchSize * FLOAT,
    });
  }
  const f = TRAIN_FACTORS[plan.model];
  const tokens = plan.batchSize * context;
  const perLayer = f.width * width + f.inner * inner;
  const attentionLayers = plan.model === "lstm-attention" ? 1 : layers;
  const mapWidth = plan.model === "lstm-attention" && c.attention === "additive"
    ? num("attentionDim", 1)
    : 1;
  return parts({
    params: 5 * plan.params * FLOAT,
    activations: layers * perLayer * tokens * FLOAT,
    attention: f.attention * attentionLayers * heads * mapWidth * context * tokens * FLOAT,
    logits: LOGIT_COPIES * V * tokens * FLOAT,
  });
}

/** The wider inner activation of a layer: the feed-forward width, or the recurrent gates. */
function innerWidth(model: ModelName, c: Record<string, unknown>, width: number): number {
  if (model === "gpt") return 4 * width;
  if (model === "transformer") return (c.dimFeedforward as number) ?? 4 * width;
  if (model === "lstm-attention") return 4 * width;
  if (model === "word-rnn" && c.cell === "gru") return 3 * width;
  return width;
}

function parts(p: Omit<MemoryEstimate, "bytes">): MemoryEstimate {
  return { bytes: p.params + p.activations + p.attention + p.logits, ...p };
}
