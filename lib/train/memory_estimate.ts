/**
 * How much memory a GPT training step needs, estimated before anything is
 * allocated, so a run that cannot fit the wasm backend's heap (4 GiB: 32-bit
 * WebAssembly addresses) is refused with one line instead of crashing
 * mid-step. Counted in float32 values:
 *
 * - state: weights, AdamW's two moments (3 per parameter);
 * - gradients: one set while the backward pass runs, two while clipping
 *   (the clipped copy), three while accumulating micro-batches (the sum, the
 *   new gradients, their sum);
 * - activations kept for the backward pass, per layer ≈ 16·B·T·C (layer-norm
 *   outputs, q/k/v, the 4C-wide MLP before and after GELU, residuals) plus
 *   2·B·H·T² (attention scores and probabilities), and 3·B·T·V for the
 *   logits, their softmax and its gradient.
 *
 * The peak is the larger of the backward pass (state, gradients,
 * activations) and the optimizer step (state, all gradient copies). It is an
 * estimate: `deno task bench --only gpt2` measures the real peak.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** The wasm backend's heap: 4 GiB. */
export const WASM_HEAP_BYTES = 4 * 1024 ** 3;

/** What the estimate needs to know about a GPT. */
export interface GptShape {
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
}

/** The estimate, in bytes. */
export interface TrainingMemory {
  /** Parameters. */
  readonly params: number;
  /** Weights and AdamW moments. */
  readonly state: number;
  /** Activations of one micro-batch. */
  readonly activations: number;
  /** The estimated peak. */
  readonly peak: number;
}

/** Parameters of a GPT with tied embeddings and biases (the larger layout). */
export function gptParams(c: GptShape): number {
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C } = c;
  return V * C + T * C + L * (12 * C * C + 13 * C) + 2 * C;
}

/**
 * Estimates a GPT training step's peak memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateGptTraining, WASM_HEAP_BYTES } from "./memory_estimate.ts";
 * const gpt2 = { vocabSize: 50257, blockSize: 256, nLayer: 12, nHead: 12, nEmbd: 768 };
 * const m = estimateGptTraining(gpt2, { batchSize: 4, gradAccum: 1, gradClip: 1 });
 * assert.ok(m.params > 123e6 && m.params < 125e6); // 124M, the position table cropped to 256
 * assert.ok(m.peak < WASM_HEAP_BYTES); // fine-tuning GPT-2 124M at 4 × 256 fits
 * ```
 */
export function estimateGptTraining(
  c: GptShape,
  t: { batchSize: number; gradAccum: number; gradClip: number },
): TrainingMemory {
  const P = gptParams(c);
  const { vocabSize: V, blockSize: T, nLayer: L, nHead: H, nEmbd: C } = c;
  const B = t.batchSize;
  const activations = L * (16 * B * T * C + 2 * B * H * T * T) + 3 * B * T * V;
  const gradCopies = t.gradAccum > 1 ? 3 : t.gradClip > 0 ? 2 : 1;
  const backward = 3 * P + (t.gradAccum > 1 ? 2 : 1) * P + activations;
  const optimizer = 3 * P + gradCopies * P;
  return {
    params: P,
    state: 4 * 3 * P,
    activations: 4 * activations,
    peak: 4 * Math.max(backward, optimizer),
  };
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/**
 * Refuses, with one line, a GPT training run whose estimated peak does not
 * fit `limit` bytes (default the wasm heap, with a tenth kept for the
 * engine's own buffers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkGptTrainingFits } from "./memory_estimate.ts";
 * const big = { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 };
 * assert.throws(() => checkGptTrainingFits(big, { batchSize: 16, gradAccum: 1, gradClip: 1 }), /would need about/);
 * ```
 */
export function checkGptTrainingFits(
  c: GptShape,
  t: { batchSize: number; gradAccum: number; gradClip: number },
  limit: number = WASM_HEAP_BYTES * 0.9,
): TrainingMemory {
  const m = estimateGptTraining(c, t);
  if (m.peak > limit) {
    throw new InputError(
      `training this GPT (${(m.params / 1e6).toFixed(0)}M parameters) would need about ` +
        `${gb(m.peak)} (weights and AdamW state ${gb(m.state)}, activations at batch ` +
        `${t.batchSize} × ${c.blockSize} ${gb(m.activations)}), more than the ${
          gb(limit)
        } the wasm backend can use: lower --batch-size or --block-size (--set gradAccum=N keeps the tokens per step)`,
    );
  }
  return m;
}
