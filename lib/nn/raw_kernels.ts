/**
 * Direct kernel calls for the hand-written backward passes of the recurrent
 * layers (`rnn_layer.ts`, `gru_layer.ts`, `lstm_layer.ts`). A time loop makes
 * hundreds of small ops per step; calling the kernel skips the op wrapper's
 * checks and scopes (a few microseconds per call, which add up). Only for
 * use where tfjs records no gradients: inside a custom op's forward and
 * backward passes.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";

/**
 * Runs the kernel `name` on `inputs` directly (no op wrapper).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { kernel } from "./raw_kernels.ts";
 * const y = kernel("Add", { a: tf.tensor2d([[1, 2]]), b: tf.tensor2d([[3, 4]]) });
 * assert.deepEqual(Array.from(y.dataSync()), [4, 6]);
 * ```
 */
export function kernel(
  name: string,
  inputs: tf.NamedTensorMap,
  attrs: tf.NamedAttrMap = {},
): tf.Tensor2D {
  return tf.engine().runKernel(name, inputs, attrs) as tf.Tensor2D;
}

/**
 * `activation(a·op(b) + bias)` as one `_FusedMatMul` kernel call, `op(b)`
 * being `bᵀ` with `transposeB`. (The `tf.fused.matMul` op wraps the kernel in
 * its own custom gradient, and while gradients are recorded it splits a
 * sigmoid off into separate ops.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { affine } from "./raw_kernels.ts";
 * const y = affine(tf.tensor2d([[1, 2]]), tf.tensor2d([[1], [1]]), tf.tensor1d([-3]));
 * assert.deepEqual(Array.from(y.dataSync()), [0]);
 * ```
 */
export function affine(
  a: tf.Tensor,
  b: tf.Tensor,
  bias: tf.Tensor,
  activation: "linear" | "sigmoid" = "linear",
  transposeB = false,
): tf.Tensor2D {
  return kernel("_FusedMatMul", { a, b, bias }, {
    transposeA: false,
    transposeB,
    activation,
    leakyreluAlpha: 0,
  });
}
