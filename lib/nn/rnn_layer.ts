/**
 * One vanilla (tanh) RNN layer over a whole sequence, `torch.nn.RNN`'s
 * equations and weight layout:
 *
 *     h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)        (B, H)
 *
 * with `W_ih` `[H, I]`, `W_hh` `[H, H]`, `b_ih`, `b_hh` `[H]`.
 *
 * {@link rnnLayer} is the fast form: one `tf.customGrad` op whose backward
 * pass is backpropagation through time written by hand. The forward pass
 * hoists the input projection out of the time loop (one large matrix product
 * for all T steps), then does one small product and one tanh per step (the
 * tanh as a sigmoid fused into the product: see the code). With
 * `z_t` the pre-activation, `y_t = h_t` the layer's output and `dy_t` the
 * gradient arriving from above, the backward pass walks time in reverse:
 *
 *     dh_t = dy_t + dz_{t+1}·W_hh            (the future's share flows back through W_hh)
 *     dz_t = dh_t ⊙ (1 − h_t²)               (tanh′(z) = 1 − tanh(z)²)
 *
 * and after the loop gets every weight gradient as one large product over the
 * stacked `[T·B]` rows: `dW_hh = Σ_t dz_tᵀ·h_{t−1}`, `dW_ih = Σ_t dz_tᵀ·x_t`,
 * `db_ih = db_hh = Σ_t dz_t`, `dX = dZ·W_ih`, and `dh_0 = dz_1·W_hh`.
 *
 * {@link rnnLayerAutodiff} is the same layer written as the plain unrolled
 * loop for tfjs's autodiff: the reference the hand-written gradients are
 * tested against, and the version a learner writes first. It is much slower:
 * tfjs spends tens of microseconds recording every op, and the unrolled loop
 * records several per step (`lib/README.md`, "The engine").
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { affine, kernel } from "./raw_kernels.ts";

/** The four weights of one layer, `torch.nn.RNN` layout. */
export interface RnnLayerWeights {
  /** Input-to-hidden weight `W_ih`, `[H, I]`. */
  readonly wIh: tf.Tensor;
  /** Hidden-to-hidden weight `W_hh`, `[H, H]`. */
  readonly wHh: tf.Tensor;
  /** Input-to-hidden bias `b_ih`, `[H]`. */
  readonly bIh: tf.Tensor;
  /** Hidden-to-hidden bias `b_hh`, `[H]`. */
  readonly bHh: tf.Tensor;
}

/**
 * Runs one tanh RNN layer over `x` (time-major, `[T, B, I]`, as
 * `torch.nn.RNN` without `batch_first`) from the initial state `h0`
 * (`[B, H]`) and returns every step's hidden state, `[T, B, H]` (the last
 * step is the final state). Differentiable with respect to all six inputs,
 * through hand-written backpropagation through time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { rnnLayer } from "./rnn_layer.ts";
 * // one unit, W_ih = 1, W_hh = 0.5, no bias: h_t = tanh(x_t + 0.5·h_{t−1})
 * const w = { wIh: tf.tensor2d([[1]]), wHh: tf.tensor2d([[0.5]]), bIh: tf.zeros([1]), bHh: tf.zeros([1]) };
 * const y = rnnLayer(tf.tensor3d([[[1]], [[0]]]), tf.zeros([1, 1]), w); // T = 2, B = 1, I = 1
 * const [h1, h2] = y.dataSync();
 * assert.ok(Math.abs(h1 - Math.tanh(1)) < 1e-6 && Math.abs(h2 - Math.tanh(0.5 * h1)) < 1e-6);
 * ```
 */
export function rnnLayer(x: tf.Tensor, h0: tf.Tensor, weights: RnnLayerWeights): tf.Tensor3D {
  const { wIh, wHh, bIh, bHh } = weights;
  return rnnLayerOp(x, h0, wIh, wHh, bIh, bHh) as tf.Tensor3D;
}

