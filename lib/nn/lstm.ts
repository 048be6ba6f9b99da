/**
 * A stack of LSTM layers, `torch.nn.LSTM`, time-major like PyTorch's default
 * (`x` is `[T, B, I]`): parameters `<prefix>.weight_ih_l{k}` `[4H, in]`,
 * `weight_hh_l{k}` `[4H, H]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[4H]` for
 * each layer k, gate order i, f, g, o, initialised as PyTorch does (uniform
 * in ±1/√H). Layer k + 1 reads layer k's outputs, with dropout between layers
 * in training; the state is `[h_0, c_0, h_1, c_1, …]`, one `[B, H]` pair per
 * layer. Each layer is one hand-written-BPTT op ({@link lstmLayer}).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { dropout } from "./dropout.ts";
import type { ParamStore } from "./param_store.ts";
import {
  checkRecurrentInput,
  checkRecurrentState,
  type RecurrentForwardOptions,
  type RecurrentOptions,
  recurrentWeights,
} from "./recurrent_stack.ts";
import {
  type LstmGates,
  lstmLayer,
  lstmLayerAutodiff,
  type LstmLayerWeights,
} from "./lstm_layer.ts";

/** Options for {@link Lstm}. */
export type LstmOptions = RecurrentOptions;

/** Options for {@link Lstm.forward}: `state` is `[h_0, c_0, h_1, c_1, …]`, each `[B, H]`. */
export interface LstmForwardOptions extends RecurrentForwardOptions {
  /** Also return every layer's gate activations (runs the autodiff form; for plots). */
  readonly returnGates?: boolean;
}

/**
 * Stacked LSTM layers with `torch.nn.LSTM` weight names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { Lstm } from "./lstm.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const lstm = new Lstm(store, "lstm", { inputSize: 4, hiddenSize: 8, numLayers: 2 });
 * assert.deepEqual(store.list().map((p) => [p.name, p.variable.shape]).slice(0, 2), [
 *   ["lstm.weight_ih_l0", [32, 4]], ["lstm.weight_hh_l0", [32, 8]],
 * ]);
 * const { y, state } = lstm.forward(tf.ones([5, 3, 4])); // (T, B, I)
 * assert.deepEqual(y.shape, [5, 3, 8]); // (T, B, H)
 * assert.equal(state.length, 4); // h and c, (B, H), per layer
 * store.dispose();
 * ```
 */
export class Lstm {
  /** Each layer's weights, bottom first. */
  readonly layers: readonly LstmLayerWeights[];
  readonly #hidden: number;
  readonly #inputSize: number;
  readonly #dropout: number;

  /** Creates the weights in `store` (names prefixed by `prefix.` unless it is empty). */
  constructor(store: ParamStore, prefix: string, options: LstmOptions) {
    this.#hidden = options.hiddenSize;
    this.#inputSize = options.inputSize;
    this.#dropout = options.dropout ?? 0;
    this.layers = recurrentWeights(store, prefix, options, 4);
  }

  /** Hidden units per layer. */
  get hiddenSize(): number {
    return this.#hidden;
  }

  /**
   * Runs every layer over `x` (`[T, B, I]`): the top layer's outputs `y`
   * (`[T, B, H]`), the final state `[h_0, c_0, h_1, c_1, …]` and, when asked,
   * every layer's gates (bottom first).
   */
  forward(
    x: tf.Tensor,
    options: LstmForwardOptions = {},
  ): { y: tf.Tensor3D; state: tf.Tensor2D[]; gates?: LstmGates[] } {
    checkRecurrentInput("LSTM", x, this.#inputSize);
    const [T, B] = x.shape as [number, number, number];
    const H = this.#hidden;
    const given = options.state;
    if (given) {
      checkRecurrentState("LSTM", given, {
        count: 2 * this.layers.length,
        batch: B,
        hidden: H,
        what: "tensors (h, c per layer)",
      });
    }
    const slow = options.autodiff === true || options.returnGates === true;
    const drop = options.training === true && this.#dropout > 0;
    if (drop && !options.rng) throw new Error("Lstm.forward: training with dropout needs an rng");
    return tf.tidy(() => {
      let input: tf.Tensor = x;
      const state: tf.Tensor2D[] = [];
      const gates: LstmGates[] = [];
      for (const [k, weights] of this.layers.entries()) {
        if (k > 0 && drop) {
          input = dropout(input, this.#dropout, { training: true, rng: options.rng! });
        }
        const h0 = given?.[2 * k] ?? tf.zeros([B, H]);
        const c0 = given?.[2 * k + 1] ?? tf.zeros([B, H]);
        const out: { y: tf.Tensor3D; c: tf.Tensor2D; gates?: LstmGates } = slow
          ? lstmLayerAutodiff(input, h0, c0, weights, { returnGates: options.returnGates })
          : lstmLayer(input, h0, c0, weights); // y: (T, B, H)
        state.push(tf.reshape(tf.slice(out.y, [T - 1, 0, 0], [1, B, H]), [B, H]) as tf.Tensor2D);
        state.push(out.c);
        if (out.gates) gates.push(out.gates);
        input = out.y;
      }
      const y = input as tf.Tensor3D;
      return options.returnGates ? { y, state, gates } : { y, state };
    });
  }
}
