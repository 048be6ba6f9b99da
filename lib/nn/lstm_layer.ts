/**
 * One LSTM layer over a whole sequence, `torch.nn.LSTM`'s equations, gate
 * order (i, f, g, o) and weight layout:
 *
 *     z_t = x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh        (B, 4H): [z_i | z_f | z_g | z_o]
 *     i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)  (B, H) each
 *     c_t = f ⊙ c_{t−1} + i ⊙ g                            the cell: a sum, not a product
 *     h_t = o ⊙ tanh(c_t)
 *
 * with `W_ih` `[4H, I]`, `W_hh` `[4H, H]`, `b_ih`, `b_hh` `[4H]`.
 *
 * {@link lstmLayer} is the fast form: one `tf.customGrad` op whose backward
 * pass is backpropagation through time written by hand, like `rnnLayer`. The
 * forward pass hoists the input projection out of the time loop and does one
 * fused product + sigmoid per step for all four gates (g uses
 * tanh(z) = 2σ(2z) − 1: its rows of the weights are doubled once). Walking
 * time backwards with `dh_t` (from above and from step t + 1) and `dc_t`:
 *
 *     dz_o = dh_t ⊙ tanh(c_t) ⊙ o(1 − o)
 *     dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o ⊙ (1 − tanh²(c_t))   the cell path: only ⊙ f
 *     dz_i = dc_t ⊙ g ⊙ i(1 − i)   dz_f = dc_t ⊙ c_{t−1} ⊙ f(1 − f)   dz_g = dc_t ⊙ i ⊙ (1 − g²)
 *     dh_{t−1} = dy_{t−1} + dz_t·W_hh
 *
 * Every factor that depends only on the forward pass is computed for all T
 * steps at once before the loop; the weight gradients are three large
 * products after it (`dW_hh = Σ dz_tᵀ·h_{t−1}`, `dW_ih = Σ dz_tᵀ·x_t`,
 * `db = Σ dz_t`).
 *
 * {@link lstmLayerAutodiff} is the plain unrolled loop for tfjs's autodiff:
 * the reference the hand-written gradients are tested against, and the one
 * that can hand back every gate's activations (for heatmaps).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { affine, kernel } from "./raw_kernels.ts";
import { LSTM_STEP, LSTM_STEP_GRAD, lstmCellAvailable } from "../engine/lstm_cell.ts";
import type { RnnLayerWeights } from "./rnn_layer.ts";

/**
 * The four weights of one layer, `torch.nn.LSTM` layout (gate order i, f, g,
 * o): `wIh` `[4H, I]`, `wHh` `[4H, H]`, `bIh` and `bHh` `[4H]`.
 */
export type LstmLayerWeights = RnnLayerWeights;

/** What an LSTM layer returns. */
export interface LstmLayerOutput {
  /** Every step's hidden state `h_t`, `[T, B, H]` (the last is the final h). */
  readonly y: tf.Tensor3D;
  /** The final cell state `c_T`, `[B, H]`. */
  readonly c: tf.Tensor2D;
}

/** Gate activations of every step, each `[T, B, H]`. */
export type LstmGates = {
  /** Input gate σ(z_i): how much of the candidate enters the cell. */
  readonly i: tf.Tensor3D;
  /** Forget gate σ(z_f): how much of the old cell is kept. */
  readonly f: tf.Tensor3D;
  /** Candidate tanh(z_g). */
  readonly g: tf.Tensor3D;
  /** Output gate σ(z_o): how much of tanh(c) is shown as h. */
  readonly o: tf.Tensor3D;
  /** The cell state c_t. */
  readonly c: tf.Tensor3D;
};

/**
 * Runs one LSTM layer over `x` (time-major `[T, B, I]`) from `h0`, `c0`
 * (`[B, H]`): every step's hidden state and the final cell state.
 * Differentiable with respect to all seven inputs through hand-written BPTT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { lstmLayer } from "./lstm_layer.ts";
 * // one unit, all weights zero except the input weight of g (row 2): z_g = x
 * const w = { wIh: tf.tensor2d([[0], [0], [1], [0]]), wHh: tf.zeros([4, 1]), bIh: tf.zeros([4]), bHh: tf.zeros([4]) };
 * const { y, c } = lstmLayer(tf.tensor3d([[[1]]]), tf.zeros([1, 1]), tf.zeros([1, 1]), w);
 * const c1 = 0.5 * Math.tanh(1); // c = f·0 + i·g with i = σ(0) = ½
 * assert.ok(Math.abs(c.dataSync()[0] - c1) < 1e-6);
 * assert.ok(Math.abs(y.dataSync()[0] - 0.5 * Math.tanh(c1)) < 1e-6); // h = o·tanh(c)
 * ```
 */
