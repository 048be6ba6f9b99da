/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization"),
 * exactly as `torch.optim.AdamW` computes it:
 *
 *     p ← p · (1 − lr · wd)                       (decoupled decay, decay params only)
 *     m ← β1 · m + (1 − β1) · g
 *     v ← β2 · v + (1 − β2) · g²
 *     p ← p − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 *
 * tfjs ships Adam but not AdamW, and its Adam folds ε in differently; this one
 * matches PyTorch to float32 rounding (see tests/train/adamw_test.ts).
 * {@link adamWOps} is one parameter's update in tfjs ops; on the engine's
 * backends the same float32 operations run as one fused kernel
 * (`fusedAdamW`, `lib/engine/optimizer.ts`), which
 * `tests/engine/optimizer_test.ts` checks against it bit for bit.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { type AdamWStep, type AdamWTensors, fusedAdamW } from "../engine/optimizer.ts";
import { InputError } from "../errors.ts";
import type { Param } from "../nn/param_store.ts";
import type { StoredTensor } from "../io/safetensors.ts";

/**
 * The maths: one AdamW update in tfjs ops, as new tensors `[p, m, v]`:
 * `p ← p·decay; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − stepSize · m / (√v / bc2Sqrt + ε)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { adamWOps } from "./adamw.ts";
 * // step 1 with lr 0.1: stepSize = lr/(1 − β1), bc2Sqrt = √(1 − β2)
 * const h = { decay: 1, beta1: 0.9, beta2: 0.999, stepSize: 0.1 / 0.1, bc2Sqrt: Math.sqrt(0.001), eps: 1e-8 };
 * const [p] = adamWOps({ p: tf.tensor1d([1]), g: tf.tensor1d([2]), m: tf.zeros([1]), v: tf.zeros([1]) }, h);
 * assert.ok(Math.abs(p.dataSync()[0] - 0.9) < 1e-6); // the first step moves by lr
 * ```
 */
export function adamWOps(
  t: { readonly p: tf.Tensor; readonly g: tf.Tensor; readonly m: tf.Tensor; readonly v: tf.Tensor },
  h: AdamWStep,
): tf.Tensor[] {
  return tf.tidy(() => {
    const m = tf.add(tf.mul(t.m, h.beta1), tf.mul(t.g, 1 - h.beta1));
    const v = tf.add(tf.mul(t.v, h.beta2), tf.mul(tf.square(t.g), 1 - h.beta2));
    const denom = tf.add(tf.div(tf.sqrt(v), h.bc2Sqrt), h.eps);
    const decayed = h.decay === 1 ? t.p : tf.mul(t.p, h.decay);
    const p = tf.sub(decayed, tf.mul(tf.div(m, denom), h.stepSize));
    return [p, m, v];
  });
}

/**
 * One AdamW update of the variables `p`, `m`, `v` in float32:
 * {@link adamWOps}, or the engine's fused kernel where it has one (which
 * updates the moments in place when nothing else shares their memory; a
 * tensor that does, a clone say, keeps its values).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { adamWUpdate } from "./adamw.ts";
 * const [p, m, v] = [tf.variable(tf.tensor1d([1])), tf.variable(tf.zeros([1])), tf.variable(tf.zeros([1]))];
 * const h = { decay: 1, beta1: 0.9, beta2: 0.999, stepSize: 0.1 / 0.1, bc2Sqrt: Math.sqrt(0.001), eps: 1e-8 };
 * adamWUpdate({ p, g: tf.tensor1d([2]), m, v }, h);
 * assert.ok(Math.abs(p.dataSync()[0] - 0.9) < 1e-6);
 * ```
 */
export function adamWUpdate(t: AdamWTensors, h: AdamWStep): void {
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/optimizer_test.ts checks both); null where it has none.
  const next = fusedAdamW(t, h) ?? adamWOps(t, h);
  t.p.assign(next[0]);
  t.m.assign(next[1]);
  t.v.assign(next[2]);
  tf.dispose(next);
}

