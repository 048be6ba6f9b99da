/**
 * Positional encodings: self-attention compares every position with every
 * other one but, unlike a recurrence, does not know their order. Adding a
 * vector that depends on the position to each token's embedding gives it that
 * order back.
 *
 * - `"sinusoidal"` (Vaswani et al., 2017, §3.5): a fixed table with
 *   `PE[pos, 2i] = sin(pos / 10000^(2i/d))` and
 *   `PE[pos, 2i+1] = cos(pos / 10000^(2i/d))`: each pair of features is a
 *   clock at its own frequency, from one turn every 2π positions to one every
 *   10000·2π. No parameters.
 * - `"learned"`: a trainable `[nPositions, d]` table (`<prefix>.weight`), as
 *   GPT and BERT do.
 * - `"none"`: nothing is added (an ablation: the model then sees a bag of
 *   tokens, except for what the causal mask leaks).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import { Embedding } from "./embedding.ts";
import type { ParamStore } from "./param_store.ts";

/** The kinds of positional encoding. */
export type PositionalKind = "sinusoidal" | "learned" | "none";

/** The kinds, for messages and validation. */
export const POSITIONAL_KINDS: readonly PositionalKind[] = ["sinusoidal", "learned", "none"];

/**
 * Checks a positional-encoding kind; one-line {@link InputError} otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPositionalKind } from "./positional.ts";
 * checkPositionalKind("learned");
 * assert.throws(() => checkPositionalKind("rotary"), /unknown positional encoding "rotary"/);
 * ```
 */
export function checkPositionalKind(kind: string): asserts kind is PositionalKind {
  if (!(POSITIONAL_KINDS as readonly string[]).includes(kind)) {
    throw new InputError(
      `unknown positional encoding "${kind}": choose ${POSITIONAL_KINDS.join(", ")}`,
    );
  }
}

/**
 * The sinusoidal table of the paper, `[n, d]` row-major (`d` even or odd: the
 * last sine column of an odd `d` has no cosine partner).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sinusoidalTable } from "./positional.ts";
 * const pe = sinusoidalTable(3, 4);
 * assert.deepEqual(Array.from(pe.subarray(0, 4)), [0, 1, 0, 1]); // position 0: sin 0, cos 0
 * assert.ok(Math.abs(pe[4] - Math.sin(1)) < 1e-7 && Math.abs(pe[6] - Math.sin(1 / 100)) < 1e-7);
 * ```
 */
export function sinusoidalTable(n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let pos = 0; pos < n; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos / Math.pow(10000, i / d);
      out[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) out[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return out;
}

/**
 * A positional encoding for up to `nPositions` positions of width `dim`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { PositionalEncoding } from "./positional.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const pe = new PositionalEncoding(store, "pos_emb", { kind: "sinusoidal", nPositions: 16, dim: 8 });
 * const rows = pe.forward(2, 3)!; // positions 2, 3, 4
 * assert.deepEqual(rows.shape, [3, 8]);
 * assert.equal(store.list().length, 0); // sinusoidal: no parameters
 * assert.throws(() => pe.forward(10, 7), /positions 10…16 exceed the positional table \(16\)/);
 * rows.dispose();
 * pe.dispose();
 * ```
 */
export class PositionalEncoding {
  /** Which encoding. */
  readonly kind: PositionalKind;
  /** Rows in the table. */
  readonly nPositions: number;
  readonly #table?: tf.Tensor2D;
  readonly #learned?: Embedding;

  /** Creates the table (sinusoidal: a constant; learned: `<prefix>.weight` in `store`). */
  constructor(
    store: ParamStore,
    prefix: string,
    options: { kind: string; nPositions: number; dim: number },
  ) {
    checkPositionalKind(options.kind);
    this.kind = options.kind;
    this.nPositions = options.nPositions;
    const { nPositions: n, dim: d } = options;
    if (this.kind === "sinusoidal") {
      if (store.planning) return; // planParams: shapes only, allocate nothing
      this.#table = tf.tensor2d(sinusoidalTable(n, d), [n, d]);
    } else if (this.kind === "learned") {
      this.#learned = new Embedding(store, prefix, { num: n, dim: d });
    }
  }

  /**
   * The encodings of positions `start … start + length − 1`, `[length, dim]`,
   * or `undefined` for `"none"`.
   */
  forward(start: number, length: number): tf.Tensor2D | undefined {
    if (start + length > this.nPositions) {
      throw new InputError(
        `positions ${start}…${
          start + length - 1
        } exceed the positional table (${this.nPositions}): crop the input`,
      );
    }
    if (this.#table) return tf.slice(this.#table, [start, 0], [length, -1]);
    if (this.#learned) {
      return tf.tidy(() =>
        this.#learned!.forward(tf.range(start, start + length, 1, "int32")) as tf.Tensor2D
      );
    }
    return undefined;
  }

  /** The whole table `[nPositions, dim]` (a copy), e.g. for a heatmap; `undefined` for `"none"`. */
  table(): tf.Tensor2D | undefined {
    if (this.kind === "none") return undefined;
    return this.forward(0, this.nPositions);
  }

  /** Frees the constant table (learned weights belong to the store). */
  dispose(): void {
    this.#table?.dispose();
  }
}
