/**
 * What the recurrent stacks (`torch.nn.RNN`, `nn.GRU`, `nn.LSTM`) share: their
 * options, their PyTorch-named weights, the checks on their inputs and
 * states, and — for the stacks whose state is one `[B, H]` tensor per layer
 * (RNN, GRU) — the whole stack, given the layer's hand-written-BPTT op and
 * its autodiff reference.
 *
 * Parameters are `<prefix>.weight_ih_l{k}` `[G·H, in]`, `weight_hh_l{k}`
 * `[G·H, H]`, `bias_ih_l{k}` and `bias_hh_l{k}` `[G·H]` for each layer k, with
 * G gate blocks stacked in PyTorch's order (1 for the RNN, 3 for the GRU, 4
 * for the LSTM), initialised as PyTorch does (uniform in ±1/√H). Layer k + 1
 * reads layer k's outputs, with dropout between layers in training.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import { dropout } from "./dropout.ts";
import type { ParamStore } from "./param_store.ts";
import type { RnnLayerWeights } from "./rnn_layer.ts";

/** Options of a recurrent stack. */
export interface RecurrentOptions {
  /** Features of each input step (I). */
  readonly inputSize: number;
  /** Hidden units per layer (H). */
  readonly hiddenSize: number;
  /** Stacked layers (default 1). */
  readonly numLayers?: number;
  /** Dropout on every layer's output but the last, in training (default 0, as PyTorch). */
  readonly dropout?: number;
}

/** Options of a recurrent stack's `forward`. */
export interface RecurrentForwardOptions {
  /** Initial state (default zeros). Not disposed. */
  readonly state?: readonly tf.Tensor[];
  /** Training mode: dropout between layers (needs `rng`). */
  readonly training?: boolean;
  /** Source of dropout masks. */
  readonly rng?: Rng;
  /** Use the unrolled autodiff reference instead of hand-written BPTT (slow; for tests). */
  readonly autodiff?: boolean;
}

/**
 * Creates every layer's weights in `store` (names prefixed by `prefix.`
 * unless it is empty), `gates` blocks of H rows each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ParamStore } from "./param_store.ts";
 * import { recurrentWeights } from "./recurrent_stack.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const layers = recurrentWeights(store, "gru", { inputSize: 4, hiddenSize: 8, numLayers: 2 }, 3);
 * assert.deepEqual(layers[1].wIh.shape, [24, 8]);
 * assert.equal(store.list()[0].name, "gru.weight_ih_l0");
 * store.dispose();
 * ```
 */
export function recurrentWeights(
  store: ParamStore,
  prefix: string,
  options: RecurrentOptions,
  gates: number,
): RnnLayerWeights[] {
  const { inputSize, hiddenSize: H } = options;
  const bound = 1 / Math.sqrt(H);
  const init = { kind: "uniform", low: -bound, high: bound } as const;
  const name = (n: string) => (prefix ? `${prefix}.${n}` : n);
  const G = gates * H;
  return Array.from({ length: options.numLayers ?? 1 }, (_, k) => ({
    wIh: store.add(name(`weight_ih_l${k}`), [G, k === 0 ? inputSize : H], init),
    wHh: store.add(name(`weight_hh_l${k}`), [G, H], init),
    bIh: store.add(name(`bias_ih_l${k}`), [G], init),
    bHh: store.add(name(`bias_hh_l${k}`), [G], init),
  }));
}

/** Throws a one-line InputError unless `x` is `[T ≥ 1, B, inputSize]`. */
export function checkRecurrentInput(kind: string, x: tf.Tensor, inputSize: number): void {
  const [T, , I] = x.shape;
  if (x.rank !== 3 || I !== inputSize || T < 1) {
    throw new InputError(`${kind} input must be [T ≥ 1, B, ${inputSize}]; got [${x.shape}]`);
  }
}

/**
 * Throws a one-line InputError unless `state` is `count` tensors of shape
 * `[batch, hidden]`; `what` names them in the message (`"tensor(s)"`).
 */
export function checkRecurrentState(
  kind: string,
  state: readonly tf.Tensor[],
  shape: { count: number; batch: number; hidden: number; what: string },
): void {
  const { count, batch, hidden } = shape;
  const ok = state.length === count &&
    state.every((s) => s.rank === 2 && s.shape[0] === batch && s.shape[1] === hidden);
  if (!ok) {
    throw new InputError(
      `${kind} state must be ${count} ${shape.what} of shape [${batch}, ${hidden}]; got ${
        state.map((s) => `[${s.shape}]`).join(", ") || "none"
      }`,
    );
  }
}

/** A layer op of a single-state stack: `x` `[T, B, I]`, `h0` `[B, H]` → `y` `[T, B, H]`. */
export type SingleStateLayer = (
  x: tf.Tensor,
  h0: tf.Tensor,
  weights: RnnLayerWeights,
) => tf.Tensor3D;

/** What makes a single-state stack an RNN or a GRU. */
export interface SingleStateKind {
  /** Name in messages (`RNN`, `GRU`). */
  readonly name: string;
  /** Gate blocks per weight (1 for the RNN, 3 for the GRU). */
  readonly gates: number;
  /** The hand-written-BPTT layer op. */
  readonly layer: SingleStateLayer;
  /** The unrolled autodiff reference of the same layer. */
  readonly autodiffLayer: SingleStateLayer;
}

/**
 * A stack of recurrent layers whose state is one `[B, H]` tensor per layer
 * (see `Rnn` and `Gru`, which fix the kind).
 */
export class SingleStateStack {
  /** Each layer's weights, bottom first. */
  readonly layers: readonly RnnLayerWeights[];
  readonly #kind: SingleStateKind;
  readonly #hidden: number;
  readonly #inputSize: number;
  readonly #dropout: number;

  /** Creates the weights in `store` (names prefixed by `prefix.` unless it is empty). */
  constructor(store: ParamStore, prefix: string, options: RecurrentOptions, kind: SingleStateKind) {
    this.#kind = kind;
    this.#hidden = options.hiddenSize;
    this.#inputSize = options.inputSize;
    this.#dropout = options.dropout ?? 0;
    this.layers = recurrentWeights(store, prefix, options, kind.gates);
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
    options: RecurrentForwardOptions = {},
  ): { y: tf.Tensor3D; state: tf.Tensor2D[] } {
    const kind = this.#kind;
    checkRecurrentInput(kind.name, x, this.#inputSize);
    const [T, B] = x.shape as [number, number, number];
    const H = this.#hidden;
    const given = options.state;
    if (given) {
      checkRecurrentState(kind.name, given, {
        count: this.layers.length,
        batch: B,
        hidden: H,
        what: "tensor(s)",
      });
    }
    const layerFn = options.autodiff ? kind.autodiffLayer : kind.layer;
    const drop = options.training === true && this.#dropout > 0;
    if (drop && !options.rng) {
      throw new Error(`${kind.name} forward: training with dropout needs an rng`);
    }
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
}
