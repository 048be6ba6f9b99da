/**
 * A fully connected layer, y = x·Wᵀ + b, in either weight layout:
 * - `"torch"`: `torch.nn.Linear`'s `[out, in]` (RNN heads, most layers);
 * - `"conv1d"`: Hugging Face GPT-2's `Conv1D`, `[in, out]` (`c_attn`, `c_fc`, …).
 *
 * Inputs of any rank run as one matrix product over all leading axes, plus
 * the bias: {@link linearOps} below is the whole layer in tfjs ops (reshape
 * to 2-D, one `tf.fused.matMul`, reshape back). On the engine's backends the
 * same layer runs as one fused op with a hand-written gradient
 * (`fusedLinear`, `lib/engine/linear.ts`); `tests/engine/linear_test.ts`
 * checks both against a float64 reference.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { fusedLinear } from "../engine/linear.ts";
import type { ParamStore } from "./param_store.ts";
import type { Init } from "./init.ts";

/**
 * The maths: `x·Wᵀ + b` (torch layout) or `x·W + b` (conv1d layout) in tfjs
 * ops. Reshape `x` to `[rows, in]`, one matrix product with the bias added,
 * reshape back to `[..., out]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { linearOps } from "./linear.ts";
 * const y = linearOps(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([0, 0, 1]));
 * assert.deepEqual(Array.from(y.dataSync()), [1, 2, 4]);
 * ```
 */
export function linearOps(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  layout: "torch" | "conv1d" = "torch",
): tf.Tensor {
  return tf.tidy(() => {
    const inFeatures = x.shape[x.rank - 1];
    const outFeatures = (layout === "conv1d" ? weight.shape[1] : weight.shape[0]) as number;
    const x2 = x.rank === 2 ? x as tf.Tensor2D : tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D;
    const y = tf.fused.matMul({
      a: x2,
      b: weight as tf.Tensor2D,
      transposeB: layout === "torch",
      bias,
    });
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
  });
}

/** Options for {@link Linear}. */
export interface LinearOptions {
  /** Input features. */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;
  /** Whether the layer has a bias (default true). */
  readonly bias?: boolean;
  /** Weight layout (default `"torch"`, `[out, in]`). */
  readonly layout?: "torch" | "conv1d";
  /** Weight initialiser (default normal, std 0.02, as GPT-2 does). */
  readonly init?: Init;
}

/**
 * A linear layer whose parameters live in a {@link ParamStore} as
 * `<prefix>.weight` and `<prefix>.bias`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { Linear } from "./linear.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const fc = new Linear(store, "fc", { inFeatures: 4, outFeatures: 2 });
 * const y = fc.forward(tf.ones([3, 5, 4]));
 * assert.deepEqual(y.shape, [3, 5, 2]);
 * y.dispose();
 * store.dispose();
 * ```
 */
export class Linear {
  /** The weight variable. */
  readonly weight: tf.Variable;
  /** The bias variable, if any. */
  readonly bias?: tf.Variable;
  readonly #options: LinearOptions;

  /** Creates `<prefix>.weight` (and `<prefix>.bias`) in `store`. */
  constructor(store: ParamStore, prefix: string, options: LinearOptions) {
    this.#options = options;
    const { inFeatures: i, outFeatures: o } = options;
    const shape = options.layout === "conv1d" ? [i, o] : [o, i];
    this.weight = store.add(
      `${prefix}.weight`,
      shape,
      options.init ?? { kind: "normal", std: 0.02 },
    );
    if (options.bias ?? true) this.bias = store.add(`${prefix}.bias`, [o], { kind: "zeros" });
  }

  /** Applies the layer to the last axis of `x`. */
  forward(x: tf.Tensor): tf.Tensor {
    return linear(x, this.weight, this.bias, this.#options.layout ?? "torch");
  }
}

/**
 * The functional form: `x·Wᵀ + b` for a torch-layout weight `[out, in]`, or
 * `x·W + b` for a conv1d-layout weight `[in, out]`. It is {@link linearOps};
 * where the engine has its fused kernel, that computes the same in one op.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { linear } from "./linear.ts";
 * const y = linear(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 0], [0, 1], [1, 1]]), tf.tensor1d([0, 0, 1]));
 * assert.deepEqual(Array.from(y.dataSync()), [1, 2, 4]);
 * ```
 */
export function linear(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias?: tf.Tensor,
  layout: "torch" | "conv1d" = "torch",
): tf.Tensor {
  // Fast path: the engine's fused kernel computes the same
  // (tests/engine/linear_test.ts checks both); null where it has none.
  return fusedLinear(x, weight, bias, layout) ?? linearOps(x, weight, bias, layout);
}
