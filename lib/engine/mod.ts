/**
 * The engine: the only place that imports TensorFlow.js, picks the fastest
 * backend at run time and makes CPU training native-speed (DESIGN.md, "The
 * engine").
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
 * wrong (`Einsum`; `BatchMatMul` with broadcast batch dimensions), and fused
 * ops with hand-written gradients: {@link gelu}, layer norm and linear layers
 * (`layer_norm.ts`, `linear.ts`, used by `lib/nn`), {@link causalAttention},
 * {@link softmaxCrossEntropy}, {@link adamWUpdate} and {@link globalNormClip}. Each falls back to the same
 * maths in plain tfjs ops where its kernel is not registered (tfjs-node, or
 * before `initEngine`).
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
 * - **Use the fused ops.** A GPT block is `layerNorm` → `linear` (qkv) →
 *   {@link causalAttention} → `linear` → `layerNorm` → `linear` → {@link gelu}
 *   → `linear`; the loss is {@link softmaxCrossEntropy}; the optimizer step is
 *   {@link globalNormClip} and {@link adamWUpdate}. On a 2-core machine
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
 * - **Fused activations:** {@link gelu} from this module is one op forward and
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
export { gelu } from "./gelu.ts";
export { LSTM_STEP, LSTM_STEP_GRAD, lstmCellAvailable } from "./lstm_cell.ts";
export { causalAttention } from "./attention.ts";
export { softmaxCrossEntropy } from "./cross_entropy.ts";
export { type AdamWStep, type AdamWTensors, adamWUpdate, globalNormClip } from "./optimizer.ts";
