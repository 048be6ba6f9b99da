/**
 * A priority queue of token pairs for BPE training: the most frequent pair
 * first, and among equally frequent pairs the smallest key (smallest left id,
 * then smallest right id), so training is deterministic.
 *
 * Pair counts change after every merge. Rather than finding and moving an
 * entry inside the heap, the trainer pushes a fresh `(count, key)` entry each
 * time a count changes and skips stale entries when they surface ("lazy
 * deletion"): an entry is current only if its count still matches the trainer's
 * table.
 *
 * @module
 */

/**
 * A binary max-heap of `(count, key)` entries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PairQueue } from "./pair_queue.ts";
 * const queue = new PairQueue();
 * queue.push(3, 42);
 * queue.push(5, 7);
 * queue.push(5, 2);
 * assert(queue.pop()?.key === 2); // count 5, smaller key
 * assert(queue.pop()?.key === 7);
 * assert(queue.pop()?.count === 3 && queue.size === 0);
 * ```
 */
export class PairQueue {
  #counts: number[] = [];
  #keys: number[] = [];

  /** Number of entries, stale ones included. */
  get size(): number {
    return this.#counts.length;
  }

  /** Adds an entry. */
  push(count: number, key: number): void {
    this.#counts.push(count);
    this.#keys.push(key);
    this.#siftUp(this.#counts.length - 1);
  }

  /** Removes and returns the best entry, or `undefined` when empty. */
  pop(): { count: number; key: number } | undefined {
    const n = this.#counts.length;
    if (n === 0) return undefined;
    const top = { count: this.#counts[0], key: this.#keys[0] };
    const lastCount = this.#counts.pop()!;
    const lastKey = this.#keys.pop()!;
    if (n > 1) {
      this.#counts[0] = lastCount;
      this.#keys[0] = lastKey;
      this.#siftDown(0);
    }
    return top;
  }

  /** Whether entry `i` should sit above entry `j`. */
  #before(i: number, j: number): boolean {
    const ci = this.#counts[i];
    const cj = this.#counts[j];
    return ci > cj || (ci === cj && this.#keys[i] < this.#keys[j]);
  }

  #swap(i: number, j: number): void {
    [this.#counts[i], this.#counts[j]] = [this.#counts[j], this.#counts[i]];
    [this.#keys[i], this.#keys[j]] = [this.#keys[j], this.#keys[i]];
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const n = this.#counts.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < n && this.#before(left, best)) best = left;
      if (right < n && this.#before(right, best)) best = right;
      if (best === i) return;
      this.#swap(i, best);
      i = best;
    }
  }
}
