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
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import { dropout } from "./dropout.ts";
import type { ParamStore } from "./param_store.ts";
import { gruLayer, gruLayerAutodiff, type GruLayerWeights } from "./gru_layer.ts";

/** Options for {@link Gru}. */
export interface GruOptions {
  /** Features of each input step (I). */
  readonly inputSize: number;
  /** Hidden units per layer (H). */
  readonly hiddenSize: number;
  /** Stacked layers (default 1). */
  readonly numLayers?: number;
  /** Dropout on every layer's output but the last, in training (default 0, as PyTorch). */
  readonly dropout?: number;
}

/** Options for {@link Gru.forward}. */
export interface GruForwardOptions {
  /** Initial state, one `[B, H]` tensor per layer (default zeros). Not disposed. */
  readonly state?: readonly tf.Tensor[];
  /** Training mode: dropout between layers (needs `rng`). */
  readonly training?: boolean;
  /** Source of dropout masks. */
  readonly rng?: Rng;
  /** Use the unrolled autodiff reference instead of hand-written BPTT (slow; for tests). */
  readonly autodiff?: boolean;
}

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
export class Gru {
  /** Each layer's weights, bottom first. */
  readonly layers: readonly GruLayerWeights[];
  readonly #hidden: number;
  readonly #inputSize: number;
  readonly #dropout: number;

  /** Creates the weights in `store` (names prefixed by `prefix.` unless it is empty). */
  constructor(store: ParamStore, prefix: string, options: GruOptions) {
    const { inputSize, hiddenSize: H } = options;
    const numLayers = options.numLayers ?? 1;
    this.#hidden = H;
    this.#inputSize = inputSize;
    this.#dropout = options.dropout ?? 0;
    const bound = 1 / Math.sqrt(H);
    const init = { kind: "uniform", low: -bound, high: bound } as const;
    const name = (n: string) => (prefix ? `${prefix}.${n}` : n);
    const layers: GruLayerWeights[] = [];
    for (let k = 0; k < numLayers; k++) {
      layers.push({
        wIh: store.add(name(`weight_ih_l${k}`), [3 * H, k === 0 ? inputSize : H], init),
        wHh: store.add(name(`weight_hh_l${k}`), [3 * H, H], init),
        bIh: store.add(name(`bias_ih_l${k}`), [3 * H], init),
        bHh: store.add(name(`bias_hh_l${k}`), [3 * H], init),
      });
    }
    this.layers = layers;
  }

  /** Hidden units per layer. */
  get hiddenSize(): number {
    return this.#hidden;
  }

  /**
   * Runs every layer over `x` (`[T, B, I]`): the top layer's outputs
   * `y` (`[T, B, H]`) and the final state, one `[B, H]` per layer.
   */
  forward(
    x: tf.Tensor,
    options: GruForwardOptions = {},
  ): { y: tf.Tensor3D; state: tf.Tensor2D[] } {
    const [T, B, I] = x.shape as [number, number, number];
    const H = this.#hidden;
    if (x.rank !== 3 || I !== this.#inputSize || T < 1) {
      throw new InputError(`GRU input must be [T ≥ 1, B, ${this.#inputSize}]; got [${x.shape}]`);
    }
    const given = options.state;
    if (given) this.#checkState(given, B);
    const layerFn = options.autodiff ? gruLayerAutodiff : gruLayer;
    const drop = options.training === true && this.#dropout > 0;
    if (drop && !options.rng) throw new Error("Gru.forward: training with dropout needs an rng");
    return tf.tidy(() => {
      let input: tf.Tensor = x;
      const state: tf.Tensor2D[] = [];
      for (const [k, weights] of this.layers.entries()) {
        if (k > 0 && drop) {
          input = dropout(input, this.#dropout, { training: true, rng: options.rng! });
        }
        const h0 = given?.[k] ?? tf.zeros([B, H]);
        const y = layerFn(input, h0, weights); // (T, B, H)
        state.push(tf.reshape(tf.slice(y, [T - 1, 0, 0], [1, B, H]), [B, H]) as tf.Tensor2D);
        input = y;
      }
      return { y: input as tf.Tensor3D, state };
    });
  }

  #checkState(state: readonly tf.Tensor[], batch: number): void {
    const H = this.#hidden;
    const ok = state.length === this.layers.length &&
      state.every((s) => s.rank === 2 && s.shape[0] === batch && s.shape[1] === H);
    if (!ok) {
      throw new InputError(
        `GRU state must be ${this.layers.length} tensor(s) of shape [${batch}, ${H}]; got ${
          state.map((s) => `[${s.shape}]`).join(", ") || "none"
        }`,
      );
    }
  }
}
