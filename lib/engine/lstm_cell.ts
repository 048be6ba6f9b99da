/**
 * One LSTM time step, forward and backward, each as one kernel call (used
 * inside `lib/nn/lstm_layer.ts`'s hand-written BPTT). Written with tfjs ops a
 * step is a fused product (whose bias and sigmoid run as two more stock
 * kernels) and ~8 elementwise kernels forward, ~7 backward, each costing
 * microseconds of dispatch and a pass over memory; a hundred steps and two
 * layers make a training step. Here each is one `sgemm` plus two loops (and
 * the stock `Sigmoid`, XNNPACK on wasm, for σ and tanh(x) = 2σ(2x) − 1).
 *
 * - `LmfsLstmStep`: from `h` `[B, H]`, the scaled recurrent weight `w`
 *   `[4H, H]` (its g rows doubled), the input side of every step `gx`
 *   `[T·B, 4H]` (read at row block `t`) and the previous cell `c` `[B, H]`:
 *   `a = σ(h·wᵀ + gx_t)` = `[i | f | ĝ | o]` (ĝ = σ(2z_g), so g = 2ĝ − 1),
 *   `c_t = f·c + i·g`, `h_t = o·tanh(c_t)`; returns `[k, c_t, h_t]` where `k`
 *   `[B, 6H]` holds what the backward pass needs of this step,
 *   `[g·i′ | c_{t−1}·f′ | i·g′ | tanh(c_t)·o′ | o·tanh′(c_t) | f]`.
 * - `LmfsLstmStepGrad`: from `dzNext` `[B, 4H]` (step t + 1's pre-activation
 *   gradient; absent at the last step), the weight `w` `[4H, H]`, the
 *   output gradient `dy` `[T·B, H]` (read at row block `t`), the step's `k`
 *   and `dc` `[B, H]` (what reaches c_t from step t + 1), returns
 *   `[dz, dc_{t−1}]`: `dh = dy_t + dzNext·w`, `dc* = dc + dh·o·tanh′(c)`,
 *   `dz = [dc*·g·i′ | dc*·c_{t−1}·f′ | dc*·i·g′ | dh·tanh(c)·o′]`,
 *   `dc_{t−1} = dc*·f`.
 *
 * Registered by `initEngine` on wasm and cpu; `lstmCellAvailable()` says
 * whether the current backend has them (else the layer uses tfjs ops).
 *
 * @module
 */
import type { KernelContext } from "./registry.ts";
import { tf } from "./tf.ts";

/** Kernel names. */
export const LSTM_STEP = "LmfsLstmStep";
export const LSTM_STEP_GRAD = "LmfsLstmStepGrad";

/**
 * Whether the fused LSTM kernels are registered on the current backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lstmCellAvailable } from "./lstm_cell.ts";
 * assert.equal(typeof lstmCellAvailable(), "boolean");
 * ```
 */
export function lstmCellAvailable(): boolean {
  const backend = tf.getBackend();
  return [LSTM_STEP, LSTM_STEP_GRAD].every((name) => tf.getKernel(name, backend) !== undefined);
}