const rnnLayerOp = tf.customGrad((...args) => {
  const [x, h0, wIh, wHh, bIh, bHh] = args as tf.Tensor[];
  const save = args[6] as unknown as (tensors: tf.Tensor[]) => void;
  const [T, B, I] = x.shape as [number, number, number];
  const H = wHh.shape[0] as number;
  // Time-major: the rows of a (T·B, ·) matrix are step 0's batch, then step 1's …,
  // so every step is one contiguous block and splitting or joining steps is cheap.
  const x2 = tf.reshape(x, [T * B, I]) as tf.Tensor2D;

  // Forward. tanh(z) = 2σ(2z) − 1, and σ fuses into the matrix product while
  // tanh does not; so the loop carries u_t = σ(2z_t) = (h_t + 1)/2 instead of
  // h_t. Substituting h_{t−1} = 2u_{t−1} − 1 into 2z_t gives
  //   2z_t = u_{t−1}·(4W_hh)ᵀ + 2(x_t·W_ihᵀ + b_ih + b_hh − W_hh·1)
  // (W_hh·1: the row sums), so each step is one fused product + bias + sigmoid.
  const shift = tf.mul(tf.sub(tf.add(bIh, bHh), tf.sum(wHh, 1)), 2); // (H)
  const c = tf.fused.matMul({ // (T·B, H): the input side of 2z_t, all steps at once
    a: x2,
    b: tf.mul(wIh, 2) as tf.Tensor2D,
    transposeB: true,
    bias: shift,
  });
  const cs = tf.split(c, T, 0); // T × (B, H)
  const w4 = tf.mul(tf.transpose(wHh), 4) as tf.Tensor2D; // 4W_hhᵀ, transposed once
  let u = tf.mul(tf.add(h0, 1), 0.5) as tf.Tensor2D; // u_0 = (h_0 + 1)/2
  const us: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    u = affine(u, w4, cs[t], "sigmoid"); // u_t = σ(u_{t−1}·4W_hhᵀ + c_t)
    us.push(u);
  }
  const uAll = T === 1 ? us[0] : tf.concat(us, 0); // (T·B, H)
  const y = tf.reshape(tf.sub(tf.mul(uAll, 2), 1), [T, B, H]) as tf.Tensor3D; // h_t = 2u_t − 1
  save([x2, h0, wIh, wHh, y]);

  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [x2, h0, wIh, wHh, y] = saved;
    const y2 = tf.reshape(y, [T * B, H]) as tf.Tensor2D;
    const w = wHh as tf.Tensor2D; // (H, H): dh_{t−1} = dz_t·W_hh needs no transpose
    const slopes = tf.split(tf.sub(1, tf.square(y2)), T, 0); // tanh′ = 1 − h_t², all steps
    const dys = tf.split(tf.reshape(dy, [T * B, H]), T, 0);
    const dzs: tf.Tensor2D[] = new Array(T);
    let dz: tf.Tensor2D | undefined;
    for (let t = T - 1; t >= 0; t--) {
      // dh_t = dy_t + dz_{t+1}·W_hh (one product, dy_t fused as its bias)
      const dh = dz ? affine(dz, w, dys[t]) : dys[t];
      dz = kernel("Multiply", { a: dh, b: slopes[t] }); // dz_t = dh_t ⊙ (1 − h_t²)
      dzs[t] = dz;
    }
    const dh0 = tf.matMul(dz!, w); // (B, H)
    // weight gradients: one product each over all T·B rows
    const dZ = T === 1 ? dzs[0] : tf.concat(dzs, 0); // (T·B, H)
    const hPrev = T === 1 ? h0 : tf.concat([h0, tf.slice(y2, [0, 0], [(T - 1) * B, H])], 0);
    const dWhh = tf.matMul(dZ, hPrev as tf.Tensor2D, true, false); // Σ_t dz_tᵀ·h_{t−1}
    const dWih = tf.matMul(dZ, x2 as tf.Tensor2D, true, false); // Σ_t dz_tᵀ·x_t
    const dx = tf.reshape(tf.matMul(dZ, wIh as tf.Tensor2D), [T, B, I]);
    const db = tf.reshape(tf.matMul(tf.ones([1, T * B]), dZ), [H]); // Σ_t dz_t (faster than tf.sum)
    return [dx, dh0, dWih, dWhh, db, tf.clone(db)];
  };
  return { value: y, gradFunc };
});

/**
 * The same layer as {@link rnnLayer}, written as the plain unrolled loop and
 * differentiated by tfjs's autodiff: the reference for the hand-written
 * backward pass, and the form a learner writes first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { rnnLayer, rnnLayerAutodiff } from "./rnn_layer.ts";
 * const w = { wIh: tf.randomNormal([3, 2]), wHh: tf.randomNormal([3, 3]), bIh: tf.zeros([3]), bHh: tf.ones([3]) };
 * const x = tf.randomNormal([4, 2, 2]); // (T, B, I)
 * const h0 = tf.zeros([2, 3]); // (B, H)
 * const a = rnnLayer(x, h0, w).dataSync(), b = rnnLayerAutodiff(x, h0, w).dataSync();
 * assert.ok(a.every((v, i) => Math.abs(v - b[i]) < 1e-6));
 * ```
 */
export function rnnLayerAutodiff(
  x: tf.Tensor,
  h0: tf.Tensor,
  weights: RnnLayerWeights,
): tf.Tensor3D {
  const { wIh, wHh, bIh, bHh } = weights;
  const [T, B, I] = x.shape as [number, number, number];
  return tf.tidy(() => {
    let h = h0;
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, B, I]), [B, I]); // (B, I)
      const z = tf.add(
        tf.add(tf.matMul(xt, wIh, false, true), bIh),
        tf.add(tf.matMul(h, wHh, false, true), bHh),
      );
      h = tf.tanh(z); // (B, H)
      hs.push(h);
    }
    return tf.stack(hs) as tf.Tensor3D; // (T, B, H)
  });
}
