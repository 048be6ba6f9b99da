/**
 * A lookup table from token ids to vectors (`torch.nn.Embedding`'s
 * `[num, dim]` weight). Its gradient is a scatter-add of the output gradient
 * into the rows that were looked up.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { ParamStore } from "./param_store.ts";
import type { Init } from "./init.ts";

/**
 * An embedding table stored as `<prefix>.weight`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { ParamStore } from "./param_store.ts";
 * import { Embedding } from "./embedding.ts";
 * import { Rng } from "../rng.ts";
 * const store = new ParamStore(new Rng(0));
 * const wte = new Embedding(store, "wte", { num: 65, dim: 8 });
 * const x = wte.forward(tf.tensor2d([[1, 2, 3]], undefined, "int32"));
 * assert.deepEqual(x.shape, [1, 3, 8]);
 * store.dispose();
 * ```
 */
export class Embedding {
  /** The `[num, dim]` table. */
  readonly weight: tf.Variable;

  /** Creates `<prefix>.weight` in `store` (default init: normal, std 0.02). */
  constructor(
    store: ParamStore,
    prefix: string,
    options: { num: number; dim: number; init?: Init },
  ) {
    this.weight = store.add(
      `${prefix}.weight`,
      [options.num, options.dim],
      options.init ?? { kind: "normal", std: 0.02 },
    );
  }

  /** Looks up `ids` (int32, any shape) → `[...ids.shape, dim]`. */
  forward(ids: tf.Tensor): tf.Tensor {
    return tf.gather(this.weight, ids);
  }
}