/** AdamW hyper-parameters (PyTorch's names and defaults). */
export interface AdamWOptions {
  /** Learning rate; can be overridden per step (schedules). */
  lr: number;
  /** β1, the gradient moving-average factor (default 0.9). */
  beta1?: number;
  /** β2, the squared-gradient moving-average factor (default 0.999; nanoGPT's baby uses 0.99). */
  beta2?: number;
  /** ε added to the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay for parameters marked `decay` (default 0.01). */
  weightDecay?: number;
}

interface Slot {
  readonly param: Param;
  readonly m: tf.Variable;
  readonly v: tf.Variable;
}

/**
 * The AdamW optimizer over a list of named parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "../nn/param_store.ts";
 * import { AdamW } from "./adamw.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const w = store.add("w", [1], { kind: "ones" });
 * const opt = new AdamW(store.list(), { lr: 0.1, weightDecay: 0 });
 * opt.step(new Map([["w", tf.tensor1d([2])]]));
 * assert.ok(Math.abs(w.dataSync()[0] - 0.9) < 1e-6); // first step moves by lr
 * opt.dispose();
 * store.dispose();
 * ```
 */
export class AdamW {
  readonly #slots: Slot[];
  readonly #opts: Required<AdamWOptions>;
  #t = 0;

  /** Creates zeroed moment estimates for every parameter. */
  constructor(params: readonly Param[], options: AdamWOptions) {
    this.#opts = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, ...options };
    this.#slots = params.map((param) => ({
      param,
      m: tf.tidy(() => tf.variable(tf.zerosLike(param.variable), false)),
      v: tf.tidy(() => tf.variable(tf.zerosLike(param.variable), false)),
    }));
  }

  /** Steps taken so far (PyTorch's `state["step"]`). */
  get steps(): number {
    return this.#t;
  }

  /**
   * One update. `grads` maps parameter names to gradients; a parameter with
   * no gradient is left alone (and its moments too), as in PyTorch.
   */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number = this.#opts.lr): void {
    this.#t += 1;
    const { beta1, beta2, eps, weightDecay } = this.#opts;
    const bc1 = 1 - beta1 ** this.#t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** this.#t);
    for (const { param, m, v } of this.#slots) {
      const g = grads.get(param.name);
      if (!g) continue;
      const p = param.variable;
      const decay = param.decay && weightDecay > 0 ? 1 - lr * weightDecay : 1;
      adamWUpdate({ p, g, m, v }, { decay, beta1, beta2, stepSize: lr / bc1, bc2Sqrt, eps });
    }
  }

  /** Moments and step count, for `optimizer.safetensors`. */
  state(): Record<string, StoredTensor> {
    const out: Record<string, StoredTensor> = {
      step: { dtype: "int32", shape: [], data: new Int32Array([this.#t]) },
    };
    for (const { param, m, v } of this.#slots) {
      out[`${param.name}.exp_avg`] = {
        dtype: "float32",
        shape: m.shape,
        data: m.dataSync() as Float32Array,
      };
      out[`${param.name}.exp_avg_sq`] = {
        dtype: "float32",
        shape: v.shape,
        data: v.dataSync() as Float32Array,
      };
    }
    return out;
  }

  /** Restores what {@link AdamW.state} saved; shapes must match. */
  loadState(stored: Record<string, StoredTensor>, what = "optimizer state"): void {
    const step = stored.step;
    if (!step || step.data.length !== 1) throw new InputError(`${what} has no step count`);
    for (const { param, m, v } of this.#slots) {
      for (const [suffix, variable] of [["exp_avg", m], ["exp_avg_sq", v]] as const) {
        const s = stored[`${param.name}.${suffix}`];
        if (!s || s.data.length !== variable.size) {
          throw new InputError(
            `${what} does not fit this model: ${param.name}.${suffix} is missing or resized`,
          );
        }
        tf.tidy(() =>
          variable.assign(tf.tensor(Float32Array.from(s.data), variable.shape, "float32"))
        );
      }
    }
    this.#t = step.data[0];
  }

  /** Disposes the moment variables. */
  dispose(): void {
    for (const { m, v } of this.#slots) {
      m.dispose();
      v.dispose();
    }
  }
}
