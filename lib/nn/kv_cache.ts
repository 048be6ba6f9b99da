/**
 * The key/value cache of a stack of attention layers, for incremental
 * decoding: one {@link LayerCache} per layer, each holding the keys and
 * values of every position seen so far. The GPT and the Transformer both use
 * it (it satisfies the models' `KVCache` contract: `length` and `dispose`).
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import type { LayerCache } from "./attention.ts";

/**
 * A per-layer cache of attention keys and values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tf } from "../engine/tf.ts";
 * import { AttentionKVCache } from "./kv_cache.ts";
 * const cache = new AttentionKVCache([{}, {}]);
 * assert.equal(cache.length, 0);
 * cache.layers[0].k = tf.zeros([1, 2, 3, 4]) as tf.Tensor4D;
 * assert.equal(cache.length, 3);
 * cache.dispose();
 * assert.equal(cache.layers.length, 0);
 * ```
 */
export class AttentionKVCache {
  /** Wraps one (usually empty) cache per layer. */
  constructor(readonly layers: LayerCache[]) {}

  /** Number of positions already in the cache. */
  get length(): number {
    return this.layers[0]?.k?.shape[2] ?? 0;
  }

  /** Frees the cached tensors. */
  dispose(): void {
    for (const l of this.layers) {
      tf.dispose([l.k, l.v].filter((t) => t !== undefined) as tf.Tensor[]);
    }
    this.layers.length = 0;
  }
}
