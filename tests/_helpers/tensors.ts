/**
 * Small tensor helpers the model and layer tests share: seeded random
 * tensors, random recurrent-layer weights and the largest absolute
 * difference between two arrays.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import type { RnnLayerWeights } from "../../lib/nn/rnn_layer.ts";
import { Rng } from "../../lib/rng.ts";

/** A tensor of seeded values, uniform in ±1.7·std (unit variance for std 1). */
export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * std * 1.7);
  return tf.tensor(v, shape);
}

/** Random weights of one recurrent layer with `gates` blocks (1 RNN, 3 GRU, 4 LSTM). */
export function randomLayerWeights(
  I: number,
  H: number,
  gates: number,
  seed: number,
  std = 0.5,
): RnnLayerWeights {
  const G = gates * H;
  return {
    wIh: randn([G, I], seed, std),
    wHh: randn([G, H], seed + 1, std),
    bIh: randn([G], seed + 2, std),
    bHh: randn([G], seed + 3, std),
  };
}

/** The largest |a[i] − b[i]| (the lengths must match). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
