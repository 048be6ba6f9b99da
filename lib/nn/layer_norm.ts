/**
 * Layer normalisation over the last axis (`torch.nn.LayerNorm`): subtract the
 * mean, divide by √(variance + ε) (biased variance, as PyTorch), then scale by
 * `weight` and shift by `bias` (optional: nanoGPT's `bias=False` drops it).
 *
 * {@link layerNormOps} below is that formula in tfjs ops. On the engine's
 * backends the same layer norm runs as one fused op with a hand-written
 * gradient (`fusedLayerNorm`, `lib/engine/layer_norm.ts`);
 * `tests/engine/layer_norm_test.ts` checks both against a float64 reference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedLayerNorm } from "../engine/layer_norm.ts";
import type { ParamStore } from "./param_store.ts";

/**
 * The maths: `(x − mean) / √(variance + eps) · weight + bias` over the last
 * axis, in tfjs ops (biased variance, as PyTorch).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { layerNormOps } from "./layer_norm.ts";
 * const y = layerNormOps(tf.tensor2d([[1, 3]]), tf.ones([2]));
 * assert.ok(Math.abs(y.dataSync()[0] + 1) < 1e-4 && Math.abs(y.dataSync()[1] - 1) < 1e-4);
 * ```
 */
export function layerNormOps(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  eps = 1e-5,
): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    const scaled = tf.mul(normed, weight);
    return bias ? tf.add(scaled, bias) : scaled;
  });
}

/**
 * A layer norm stored as `<prefix>.weight` (ones) and `<prefix>.bias` (zeros).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { LayerNorm } from "./layer_norm.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const ln = new LayerNorm(store, "ln_f", { dim: 2 });
 * const y = ln.forward(tf.tensor2d([[1, 3]]));
 * assert.ok(Math.abs(y.dataSync()[0] + 1) < 1e-4 && Math.abs(y.dataSync()[1] - 1) < 1e-4);
 * store.dispose();
 * ```
 */
export class LayerNorm {
  /** Scale, `[dim]`. */
  readonly weight: tf.Variable;
  /** Shift, `[dim]`, unless created without bias. */
  readonly bias?: tf.Variable;
  readonly #eps: number;

  /** Creates the parameters in `store`. */
  constructor(
    store: ParamStore,
    prefix: string,
    options: { dim: number; bias?: boolean; eps?: number },
  ) {
    this.weight = store.add(`${prefix}.weight`, [options.dim], { kind: "ones" });
    if (options.bias ?? true) {
      this.bias = store.add(`${prefix}.bias`, [options.dim], { kind: "zeros" });
    }
    this.#eps = options.eps ?? 1e-5;
  }

  /** Normalises the last axis of `x`. */
  forward(x: tf.Tensor): tf.Tensor {
    return layerNorm(x, this.weight, this.bias, this.#eps);
  }
}

/**
 * The functional form of {@link LayerNorm}: {@link layerNormOps}, or the
 * engine's fused kernel, which computes the same in one op, where it has one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { layerNorm } from "./layer_norm.ts";
 * const y = layerNorm(tf.tensor2d([[2, 2, 2]]), tf.ones([3]));
 * assert.deepEqual(Array.from(y.dataSync()), [0, 0, 0]);
 * ```
 */
export function layerNorm(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  eps = 1e-5,
): tf.Tensor {
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/layer_norm_test.ts checks both); null where it has none.
  return fusedLayerNorm(x, weight, bias, eps) ?? layerNormOps(x, weight, bias, eps);
}
