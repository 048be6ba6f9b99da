/**
 * A small seeded random number generator whose whole state is four 32-bit
 * integers, so training can save it in `trainer_state.json` and resume with
 * exactly the same stream of batches. The algorithm is xoshiro128** (Blackman
 * and Vigna), seeded through splitmix32 so that nearby seeds give unrelated
 * streams.
 *
 * @module
 */

/** The saved form of an {@link Rng}: four unsigned 32-bit integers. */
export type RngState = [number, number, number, number];

/**
 * A seeded pseudo-random generator (xoshiro128**).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./rng.ts";
 * const a = new Rng(42), b = new Rng(42);
 * assert.ok(a.int(100) === b.int(100));
 * const saved = a.state;
 * const next = a.next();
 * a.state = saved;
 * assert.ok(a.next() === next);
 * ```
 */
export class Rng {
  #s = new Uint32Array(4);

  /** Creates a generator from an integer seed (any safe integer). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Rng seed must be a safe integer; got ${seed}`);
    }
    // splitmix32 over the low and high halves of the seed fills the state.
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1; // the all-zero state is a fixed point
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A float in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** An integer in [0, n), without modulo bias. `n` must be in [1, 2^32]. */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) {
      throw new RangeError(`Rng.int(n) needs an integer n in [1, 2^32]; got ${n}`);
    }
    const limit = 2 ** 32 - (2 ** 32 % n); // reject the top partial bucket
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** The generator's state, to save; assign it back to resume the stream. */
  get state(): RngState {
    return [this.#s[0], this.#s[1], this.#s[2], this.#s[3]];
  }

  set state(value: RngState) {
    if (
      !Array.isArray(value) || value.length !== 4 ||
      !value.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) ||
      value.every((v) => v === 0)
    ) {
      throw new RangeError(`invalid Rng state ${JSON.stringify(value)}: need four uint32 values`);
    }
    this.#s.set(value);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
