/**
 * Which kernels the engine replaces or adds, per backend, and the gradients it
 * adds to tfjs's.
 *
 * | kernel | wasm | cpu | why |
 * |---|---|---|---|
 * | `BatchMatMul` | ✓ | ✓ | native `cblas_sgemm`; the stock batched/transposed loop runs at ~1 GFLOP/s |
 * | `_FusedMatMul` | ✓ | ✓ | the same, plus bias and activation; stock wasm is wrong for sigmoid and 3-D × 2-D with bias |
 * | `Einsum` | ✓ | ✓ | missing on wasm; cpu's multiplies full outer products |
 * | `UnsortedSegmentSum` | ✓ | | missing on wasm (the gradient of `tf.gather`) |
 * | `GatherV2` | ✓ | | stock wasm takes ~2.5 ms for one embedding lookup |
 * | `Slice`, `Unpack`, `SplitV` | ✓ | | stock wasm copies the whole input on every call |
 * | `Tanh` | ✓ | | stock wasm is ~7× slower than `Sigmoid` |
 * | `Identity`, `Cast` (same dtype) | ✓ | | stock wasm copies; tfjs clones every tensor saved for backprop |
 *
 * | `LmfsGelu`, `LmfsGeluGrad` | ✓ | ✓ | the engine's fused GELU (`gelu.ts`) |
 * | `LmfsLayerNorm`, `LmfsLayerNormGrad` | ✓ | ✓ | fused layer norm (`layer_norm.ts`) |
 * | `LmfsCausalAttention`, `LmfsCausalAttentionGrad` | ✓ | ✓ | fused attention on `qkv` (`attention.ts`) |
 * | `LmfsCrossEntropy`, `LmfsCrossEntropyGrad` | ✓ | ✓ | fused softmax cross-entropy (`cross_entropy.ts`) |
 * | `LmfsAdamW`, `LmfsClipByGlobalNorm` | ✓ | ✓ | the optimizer's update and clipping (`optimizer.ts`) |
 * | `LmfsLinear`, `LmfsLinearGrad` | ✓ | ✓ | fused `x·W + b` of any rank (`linear.ts`) |
 * | `LmfsWorkspace` | ✓ | ✓ | uninitialised memory a fused kernel fills (`workspace.ts`) |
 *
 * Gradients: `BatchMatMul` (tfjs's does not reduce broadcast batch dimensions),
 * `Einsum` (tfjs has none), and the fused ops above.
 *
 * @module
 */
import { einsumKernel } from "./einsum.ts";
import { GELU, GELU_GRAD, geluGrad, geluGradKernel, geluKernel } from "./gelu.ts";
import { einsumGrad } from "./einsum_grad.ts";
import {
  ATTENTION,
  ATTENTION_GRAD,
  causalAttentionGrad,
  causalAttentionGradKernel,
  causalAttentionKernel,
} from "./attention.ts";
import {
  CROSS_ENTROPY,
  CROSS_ENTROPY_GRAD,
  crossEntropyGrad,
  crossEntropyGradKernel,
  crossEntropyKernel,
} from "./cross_entropy.ts";
import {
  LAYER_NORM,
  LAYER_NORM_GRAD,
  layerNormGrad,
  layerNormGradKernel,
  layerNormKernel,
} from "./layer_norm.ts";
import { ADAMW, adamWKernel, CLIP_BY_GLOBAL_NORM, clipByGlobalNormKernel } from "./optimizer.ts";
import { WORKSPACE, workspaceKernel } from "./workspace.ts";
import { LINEAR, LINEAR_GRAD, linearGrad, linearGradKernel, linearKernel } from "./linear.ts";
import type { HeapBackend } from "./heap.ts";
import { batchMatMulGrad } from "./matmul_grad.ts";
import { batchMatMulKernel, fusedMatMulKernel } from "./matmul_kernels.ts";
import { type KernelFactory, overrideKernel } from "./registry.ts";
import { unsortedSegmentSumKernel } from "./segment_sum.ts";
import { sliceKernel, splitVKernel, unpackKernel } from "./slicing.ts";
import { tanhKernel } from "./tanh.ts";
import { LSTM_STEP, LSTM_STEP_GRAD, lstmStepGradKernel, lstmStepKernel } from "./lstm_cell.ts";
import { gatherKernel } from "./gather.ts";
import { castKernel, identityKernel } from "./identity.ts";
import { tf } from "./tf.ts";

const COMMON: Record<string, KernelFactory> = {
  BatchMatMul: batchMatMulKernel,
  _FusedMatMul: fusedMatMulKernel,
  Einsum: einsumKernel,
  [GELU]: geluKernel,
  [GELU_GRAD]: geluGradKernel,
  [LAYER_NORM]: layerNormKernel,
  [LAYER_NORM_GRAD]: layerNormGradKernel,
  [ATTENTION]: causalAttentionKernel,
  [ATTENTION_GRAD]: causalAttentionGradKernel,
  [CROSS_ENTROPY]: crossEntropyKernel,
  [CROSS_ENTROPY_GRAD]: crossEntropyGradKernel,
  [ADAMW]: adamWKernel,
  [CLIP_BY_GLOBAL_NORM]: clipByGlobalNormKernel,
  [WORKSPACE]: workspaceKernel,
  [LINEAR]: linearKernel,
  [LINEAR_GRAD]: linearGradKernel,
  [LSTM_STEP]: lstmStepKernel,
  [LSTM_STEP_GRAD]: lstmStepGradKernel,
};

const OVERRIDES: Record<HeapBackend, Record<string, KernelFactory>> = {
  wasm: {
    ...COMMON,
    UnsortedSegmentSum: unsortedSegmentSumKernel,
    GatherV2: gatherKernel,
    Slice: sliceKernel,
    Unpack: unpackKernel,
    SplitV: splitVKernel,
    Tanh: tanhKernel,
    Identity: identityKernel,
    Cast: castKernel,
  },
  cpu: COMMON,
};

/**
 * Registers the engine's kernels on `backend` (idempotent) and its gradients;
 * returns the kernel names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installKernels } from "./kernels.ts";
 * import { tf } from "./tf.ts";
 * assert.ok(installKernels("cpu").includes("BatchMatMul"));
 * const y = tf.einsum("ij,jk->ik", tf.eye(2), tf.ones([2, 3]));
 * assert.deepEqual(y.shape, [2, 3]);
 * ```
 */
export function installKernels(backend: HeapBackend): string[] {
  for (const [name, factory] of Object.entries(OVERRIDES[backend])) {
    overrideKernel(backend, name, factory);
  }
  installGradients();
  return Object.keys(OVERRIDES[backend]);
}

/** Registers the `BatchMatMul`, `Einsum` and fused ops' gradients (idempotent). */
export function installGradients(): void {
  for (
    const g of [
      batchMatMulGrad,
      einsumGrad,
      geluGrad,
      layerNormGrad,
      causalAttentionGrad,
      crossEntropyGrad,
      linearGrad,
    ]
  ) tf.registerGradient(g);
}
