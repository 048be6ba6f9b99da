/**
 * Workspace tensors: memory a fused kernel fills in for its own backward pass.
 *
 * A kernel can hand such values to its gradient as a second output, but tfjs
 * then builds a zero-filled gradient for that output in every backward pass
 * (in JavaScript, then copied to the backend): for the attention
 * probabilities of a small GPT that is ~1.6 ms a step. Instead the op makes an
 * uninitialised workspace with {@link workspace}, passes it as an input the
 * kernel writes, and saves it for the gradient like any input. Nothing else
 * ever sees the workspace, so writing to an input is safe here.
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel name of the uninitialised allocation. */
export const WORKSPACE = "LmfsWorkspace";

/**
 * A float32 tensor of `shape` whose values are whatever the memory held
 * (zeros where the engine's kernel is not registered). For fused kernels only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workspace } from "./workspace.ts";
 * const w = workspace([2, 3]);
 * assert.deepEqual(w.shape, [2, 3]);
 * w.dispose();
 * ```
 */
export function workspace(shape: number[]): tf.Tensor {
  if (tf.getKernel(WORKSPACE, tf.getBackend())) {
    return tf.engine().runKernel(WORKSPACE, {}, { shape }) as tf.Tensor;
  }
  return tf.zeros(shape);
}

/** Kernel: an uninitialised float32 tensor of `attrs.shape`. */
export function workspaceKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) =>
    ctx.heap(args.backend).alloc((args.attrs as { shape: number[] }).shape, "float32");
}
