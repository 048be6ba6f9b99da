/**
 * Layer normalisation over the last axis (`torch.nn.LayerNorm`): subtract the
 * mean, divide by √(variance + ε) (biased variance, as PyTorch), then scale by
 * `weight` and shift by `bias` (optional: nanoGPT's `bias=False` drops it).
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { layerNorm as fusedLayerNorm } from "../engine/layer_norm.ts";
import type { ParamStore } from "./param_store.ts";

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
 * The functional form of {@link LayerNorm}: one fused op with a hand-written
 * gradient on the engine's backends, plain tfjs ops elsewhere.
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
  return fusedLayerNorm(x, weight, bias, eps);
}
