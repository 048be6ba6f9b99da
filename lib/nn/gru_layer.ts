/**
 * One GRU layer over a whole sequence, `torch.nn.GRU`'s equations, gate
 * order (r, z, n) and weight layout:
 *
 *     r_t = σ(W_ir·x_t + b_ir + W_hr·h_{t−1} + b_hr)            reset gate    (B, H)
 *     z_t = σ(W_iz·x_t + b_iz + W_hz·h_{t−1} + b_hz)            update gate   (B, H)
 *     n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t−1} + b_hn))  candidate    (B, H)
 *     h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
 *
 * with `W_ih = [W_ir; W_iz; W_in]` `[3H, I]`, `W_hh = [W_hr; W_hz; W_hn]`
 * `[3H, H]`, `b_ih`, `b_hh` `[3H]`. Note that the reset gate multiplies
 * `W_hn·h + b_hn` (PyTorch's and cuDNN's form), not `h` itself.
 *
 * {@link gruLayer} is the fast form: one `tf.customGrad` op with
 * backpropagation through time written by hand, like `rnnLayer`. The forward
 * pass does the input side of all three gates for all T steps as one matrix
 * product, then three small products per step. With `a_r`, `a_z`, `a_n` the
 * gates' pre-activations, `hn_t = W_hn·h_{t−1} + b_hn` and `dh_t` the total
 * gradient reaching `h_t` (from above and from step t + 1), the backward pass
 * walks time in reverse:
 *
 *     da_n = dh_t ⊙ (1 − z_t) ⊙ (1 − n_t²)
 *     da_z = dh_t ⊙ (h_{t−1} − n_t) ⊙ z_t(1 − z_t)
 *     da_r = da_n ⊙ hn_t ⊙ r_t(1 − r_t)
 *     dh_{t−1} = dh_t ⊙ z_t + [da_r, da_z, da_n ⊙ r_t]·W_hh   (+ dy_{t−1})
 *
 * and after the loop gets every weight gradient as one product over the
 * stacked `[T·B]` rows (`dW_hh = dGhᵀ·H_prev` with `dGh = [da_r, da_z, da_n ⊙ r]`,
 * `dW_ih = dGxᵀ·X` with `dGx = [da_r, da_z, da_n]`, the biases as column sums).
 *
 * {@link gruLayerAutodiff} is the plain unrolled loop for tfjs's autodiff: the
 * reference the hand-written gradients are tested against.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { affine, kernel } from "./raw_kernels.ts";
import type { RnnLayerWeights } from "./rnn_layer.ts";

/**
 * The four weights of one GRU layer, `torch.nn.GRU` layout: `wIh` `[3H, I]`,
 * `wHh` `[3H, H]`, `bIh` and `bHh` `[3H]`, gates stacked r, z, n.
 */
export type GruLayerWeights = RnnLayerWeights;

/**
 * Runs one GRU layer over `x` (time-major, `[T, B, I]`) from `h0` (`[B, H]`)
 * and returns every step's hidden state, `[T, B, H]`. Differentiable with
 * respect to all six inputs, through hand-written backpropagation through time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { gruLayer } from "./gru_layer.ts";
 * // one unit, all weights 0: r = z = σ(0) = ½, n = tanh(0) = 0, so h_t = ½·h_{t−1}
 * const w = { wIh: tf.zeros([3, 1]), wHh: tf.zeros([3, 1]), bIh: tf.zeros([3]), bHh: tf.zeros([3]) };
 * const y = gruLayer(tf.zeros([2, 1, 1]), tf.ones([1, 1]), w); // T = 2, B = 1, I = 1
 * assert.deepEqual(Array.from(y.dataSync()), [0.5, 0.25]);
 * ```
 */
export function gruLayer(x: tf.Tensor, h0: tf.Tensor, weights: GruLayerWeights): tf.Tensor3D {
  const { wIh, wHh, bIh, bHh } = weights;
  return gruLayerOp(x, h0, wIh, wHh, bIh, bHh) as tf.Tensor3D;
}

