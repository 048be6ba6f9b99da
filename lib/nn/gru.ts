/**
 * A stack of GRU layers, `torch.nn.GRU`, time-major like PyTorch's default
 * (`x` is `[T, B, I]`): parameters `<prefix>.weight_ih_l{k}` `[3H, in]`,
 * `weight_hh_l{k}` `[3H, H]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[3H]` for
 * each layer k, gates stacked in PyTorch's order r, z, n, initialised as
 * PyTorch does (uniform in ±1/√H). Layer k + 1 reads layer k's outputs, with
 * dropout between layers in training; the state is one `[B, H]` tensor per
 * layer. Each layer is one hand-written-BPTT op ({@link gruLayer}).
 *
 * @module
 */
import type { ParamStore } from "./param_store.ts";
import {
  type RecurrentForwardOptions,
  type RecurrentOptions,
  SingleStateStack,
} from "./recurrent_stack.ts";
import { gruLayer, gruLayerAutodiff } from "./gru_layer.ts";

/** Options for {@link Gru}. */
export type GruOptions = RecurrentOptions;

/** Options for {@link Gru.forward}: `state` is one `[B, H]` tensor per layer. */
export type GruForwardOptions = RecurrentForwardOptions;

/**
 * Stacked GRU layers with `torch.nn.GRU` weight names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { Gru } from "./gru.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const gru = new Gru(store, "rnn", { inputSize: 4, hiddenSize: 8, numLayers: 2 });
 * assert.deepEqual(store.list().map((p) => p.name).slice(0, 4), [
 *   "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
 * ]);
 * const { y, state } = gru.forward(tf.ones([5, 3, 4])); // (T, B, I)
 * assert.deepEqual(y.shape, [5, 3, 8]); // (T, B, H)
 * assert.deepEqual(state.map((s) => s.shape), [[3, 8], [3, 8]]); // (B, H) per layer
 * store.dispose();
 * ```
 */
export class Gru extends SingleStateStack {
  /** Creates the weights in `store` (names prefixed by `prefix.` unless it is empty). */
  constructor(store: ParamStore, prefix: string, options: GruOptions) {
    super(store, prefix, options, {
      name: "GRU",
      gates: 3,
      layer: gruLayer,
      autodiffLayer: gruLayerAutodiff,
    });
  }
}
