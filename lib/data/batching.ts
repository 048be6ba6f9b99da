/**
 * Turning a long sequence of token ids into training batches, two ways:
 *
 * - {@link sampleWindows}: random contiguous windows, each target shifted one
 *   token right of its input (how nanoGPT feeds transformers);
 * - {@link SequentialStreams}: the text cut into `batchSize` parallel
 *   streams read left to right one window at a time, so a recurrent model can
 *   carry its hidden state from one window into the next (truncated
 *   backpropagation through time).
 *
 * Both are seeded through {@link Rng} and return int32 tensors of shape
 * `[batchSize, blockSize]`; the caller disposes them.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";

/** A batch of inputs and their next-token targets, both int32 `[B, T]`. */
export interface Batch {
  /** Input ids, `[batchSize, blockSize]`. */
  readonly x: tf.Tensor2D;
  /** Target ids (inputs shifted one to the left), `[batchSize, blockSize]`. */
  readonly y: tf.Tensor2D;
}

/** Batch shape. */
export interface BatchShape {
  /** Sequences per batch (B). */
  readonly batchSize: number;
  /** Tokens per sequence (T). */
  readonly blockSize: number;
}

function checkShape({ batchSize, blockSize }: BatchShape): void {
  for (const [name, v] of [["batchSize", batchSize], ["blockSize", blockSize]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new InputError(`${name} must be a positive integer; got ${v}`);
    }
  }
}

/**
 * Draws `batchSize` random windows of `blockSize + 1` consecutive tokens: the
 * first `blockSize` are the input, the last `blockSize` the targets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleWindows } from "./batching.ts";
 * import { Rng } from "../rng.ts";
 * const ids = Int32Array.from({ length: 100 }, (_, i) => i);
 * const { x, y } = sampleWindows(ids, { batchSize: 4, blockSize: 8 }, new Rng(1));
 * const [xs, ys] = [x.arraySync(), y.arraySync()];
 * assert.ok(x.dtype === "int32" && xs.length === 4 && xs[0].length === 8);
 * assert.ok(ys[0][0] === xs[0][1]); // targets are inputs shifted by one
 * x.dispose();
 * y.dispose();
 * ```
 */
export function sampleWindows(ids: Int32Array, shape: BatchShape, rng: Rng): Batch {
  checkShape(shape);
  const { batchSize: B, blockSize: T } = shape;
  if (ids.length < T + 1) {
    throw new InputError(
      `text has ${ids.length} tokens, too few for blockSize ${T}: use a smaller block size or more text`,
    );
  }
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  const starts = ids.length - T; // a window may start at 0 .. n - T - 1
  for (let b = 0; b < B; b++) {
    const s = rng.int(starts);
    x.set(ids.subarray(s, s + T), b * T);
    y.set(ids.subarray(s + 1, s + T + 1), b * T);
  }
  return { x: tf.tensor2d(x, [B, T], "int32"), y: tf.tensor2d(y, [B, T], "int32") };
}

/** The saved position of a {@link SequentialStreams}, to resume it. */
export interface StreamState {
  /** Completed passes over the data. */
  epoch: number;
  /** Offset of the next window within each stream. */
  position: number;
  /** Random shift of this epoch's stream starts, in [0, blockSize). */
  shift: number;
}

/** A batch from {@link SequentialStreams}. */
export interface StreamBatch extends Batch {
  /** True on the first window of an epoch: the caller must zero its hidden state. */
  readonly reset: boolean;
}

/**
 * Sequential streams for truncated backpropagation through time. The ids are
 * cut into `batchSize` equal streams; row `b` of consecutive batches continues
 * row `b` of the previous one, so hidden state can flow across windows. Each
 * epoch starts at a random shift (seeded), so windows fall differently.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SequentialStreams } from "./batching.ts";
 * import { Rng } from "../rng.ts";
 * const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
 * const streams = new SequentialStreams(ids, { batchSize: 2, blockSize: 5 }, new Rng(0));
 * const a = streams.next(), b = streams.next();
 * assert.ok(a.reset && !b.reset);
 * assert.ok(b.x.arraySync()[0][0] === a.x.arraySync()[0][4] + 1); // row 0 continues
 * for (const t of [a.x, a.y, b.x, b.y]) t.dispose();
 * ```
 */
export class SequentialStreams {
  readonly #ids: Int32Array;
  readonly #shape: BatchShape;
  readonly #rng: Rng;
  readonly #streamLength: number;
  #state: StreamState;

  /** Cuts `ids` into streams; the RNG picks each epoch's shift. */
  constructor(ids: Int32Array, shape: BatchShape, rng: Rng) {
    checkShape(shape);
    this.#ids = ids;
    this.#shape = shape;
    this.#rng = rng;
    this.#streamLength = Math.floor(ids.length / shape.batchSize);
    if (this.#streamLength < 2 * shape.blockSize + 1) {
      throw new InputError(
        `text has ${ids.length} tokens, too few for ${shape.batchSize} streams of ` +
          `blockSize ${shape.blockSize}: use a smaller batch or block size, or more text`,
      );
    }
    this.#state = { epoch: 0, position: 0, shift: rng.int(shape.blockSize) };
  }

  /** Windows per epoch. */
  get windowsPerEpoch(): number {
    return Math.floor(
      (this.#streamLength - 1 - (this.#shape.blockSize - 1)) / this.#shape.blockSize,
    );
  }

  /** The position to save; assign it back (with the RNG's state) to resume. */
  get state(): StreamState {
    return { ...this.#state };
  }

  set state(value: StreamState) {
    this.#state = { ...value };
  }

  /** The next window of every stream. */
  next(): StreamBatch {
    const { batchSize: B, blockSize: T } = this.#shape;
    let s = this.#state;
    // the window needs T + 1 tokens of the stream after shift + position
    if (s.shift + s.position + T + 1 > this.#streamLength) {
      s = { epoch: s.epoch + 1, position: 0, shift: this.#rng.int(T) };
    }
    const reset = s.position === 0;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const start = b * this.#streamLength + s.shift + s.position;
      x.set(this.#ids.subarray(start, start + T), b * T);
      y.set(this.#ids.subarray(start + 1, start + T + 1), b * T);
    }
    this.#state = { ...s, position: s.position + T };
    return { x: tf.tensor2d(x, [B, T], "int32"), y: tf.tensor2d(y, [B, T], "int32"), reset };
  }
}