export function lstmLayer(
  x: tf.Tensor,
  h0: tf.Tensor,
  c0: tf.Tensor,
  weights: LstmLayerWeights,
): LstmLayerOutput {
  const { wIh, wHh, bIh, bHh } = weights;
  // customGrad ops have one output: [h_1 … h_T, c_T] stacked as (T + 1, B, H)
  const [T, B] = x.shape, H = wHh.shape[1] as number;
  return tf.tidy(() => {
    const out = lstmLayerOp(x, h0, c0, wIh, wHh, bIh, bHh);
    return {
      y: tf.slice(out, [0, 0, 0], [T, B, H]) as tf.Tensor3D,
      c: tf.reshape(tf.slice(out, [T, 0, 0], [1, B, H]), [B, H]) as tf.Tensor2D,
    };
  });
}

/** `[1 … 1, 2 … 2, 1 … 1]`: doubles the g rows, so σ(2z_g) gives tanh(z_g) = 2σ(2z_g) − 1. */
function gateScale(H: number): tf.Tensor1D {
  const s = new Float32Array(4 * H).fill(1);
  s.fill(2, 2 * H, 3 * H);
  return tf.tensor1d(s);
}

const lstmLayerOp = tf.customGrad((...args) => {
  const [x, h0, c0, wIh, wHh, bIh, bHh] = args as tf.Tensor[];
  const save = args[7] as unknown as (tensors: tf.Tensor[]) => void;
  const [T, B, I] = x.shape as [number, number, number];
  const H = wHh.shape[1] as number;
  const x2 = tf.reshape(x, [T * B, I]) as tf.Tensor2D; // time-major rows: step t is rows tB … tB+B−1
  const scale = gateScale(H);
  const col = tf.reshape(scale, [4 * H, 1]);
  const gx = tf.fused.matMul({ // (T·B, 4H): the input side of every step, g part doubled
    a: x2,
    b: tf.mul(wIh, col) as tf.Tensor2D,
    transposeB: true,
    bias: tf.mul(tf.add(bIh, bHh), scale),
  });
  const wS = tf.mul(wHh, col) as tf.Tensor2D; // (4H, H), g rows doubled; read transposed
  let h = h0 as tf.Tensor2D, c = c0 as tf.Tensor2D;
  const hs: tf.Tensor2D[] = [];
  if (lstmCellAvailable()) {
    // Fast path: the engine's one-call step computes the same as the tfjs-ops loop below
    // (tests/nn/lstm_test.ts checks both against autodiff and PyTorch on each backend).
    // It also hands back what backward needs of the step,
    // k_t = [g·i′ | c_{t−1}·f′ | i·g′ | tanh(c_t)·o′ | o·tanh′(c_t) | f]  (B, 6H)
    const ks: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      let k: tf.Tensor2D;
      [k, c, h] = tf.engine().runKernel(LSTM_STEP, { h, w: wS, gx, c }, { t }) as tf.Tensor2D[];
      ks.push(k), hs.push(h);
    }
    const value = tf.reshape(tf.concat([...hs, c], 0), [T + 1, B, H]) as tf.Tensor3D;
    save([x2, h0, wIh, wHh, value, ...ks]);
    const gradFunc = (dOut: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [x2, h0, wIh, wHh, value, ...ks] = saved;
      const [dY, dC] = tf.split(tf.reshape(dOut, [(T + 1) * B, H]), [T * B, B], 0);
      const w = wHh as tf.Tensor2D; // (4H, H): dh_{t−1} = dz_t·W_hh, no transpose
      const dzs: tf.Tensor2D[] = new Array(T);
      let dz: tf.Tensor2D | undefined;
      let dc = dC as tf.Tensor2D;
      for (let t = T - 1; t >= 0; t--) {
        const k = ks[t];
        const inputs: tf.NamedTensorMap = dz
          ? { dzNext: dz, w, dy: dY, dc, k }
          : { w, dy: dY, dc, k };
        [dz, dc] = tf.engine().runKernel(LSTM_STEP_GRAD, inputs, { t }) as tf.Tensor2D[];
        dzs[t] = dz;
      }
      return weightGrads(dzs, dc, x2, h0, value, wIh, wHh, T, B, H);
    };
    return { value, gradFunc };
  }
  // the same with tfjs ops, one kernel at a time (backends without the engine's kernels)
  const ONE = tf.scalar(1), TWO = tf.scalar(2);
  const gxs = tf.split(gx, T, 0); // T × (B, 4H)
  const as: tf.Tensor2D[] = [], cs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const a = affine(h, wS, gxs[t], "sigmoid", true); // [i | f | (g+1)/2 | o]
    const [i, f, gh, o] = splitCols(a, H);
    const g = kernel("Sub", { a: kernel("Multiply", { a: gh, b: TWO }), b: ONE }); // g = 2ĝ − 1
    c = kernel("Add", {
      a: kernel("Multiply", { a: f, b: c }),
      b: kernel("Multiply", { a: i, b: g }),
    });
    h = kernel("Multiply", { a: o, b: kernel("Tanh", { x: c }) });
    as.push(a), cs.push(c), hs.push(h);
  }
  const join = (ts: tf.Tensor2D[]) => (T === 1 ? ts[0] : tf.concat(ts, 0)) as tf.Tensor2D;
  const aAll = join(as); // (T·B, 4H) activations (g still as ĝ)
  const cAll = join(cs); // (T·B, H)
  const value = tf.reshape(tf.concat([...hs, c], 0), [T + 1, B, H]) as tf.Tensor3D;
  save([x2, h0, c0, wIh, wHh, value, aAll, cAll]);

  const gradFunc = (dOut: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [x2, h0, c0, wIh, wHh, value, aAll, cAll] = saved;
    const [dY, dC] = tf.split(tf.reshape(dOut, [(T + 1) * B, H]), [T * B, B], 0);
    const dzs: tf.Tensor2D[] = new Array(T);
    const w = wHh as tf.Tensor2D; // (4H, H): dh_{t−1} = dz_t·W_hh, no transpose
    let dz: tf.Tensor2D | undefined;
    let dc = dC as tf.Tensor2D;
    // the forward-only factors of every step at once, (T·B, 6H):
    // [g·i′ | c_{t−1}·f′ | i·g′ | tanh(c)·o′ | o·tanh′(c) | f]
    const k = factors(aAll, cAll, tf.tanh(cAll), c0, T, B, H);
    const dy = tf.split(dY, T, 0) as tf.Tensor2D[];
    const [pIfg, pO, pC, fs] = tf.split(k, [3 * H, H, H, H], 1).map((p) =>
      tf.split(p, T, 0) as tf.Tensor2D[]
    );
    for (let t = T - 1; t >= 0; t--) {
      const dh = dz ? affine(dz, w, dy[t]) : dy[t];
      // dc_t = dc_{t+1}·f_{t+1} + dh_t ⊙ o ⊙ tanh′(c_t); [dz_i dz_f dz_g] = [dc dc dc] ⊙ …
      dc = kernel("Add", { a: dc, b: kernel("Multiply", { a: dh, b: pC[t] }) });
      const dIfg = kernel("Multiply", { a: concat([dc, dc, dc]), b: pIfg[t] });
      dz = concat([dIfg, kernel("Multiply", { a: dh, b: pO[t] })]);
      dzs[t] = dz;
      dc = kernel("Multiply", { a: dc, b: fs[t] }); // the share of c_{t−1}
    }
    return weightGrads(dzs, dc, x2, h0, value, wIh, wHh, T, B, H);
  };
  return { value, gradFunc };
});