/** Kernel for {@link LSTM_STEP}. */
export function lstmStepKernel(ctx: KernelContext): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const h = inputs.h as tf.TensorInfo, w = inputs.w as tf.TensorInfo;
    const gx = inputs.gx as tf.TensorInfo, cPrev = inputs.c as tf.TensorInfo;
    const t = (attrs as { t: number }).t;
    const [B, H] = cPrev.shape;
    const heap = ctx.heap(backend);
    // allocate first: allocation can move the wasm heap (views are re-taken after)
    const z = heap.alloc([B, 4 * H], "float32");
    const c = heap.alloc([B, H], "float32");
    const h2 = heap.alloc([B, H], "float32");
    const k = heap.alloc([B, 6 * H], "float32");
    {
      const A = heap.slab(h), W = heap.slab(w), Z = heap.slab(z);
      const p = { transA: false, transB: true, m: B, n: 4 * H, k: H, lda: H, ldb: H, ldc: 4 * H };
      ctx.gemm().sgemm(p, A.arr, [A.off], W.arr, [W.off], Z.arr, [Z.off]); // h·wᵀ
      const zv = heap.f32(z), gv = heap.f32(gx), base = t * B * 4 * H;
      for (let i = 0; i < zv.length; i++) zv[i] += gv[base + i];
    }
    const a = ctx.run("Sigmoid", backend, { x: z }) as tf.TensorInfo;
    heap.free(z);
    const twice = heap.alloc([B, H], "float32");
    {
      const av = heap.f32(a), cp = heap.f32(cPrev), cv = heap.f32(c), tw = heap.f32(twice);
      for (let b = 0; b < B; b++) {
        const row = b * 4 * H, out = b * H;
        for (let j = 0; j < H; j++) {
          const i = av[row + j], f = av[row + H + j], gh = av[row + 2 * H + j];
          const cn = f * cp[out + j] + i * (2 * gh - 1);
          cv[out + j] = cn;
          tw[out + j] = 2 * cn;
        }
      }
    }
    const s = ctx.run("Sigmoid", backend, { x: twice }) as tf.TensorInfo; // σ(2c)
    heap.free(twice);
    {
      const av = heap.f32(a), sv = heap.f32(s), hv = heap.f32(h2), kv = heap.f32(k);
      const cp = heap.f32(cPrev);
      for (let b = 0; b < B; b++) {
        const ar = b * 4 * H, kr = b * 6 * H, r = b * H;
        for (let j = 0; j < H; j++) {
          const i = av[ar + j], f = av[ar + H + j], g = 2 * av[ar + 2 * H + j] - 1;
          const o = av[ar + 3 * H + j], tc = 2 * sv[r + j] - 1; // tanh(c_t)
          hv[r + j] = o * tc;
          kv[kr + j] = g * i * (1 - i);
          kv[kr + H + j] = cp[r + j] * f * (1 - f);
          kv[kr + 2 * H + j] = i * (1 - g * g);
          kv[kr + 3 * H + j] = tc * o * (1 - o);
          kv[kr + 4 * H + j] = o * (1 - tc * tc);
          kv[kr + 5 * H + j] = f;
        }
      }
    }
    heap.free(a);
    heap.free(s);
    return [k, c, h2];
  };
}

/** Kernel for {@link LSTM_STEP_GRAD}. */
export function lstmStepGradKernel(ctx: KernelContext): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const dzNext = inputs.dzNext as tf.TensorInfo | undefined, w = inputs.w as tf.TensorInfo;
    const dy = inputs.dy as tf.TensorInfo, dc = inputs.dc as tf.TensorInfo;
    const k = inputs.k as tf.TensorInfo;
    const t = (attrs as { t: number }).t;
    const [B, H] = dc.shape;
    const heap = ctx.heap(backend);
    const dz = heap.alloc([B, 4 * H], "float32");
    const dcPrev = heap.alloc([B, H], "float32");
    const dh = heap.alloc([B, H], "float32");
    if (dzNext) {
      const A = heap.slab(dzNext), W = heap.slab(w), D = heap.slab(dh);
      const p = { transA: false, transB: false, m: B, n: H, k: 4 * H, lda: 4 * H, ldb: H, ldc: H };
      ctx.gemm().sgemm(p, A.arr, [A.off], W.arr, [W.off], D.arr, [D.off]); // dz_{t+1}·w
    }
    const dhv = heap.f32(dh), dyv = heap.f32(dy), dcv = heap.f32(dc), kv = heap.f32(k);
    const dzv = heap.f32(dz), dpv = heap.f32(dcPrev);
    const yBase = t * B * H;
    for (let b = 0; b < B; b++) {
      const kr = b * 6 * H, zr = b * 4 * H, r = b * H;
      for (let j = 0; j < H; j++) {
        const g = (dzNext ? dhv[r + j] : 0) + dyv[yBase + r + j];
        const d = dcv[r + j] + g * kv[kr + 4 * H + j];
        dzv[zr + j] = d * kv[kr + j];
        dzv[zr + H + j] = d * kv[kr + H + j];
        dzv[zr + 2 * H + j] = d * kv[kr + 2 * H + j];
        dzv[zr + 3 * H + j] = g * kv[kr + 3 * H + j];
        dpv[r + j] = d * kv[kr + 5 * H + j];
      }
    }
    heap.free(dh);
    return [dz, dcPrev];
  };
}
