/**
 * The engine: the accelerator under the library. It picks the backend at run
 * time (tfjs-node's `tensorflow` where it loads, else `wasm`, else `cpu`;
 * `webgpu` on request), routes matrix products through a system BLAS, and
 * registers kernels that make the `nn/` maths fast with the same results.
 * It is the only room that imports TensorFlow.js (everything else takes `tf`
 * from `tf.ts`), and it imports nothing above it (`lib/README.md`, "Rooms").
 *
 * **The course never needs this room read.** Every formula a model uses is
 * written out in plain tfjs ops in `lib/nn/` (and the optimizer's in
 * `lib/train/`); each of those calls one `fused…` function from here, which
 * answers null where its kernel is not registered (tfjs-node, or before
 * {@link initEngine}), and then the plain ops run. Where each fast path is
 * checked against its reference:
 *
 * | fast path                  | the maths                      | checked by                            |
 * | -------------------------- | ------------------------------ | ------------------------------------- |
 * | {@link fusedLinear}        | `nn/linear.ts` `linearOps`     | `tests/engine/linear_test.ts`         |
 * | {@link fusedLayerNorm}     | `nn/layer_norm.ts`             | `tests/engine/layer_norm_test.ts`     |
 * | {@link fusedGelu}          | `nn/gelu.ts`                   | `tests/engine/gelu_test.ts`           |
 * | {@link fusedCausalAttention} | `nn/attention.ts`            | `tests/engine/attention_test.ts`      |
 * | {@link fusedSoftmaxCrossEntropy} | `nn/cross_entropy.ts`    | `tests/engine/cross_entropy_test.ts`  |
 * | {@link fusedAdamW}, {@link fusedGlobalNormClip} | `train/adamw.ts`, `train/clip.ts` | `tests/engine/optimizer_test.ts` |
 * | LSTM step kernel ({@link LSTM_STEP}) | `nn/lstm_layer.ts` `lstmLayerAutodiff` | `tests/nn/lstm_test.ts`     |
 * | BLAS `MatMul`/`BatchMatMul`/`_FusedMatMul` | tfjs's own kernels | `tests/engine/matmul_test.ts`, `fused_matmul_test.ts` (float64 references) |
 * | `Slice`, `Unpack`, `SplitV`, `Tanh`, `GatherV2`, `UnsortedSegmentSum`, `Einsum` | tfjs's kernels | `tests/engine/slicing_test.ts`, `segment_tanh_test.ts`, `gather_test.ts`, `einsum_test.ts` |
 *
 * ```ts ignore
 * import { formatEngineInfo, initEngine, tf } from "../lib/engine/mod.ts";
 * const info = await initEngine({ backend: "auto" }); // tensorflow, else wasm, else cpu
 * console.log(formatEngineInfo(info)); // wasm (SIMD, 1 thread) + OpenBLAS 0.3.21 (2 threads, …) · tfjs 4.22.0
 * ```
 *
 * `tf` works before {@link initEngine} (stock `cpu` backend), but scripts and
 * notebooks call `initEngine` once at start-up and print `formatEngineInfo`.
 * On wasm and cpu the engine registers its own kernels (see `kernels.ts`):
 * matrix products through a system CBLAS `cblas_sgemm` via Deno FFI
 * (`LMFS_BLAS=path|off`; needs `--allow-ffi`), the kernels wasm lacks
 * (`UnsortedSegmentSum`, `Einsum`), faster `Slice`/`Unpack`/`SplitV`/`Tanh`/
 * `GatherV2`, copy-free `Identity`/`Cast`, gradients tfjs lacks or gets
 * wrong (`Einsum`; `BatchMatMul` with broadcast batch dimensions), and the
 * fused ops above with hand-written gradients.
 *
 * The fused ops' element loops run as WebAssembly SIMD on the wasm backend's
 * own memory (`loops.ts`; written in WebAssembly text, assembled at start-up
 * by `wasm_asm.ts`), as TypeScript elsewhere. With OpenBLAS and a thread
 * count the user did not set, small products run on one thread and large
 * ones on as many as there are idle cores (`blas_threads.ts`): on a busy
 * machine a helper thread that waits for a core makes every product slower.
 *
 * ## Writing fast model code
 *
 * On this engine a training step is dominated by two things: matrix products
 * (fast now) and the ~5–30 µs tfjs spends dispatching every op under autodiff
 * (plus one pass over memory per elementwise op). So:
 *
 * - **Use the `nn/` functions that have a fast path.** A GPT block is
 *   `layerNorm` → `linear` (qkv) → `causalAttention` → `linear` →
 *   `layerNorm` → `linear` → `gelu` → `linear` (all from `lib/nn/`); the loss
 *   is `crossEntropy`; the optimizer step is `globalNormClip` and
 *   `adamWUpdate` (`lib/train/`). On a 2-core machine
 *   (wasm + OpenBLAS) a GPT-baby training step went from ~1,230 kernels to
 *   ~250, and from 85–100 ms to ~57 ms on one BLAS thread, ~42 ms when the
 *   second core is idle.
 *
 * - **Additive causal masks, not `tf.where`.** Build the mask once as a
 *   `[T, T]` tensor of `0` and `-1e9` (or `-Infinity` above the diagonal) and
 *   add it to the attention scores: `tf.add(scores, mask)`. A `tf.where` mask
 *   cost ~25 ms a step where the addition costs under 1 ms.
 * - **4-D head transposes only.** Split heads with
 *   `reshape([B, T, H, D])` then `transpose([0, 2, 1, 3])`, merge them back
 *   the same way. Never build 5-D tensors (one 5-D transpose cost 250 ms a step).
 * - **Batched products with transpose flags, not explicit transposes:**
 *   `tf.matMul(q, k, false, true)` for `q·kᵀ`; the flags are free with BLAS.
 * - **Linear layers through `linear` (`lib/nn/linear.ts`),** one kernel each
 *   way for any input rank. Without it: reshape `[B, T, C]` to `[B·T, C]`,
 *   then `tf.fused.matMul({ a, b: w, bias })` and reshape back; keep inputs
 *   2-D (tfjs's fused-op gradient cannot reduce a broadcast batch dimension).
 *   Plain `tf.matMul` of a 3-D input with a 2-D weight is fine (the engine's
 *   gradient reduces it).
 * - **Gather embeddings:** `tf.gather(table, ids)`, never one-hot products; its
 *   gradient is `UnsortedSegmentSum`, native here.
 * - **Fused activations:** `gelu` from `lib/nn/gelu.ts` is one op forward and
 *   one backward (GPT-2's tanh GELU written with tfjs ops is ~8 and ~20);
 *   `tf.tanh` and `tf.sigmoid` are fast kernels, hand-built formulas are not.
 * - **Fewer, larger ops.** Hoist work out of time loops (input projections of a
 *   whole sequence at once), concatenate gate weights into one product, use
 *   `tf.split`/`tf.unstack` once rather than `tf.slice` per step, prefer
 *   `tf.sigmoid` and `tf.tanh` over hand-built activations, and check with
 *   `tf.profile` which kernels dominate. Run each step inside `tf.tidy`.
 * - **Check for leaks:** `tf.memory().numTensors` must be the same after 1 and
 *   after 1,000 steps.
 *
 * @module
 */
export { tf } from "./tf.ts";
export {
  BACKEND_REQUESTS,
  type BackendName,
  type BackendRequest,
  type BlasInfo,
  type EngineInfo,
  engineInfo,
  type EngineOptions,
  formatEngineInfo,
  initEngine,
  TFJS_NODE_FIX,
} from "./engine.ts";
export { BLAS_ENV, blasCandidates } from "./blas.ts";
export { fusedGelu } from "./gelu.ts";
export { fusedLayerNorm } from "./layer_norm.ts";
export { fusedLinear, type WeightLayout } from "./linear.ts";
export { LSTM_STEP, LSTM_STEP_GRAD, lstmCellAvailable } from "./lstm_cell.ts";
export { fusedCausalAttention } from "./attention.ts";
export { fusedSoftmaxCrossEntropy } from "./cross_entropy.ts";
export { type AdamWStep, type AdamWTensors, fusedAdamW, fusedGlobalNormClip } from "./optimizer.ts";