/**
 * The gradients of all seven inputs from every step's `dz_t` (`[B, 4H]`) and
 * `dc_0`: `dW_hh = Σ dz_tᵀ·h_{t−1}`, `dW_ih = Σ dz_tᵀ·x_t`, `db = Σ dz_t`
 * (one large product each over the stacked `[T·B]` rows), `dx_t = dz_t·W_ih`,
 * `dh_0 = dz_1·W_hh`.
 */
function weightGrads(
  dzs: tf.Tensor2D[],
  dc0: tf.Tensor,
  x2: tf.Tensor,
  h0: tf.Tensor,
  value: tf.Tensor,
  wIh: tf.Tensor,
  wHh: tf.Tensor,
  T: number,
  B: number,
  H: number,
): tf.Tensor[] {
  const I = x2.shape[1] as number;
  const y2 = tf.reshape(value, [(T + 1) * B, H]);
  const dh0 = tf.matMul(dzs[0], wHh as tf.Tensor2D); // (B, H)
  const dZ = T === 1 ? dzs[0] : tf.concat(dzs, 0); // (T·B, 4H)
  const hPrev = T === 1 ? h0 : tf.concat([h0, tf.slice(y2, [0, 0], [(T - 1) * B, H])], 0);
  const dWhh = tf.matMul(dZ, hPrev as tf.Tensor2D, true, false); // Σ_t dz_tᵀ·h_{t−1}
  const dWih = tf.matMul(dZ, x2 as tf.Tensor2D, true, false); // Σ_t dz_tᵀ·x_t
  const dx = tf.reshape(tf.matMul(dZ, wIh as tf.Tensor2D), [T, B, I]);
  const db = tf.reshape(tf.matMul(tf.ones([1, T * B]), dZ), [4 * H]);
  return [dx, dh0, dc0, dWih, dWhh, db, tf.clone(db)];
}