const gruLayerOp = tf.customGrad((...args) => {
  const [x, h0, wIh, wHh, bIh, bHh] = args as tf.Tensor[];
  const save = args[6] as unknown as (tensors: tf.Tensor[]) => void;
  const [T, B, I] = x.shape as [number, number, number];
  const H = wHh.shape[1] as number;
  const x2 = tf.reshape(x, [T * B, I]) as tf.Tensor2D;

  // Forward. The input side of all gates for all steps in one product; b_hr and
  // b_hz join it (they add to the same sums), b_hn cannot (r_t multiplies it).
  const [, , bHn] = tf.split(bHh, 3);
  const bias = tf.add(bIh, tf.concat([tf.slice(bHh, 0, 2 * H), tf.zerosLike(bHn)]));
  const gx = tf.fused.matMul({ a: x2, b: wIh as tf.Tensor2D, transposeB: true, bias }); // (T·B, 3H)
  const [gxr, gxz, gxn] = tf.split(gx, 3, 1).map((g) => tf.split(g, T, 0)); // 3 × T × (B, H)
  const [wHrT, wHzT, wHnT] = tf.split(wHh, 3, 0).map((w) => tf.transpose(w)); // 3 × (H, H)
  let h = h0 as tf.Tensor2D;
  const rs: tf.Tensor2D[] = [], zs: tf.Tensor2D[] = [], ns: tf.Tensor2D[] = [];
  const hns: tf.Tensor2D[] = [], hs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const r = affine(h, wHrT, gxr[t], "sigmoid");
    const z = affine(h, wHzT, gxz[t], "sigmoid");
    const hn = affine(h, wHnT, bHn);
    const n = kernel("Tanh", {
      x: kernel("Add", { a: gxn[t], b: kernel("Multiply", { a: r, b: hn }) }),
    });
    h = kernel("Add", { a: n, b: kernel("Multiply", { a: z, b: kernel("Sub", { a: h, b: n }) }) });
    rs.push(r), zs.push(z), ns.push(n), hns.push(hn), hs.push(h);
  }
  const join = (ts: tf.Tensor2D[]) => (T === 1 ? ts[0] : tf.concat(ts, 0)); // (T·B, H)
  const y = tf.reshape(join(hs), [T, B, H]) as tf.Tensor3D;
  save([x2, h0, wIh, wHh, y, join(rs), join(zs), join(ns), join(hns)]);

  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [x2, h0, wIh, wHh, y, R, Z, N, HN] = saved;
    const y2 = tf.reshape(y, [T * B, H]);
    const hPrev = T === 1 ? h0 : tf.concat([h0, tf.slice(y2, [0, 0], [(T - 1) * B, H])], 0);
    // every step's local slopes at once, so the loop does few small ops
    const steps = (t: tf.Tensor) => tf.split(t, T, 0) as tf.Tensor2D[];
    const slopeN = steps(tf.mul(tf.sub(1, Z), tf.sub(1, tf.square(N)))); // ∂h/∂a_n
    const slopeZ = steps(tf.mul(tf.sub(hPrev, N), tf.mul(Z, tf.sub(1, Z)))); // ∂h/∂a_z
    const slopeR = steps(tf.mul(HN, tf.mul(R, tf.sub(1, R)))); // ∂a_n/∂a_r
    const rSteps = steps(R), zSteps = steps(Z);
    const dys = steps(tf.reshape(dy, [T * B, H]));
    const w = wHh as tf.Tensor2D; // (3H, H): [da_r, da_z, dhn]·W_hh needs no transpose
    const dGhs: tf.Tensor2D[] = new Array(T), dAns: tf.Tensor2D[] = new Array(T);
    let dh = dys[T - 1];
    for (let t = T - 1; t >= 0; t--) {
      if (t < T - 1) {
        // dh_t = dy_t + dh_{t+1} ⊙ z_{t+1} + dGh_{t+1}·W_hh (one product, the rest its bias)
        const direct = kernel("Multiply", { a: dh, b: zSteps[t + 1] });
        dh = affine(dGhs[t + 1], w, kernel("Add", { a: direct, b: dys[t] }));
      }
      const dAn = kernel("Multiply", { a: dh, b: slopeN[t] });
      const dAr = kernel("Multiply", { a: dAn, b: slopeR[t] });
      const dAz = kernel("Multiply", { a: dh, b: slopeZ[t] });
      const dHn = kernel("Multiply", { a: dAn, b: rSteps[t] });
      dGhs[t] = tf.concat([dAr, dAz, dHn], 1); // (B, 3H)
      dAns[t] = dAn;
    }
    const dh0 = affine(dGhs[0], w, kernel("Multiply", { a: dh, b: zSteps[0] })); // (B, H)
    const dGh = T === 1 ? dGhs[0] : tf.concat(dGhs, 0); // (T·B, 3H)
    const dGx = tf.concat([
      tf.slice(dGh, [0, 0], [T * B, 2 * H]),
      T === 1 ? dAns[0] : tf.concat(dAns, 0),
    ], 1);
    const dWhh = tf.matMul(dGh, hPrev as tf.Tensor2D, true, false); // Σ_t dGh_tᵀ·h_{t−1}
    const dWih = tf.matMul(dGx, x2 as tf.Tensor2D, true, false); // Σ_t dGx_tᵀ·x_t
    const dx = tf.reshape(tf.matMul(dGx, wIh as tf.Tensor2D), [T, B, I]);
    const ones = tf.ones([1, T * B]);
    const dbIh = tf.reshape(tf.matMul(ones, dGx), [3 * H]);
    const dbHh = tf.reshape(tf.matMul(ones, dGh), [3 * H]);
    return [dx, dh0, dWih, dWhh, dbIh, dbHh];
  };
  return { value: y, gradFunc };
});

