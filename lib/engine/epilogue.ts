/**
 * The bias-and-activation pass of a fused matrix product, as loops over the
 * product in place (the `cpu` backend's path), and the broadcasting rules
 * both paths share.
 *
 * @module
 */

/** The activations tfjs fuses into `tf.fused.matMul`. */
export const FUSED_ACTIVATIONS: readonly string[] = [
  "linear",
  "relu",
  "relu6",
  "elu",
  "leakyrelu",
  "prelu",
  "sigmoid",
];

/** A tensor's values and shape, to broadcast onto the product. */
export interface Operand {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/**
 * Adds `bias` and applies `activation` to `y` (shape `shape`) in place.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsEpilogue } from "./epilogue.ts";
 * const y = Float32Array.of(-1, 2, -3, 4); // [[-1, 2], [-3, 4]]
 * jsEpilogue(y, [2, 2], "relu", 0, { bias: { values: Float32Array.of(0.5, -3), shape: [2] } });
 * assert.deepEqual([...y], [0, 0, 0, 1]);
 * ```
 */
export function jsEpilogue(
  y: Float32Array,
  shape: readonly number[],
  activation: string,
  alpha: number,
  operands: { bias?: Operand; prelu?: Operand },
): void {
  const { bias, prelu } = operands;
  if (bias) addBroadcast(y, shape, bias);
  const n = y.length;
  switch (activation) {
    case "relu":
      for (let i = 0; i < n; i++) y[i] = Math.max(y[i], 0); // branch-free; NaN stays NaN
      break;
    case "relu6":
      for (let i = 0; i < n; i++) y[i] = Math.min(Math.max(y[i], 0), 6);
      break;
    case "elu":
      for (let i = 0; i < n; i++) if (y[i] < 0) y[i] = Math.expm1(y[i]);
      break;
    case "leakyrelu":
      for (let i = 0; i < n; i++) if (y[i] < 0) y[i] *= alpha;
      break;
    case "sigmoid":
      for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-y[i]));
      break;
    case "prelu": {
      if (!prelu) throw new Error("fused matMul: prelu activation needs preluActivationWeights");
      const at = broadcastIndex(prelu.shape, shape);
      for (let i = 0; i < n; i++) if (y[i] < 0) y[i] *= prelu.values[at(i)];
      break;
    }
  }
}

/** `y += b` with `b` broadcast onto `shape`; a row vector (the usual bias) takes a fast path. */
function addBroadcast(y: Float32Array, shape: readonly number[], b: Operand): void {
  const s = fitRank(b.shape, shape);
  const last = shape[shape.length - 1] ?? 1;
  if (b.values.length === 1) {
    const v = b.values[0];
    for (let i = 0; i < y.length; i++) y[i] += v;
  } else if (s.slice(0, -1).every((d) => d === 1) && s[s.length - 1] === last) {
    for (let row = 0; row < y.length; row += last) {
      for (let j = 0; j < last; j++) y[row + j] += b.values[j];
    }
  } else {
    const at = broadcastIndex(s, shape);
    for (let i = 0; i < y.length; i++) y[i] += b.values[at(i)];
  }
}

/** Maps a flat index of `outShape` to the flat index of `shape` broadcast onto it. */
function broadcastIndex(
  shape: readonly number[],
  outShape: readonly number[],
): (i: number) => number {
  const s = fitRank(shape, outShape);
  const rank = outShape.length;
  const strides: number[] = new Array(rank).fill(0);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s[d] === 1 ? 0 : acc;
    acc *= s[d];
  }
  return (i) => {
    let at = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const dim = outShape[d];
      at += (i % dim) * strides[d];
      i = Math.floor(i / dim);
    }
    return at;
  };
}

/**
 * `shape` right-aligned to the rank of `outShape`. A bias may have more
 * leading dimensions than the kernel's 3-D output (tfjs's fused op flattens
 * batch dimensions): they must then multiply to 1 or to the flattened batch.
 */
export function fitRank(shape: readonly number[], outShape: readonly number[]): number[] {
  const r = outShape.length;
  if (shape.length <= r) return [...new Array(r - shape.length).fill(1), ...shape];
  const lead = shape.slice(0, shape.length - r + 1).reduce((x, y) => x * y, 1);
  if (lead !== 1 && lead !== outShape[0]) {
    throw new Error(
      `fused matMul: cannot broadcast a [${shape}] bias over the flattened output [${outShape}]; ` +
        "add it with tf.add after the product",
    );
  }
  return [lead, ...shape.slice(shape.length - r + 1)];
}