/** The backward pass's factors `[T·B, 6H]` in tfjs ops (what `LmfsLstmFactors` computes). */
function factors(
  aAll: tf.Tensor,
  cAll: tf.Tensor,
  tc: tf.Tensor,
  c0: tf.Tensor,
  T: number,
  B: number,
  H: number,
): tf.Tensor2D {
  const [i, f, gh, o] = tf.split(aAll, 4, 1); // i, f, ĝ = (g + 1)/2, o
  const g = tf.sub(tf.mul(gh, 2), 1);
  const cPrev = T === 1 ? c0 : tf.concat([c0, tf.slice(cAll, [0, 0], [(T - 1) * B, H])], 0);
  const dSig = (s: tf.Tensor) => tf.mul(s, tf.sub(1, s)); // σ′ = σ(1 − σ)
  return tf.concat([
    tf.mul(g, dSig(i)), // dz_i = dc ⊙ g·i′
    tf.mul(cPrev, dSig(f)), // dz_f = dc ⊙ c_{t−1}·f′
    tf.mul(i, tf.sub(1, tf.square(g))), // dz_g = dc ⊙ i·g′
    tf.mul(tc, dSig(o)), // dz_o = dh ⊙ tanh(c)·o′
    tf.mul(o, tf.sub(1, tf.square(tc))), // dc += dh ⊙ o·tanh′(c)
    f,
  ], 1) as tf.Tensor2D;
}

/** The four gate blocks `[B, H]` of a `[B, 4H]` activation. */
function splitCols(a: tf.Tensor2D, H: number): tf.Tensor2D[] {
  return tf.engine().runKernel("SplitV", { x: a }, {
    numOrSizeSplits: [H, H, H, H],
    axis: 1,
  }) as tf.Tensor2D[];
}

/** `[B, ·]` blocks side by side (one `Concat` kernel call). */
function concat(parts: tf.Tensor2D[]): tf.Tensor2D {
  return tf.engine().runKernel("Concat", parts as unknown as tf.NamedTensorMap, {
    axis: 1,
  }) as tf.Tensor2D;
}

/**
 * The same layer as {@link lstmLayer}, written as the plain unrolled loop and
 * differentiated by tfjs's autodiff; with `returnGates`, also every step's
 * gate activations and cell state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { lstmLayer, lstmLayerAutodiff } from "./lstm_layer.ts";
 * const w = { wIh: tf.randomNormal([12, 2]), wHh: tf.randomNormal([12, 3]), bIh: tf.zeros([12]), bHh: tf.ones([12]) };
 * const x = tf.randomNormal([4, 2, 2]), h0 = tf.zeros([2, 3]), c0 = tf.zeros([2, 3]); // T=4, B=2, H=3
 * const a = lstmLayer(x, h0, c0, w).y.dataSync();
 * const b = lstmLayerAutodiff(x, h0, c0, w, { returnGates: true });
 * assert.ok(a.every((v, i) => Math.abs(v - b.y.dataSync()[i]) < 1e-6));
 * assert.deepEqual(b.gates!.f.shape, [4, 2, 3]);
 * ```
 */
export function lstmLayerAutodiff(
  x: tf.Tensor,
  h0: tf.Tensor,
  c0: tf.Tensor,
  weights: LstmLayerWeights,
  options: { returnGates?: boolean } = {},
): LstmLayerOutput & { gates?: LstmGates } {
  const { wIh, wHh, bIh, bHh } = weights;
  const [T, B, I] = x.shape as [number, number, number];
  return tf.tidy(() => {
    let h = h0, c = c0;
    const hs: tf.Tensor[] = [];
    const record: Record<"i" | "f" | "g" | "o" | "c", tf.Tensor[]> = {
      i: [],
      f: [],
      g: [],
      o: [],
      c: [],
    };
    for (let t = 0; t < T; t++) {
      const xt = tf.reshape(tf.slice(x, [t, 0, 0], [1, B, I]), [B, I]); // (B, I)
      const z = tf.add(
        tf.add(tf.matMul(xt, wIh, false, true), bIh),
        tf.add(tf.matMul(h, wHh, false, true), bHh),
      ); // (B, 4H)
      const [zi, zf, zg, zo] = tf.split(z, 4, 1);
      const i = tf.sigmoid(zi), f = tf.sigmoid(zf), g = tf.tanh(zg), o = tf.sigmoid(zo);
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      hs.push(h);
      if (options.returnGates) {
        record.i.push(i), record.f.push(f), record.g.push(g), record.o.push(o), record.c.push(c);
      }
    }
    const y = tf.stack(hs) as tf.Tensor3D; // (T, B, H)
    if (!options.returnGates) return { y, c: c as tf.Tensor2D };
    const stack = (k: keyof typeof record) => tf.stack(record[k]) as tf.Tensor3D;
    const gates = { i: stack("i"), f: stack("f"), g: stack("g"), o: stack("o"), c: stack("c") };
    return { y, c: c as tf.Tensor2D, gates };
  });
}
