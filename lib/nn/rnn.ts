/**
 * A stack of vanilla (tanh) RNN layers, `torch.nn.RNN`, time-major like
 * PyTorch's default (`x` is `[T, B, I]`: step t's batch is `x[t]`):
 * parameters `<prefix>.weight_ih_l{k}` `[H, in]`, `weight_hh_l{k}` `[H, H]`,
 * `bias_ih_l{k}` and `bias_hh_l{k}` `[H]` for each layer k, initialised as
 * PyTorch does (uniform in ±1/√H). Layer k + 1 reads layer k's outputs, with
 * dropout between layers in training; the state is one `[B, H]` tensor per
 * layer. Each layer is one hand-written-BPTT op ({@link rnnLayer}).
 *
 * @module
 */
import type { ParamStore } from "./param_store.ts";
import {
  type RecurrentForwardOptions,
  type RecurrentOptions,
  SingleStateStack,
} from "./recurrent_stack.ts";
import { rnnLayer, rnnLayerAutodiff } from "./rnn_layer.ts";

/** Options for {@link Rnn}. */
export type RnnOptions = RecurrentOptions;

/** Options for {@link Rnn.forward}: `state` is one `[B, H]` tensor per layer. */
export type RnnForwardOptions = RecurrentForwardOptions;

/**
 * Stacked tanh RNN layers with `torch.nn.RNN` weight names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { Rnn } from "./rnn.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const rnn = new Rnn(store, "rnn", { inputSize: 4, hiddenSize: 8, numLayers: 2 });
 * assert.deepEqual(store.list().map((p) => p.name).slice(0, 4), [
 *   "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
 * ]);
 * const { y, state } = rnn.forward(tf.ones([5, 3, 4])); // (T, B, I)
 * assert.deepEqual(y.shape, [5, 3, 8]); // (T, B, H)
 * assert.deepEqual(state.map((s) => s.shape), [[3, 8], [3, 8]]); // (B, H) per layer
 * store.dispose();
 * ```
 */
export class Rnn extends SingleStateStack {
  /** Creates the weights in `store` (names prefixed by `prefix.` unless it is empty). */
  constructor(store: ParamStore, prefix: string, options: RnnOptions) {
    super(store, prefix, options, {
      name: "RNN",
      gates: 1,
      layer: rnnLayer,
      autodiffLayer: rnnLayerAutodiff,
    });
  }
}