/**
 * The same layer as {@link gruLayer}, written as the plain unrolled loop and
 * differentiated by tfjs's autodiff: the reference for the hand-written
 * backward pass, and the form a learner writes first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { gruLayer, gruLayerAutodiff } from "./gru_layer.ts";
 * const w = { wIh: tf.randomNormal([9, 2]), wHh: tf.randomNormal([9, 3]), bIh: tf.zeros([9]), bHh: tf.ones([9]) };
 * const x = tf.randomNormal([4, 2, 2]); // (T, B, I)
 * const h0 = tf.zeros([2, 3]); // (B, H)
 * const a = gruLayer(x, h0, w).dataSync(), b = gruLayerAutodiff(x, h0, w).dataSync();
 * assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-6));
 * ```
 */
export function gruLayerAutodiff(
  x: tf.Tensor,
  h0: tf.Tensor,
  weights: GruLayerWeights,
): tf.Tensor3D {
  const [T, B, I] = x.shape as [number, number, number];
  return tf.tidy(() => {
    const [wIr, wIz, wIn] = tf.split(weights.wIh, 3, 0);
    const [wHr, wHz, wHn] = tf.split(weights.wHh, 3, 0);
    const [bIr, bIz, bIn] = tf.split(weights.bIh, 3);
    const [bHr, bHz, bHn] = tf.split(weights.bHh, 3);
    const lin = (v: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      tf.add(tf.matMul(v, w, false, true), b);
    let h = h0;
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, B, I]), [B, I]); // (B, I)
      const r = tf.sigmoid(tf.add(lin(xt, wIr, bIr), lin(h, wHr, bHr)));
      const z = tf.sigmoid(tf.add(lin(xt, wIz, bIz), lin(h, wHz, bHz)));
      const n = tf.tanh(tf.add(lin(xt, wIn, bIn), tf.mul(r, lin(h, wHn, bHn))));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)); // (B, H)
      hs.push(h);
    }
    return tf.stack(hs) as tf.Tensor3D; // (T, B, H)
  });
}
