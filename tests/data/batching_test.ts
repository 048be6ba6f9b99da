import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { sampleWindows, SequentialStreams } from "../../lib/data/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng.ts";

const ids = Int32Array.from({ length: 500 }, (_, i) => i);

Deno.test("sampleWindows: targets are the inputs shifted by one, windows lie inside the text", () => {
  const before = tf.memory().numTensors;
  const { x, y } = sampleWindows(ids, { batchSize: 8, blockSize: 16 }, new Rng(3));
  assert.deepEqual(x.shape, [8, 16]);
  assert.equal(x.dtype, "int32");
  assert.equal(y.dtype, "int32");
  const xs = x.arraySync();
  const ys = y.arraySync();
  for (let b = 0; b < 8; b++) {
    for (let t = 0; t < 16; t++) {
      assert.equal(ys[b][t], xs[b][t] + 1);
      if (t > 0) assert.equal(xs[b][t], xs[b][t - 1] + 1); // contiguous
    }
    assert.ok(xs[b][0] >= 0 && ys[b][15] < ids.length);
  }
  x.dispose();
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("sampleWindows: the same seed gives the same batches, another seed other ones", () => {
  const draw = (seed: number) => {
    const rng = new Rng(seed);
    return [0, 1, 2].map(() => {
      const { x, y } = sampleWindows(ids, { batchSize: 4, blockSize: 8 }, rng);
      const out = x.arraySync();
      x.dispose();
      y.dispose();
      return out;
    });
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

Deno.test("sampleWindows: every start position can be drawn, including the last", () => {
  const small = Int32Array.from({ length: 6 }, (_, i) => i);
  const rng = new Rng(0);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const { x, y } = sampleWindows(small, { batchSize: 1, blockSize: 3 }, rng);
    seen.add(x.arraySync()[0][0]);
    x.dispose();
    y.dispose();
  }
  assert.deepEqual([...seen].sort(), [0, 1, 2]); // starts 0..n-T-1 with n=6, T=3
});

Deno.test("sampleWindows rejects bad shapes and texts shorter than a window", () => {
  assert.throws(() => sampleWindows(ids, { batchSize: 0, blockSize: 4 }, new Rng(0)), InputError);
  assert.throws(() => sampleWindows(ids, { batchSize: 2, blockSize: 1.5 }, new Rng(0)), InputError);
  assert.throws(
    () => sampleWindows(ids.subarray(0, 4), { batchSize: 1, blockSize: 4 }, new Rng(0)),
    /too few/,
  );
});

Deno.test("SequentialStreams: each row continues where it stopped, until the epoch ends", () => {
  const before = tf.memory().numTensors;
  const streams = new SequentialStreams(ids, { batchSize: 4, blockSize: 10 }, new Rng(1));
  const streamLength = 125;
  let prev: number[][] | undefined;
  let resets = 0;
  for (let i = 0; i < 30; i++) {
    const { x, y, reset } = streams.next();
    const xs = x.arraySync();
    const ys = y.arraySync();
    if (reset) resets++;
    for (let b = 0; b < 4; b++) {
      // a row stays inside its own stream and targets are shifted inputs
      assert.equal(Math.floor(xs[b][0] / streamLength), b);
      assert.equal(Math.floor(ys[b][9] / streamLength), b);
      assert.deepEqual(ys[b], xs[b].map((v) => v + 1));
      if (prev && !reset) assert.equal(xs[b][0], prev[b][9] + 1);
    }
    prev = xs;
    x.dispose();
    y.dispose();
  }
  assert.ok(resets >= 3, `expected several epochs, saw ${resets}`);
  assert.equal(streams.state.epoch, resets - 1);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("SequentialStreams: saved state and RNG resume the same batches", () => {
  const rng = new Rng(5);
  const a = new SequentialStreams(ids, { batchSize: 2, blockSize: 7 }, rng);
  for (let i = 0; i < 40; i++) {
    tf.dispose(Object.values(a.next()).filter((v) => v instanceof tf.Tensor));
  }
  const saved = { stream: a.state, rng: rng.state };
  const take = (s: SequentialStreams) => {
    const { x, y, reset } = s.next();
    const out = { x: x.arraySync(), reset };
    tf.dispose([x, y]);
    return out;
  };
  const expected = [take(a), take(a), take(a), take(a), take(a)];
  const rng2 = new Rng(99);
  const b = new SequentialStreams(ids, { batchSize: 2, blockSize: 7 }, rng2);
  b.state = saved.stream;
  rng2.state = saved.rng;
  assert.deepEqual([take(b), take(b), take(b), take(b), take(b)], expected);
});

Deno.test("SequentialStreams rejects texts too short for its streams", () => {
  assert.throws(
    () => new SequentialStreams(ids.subarray(0, 40), { batchSize: 4, blockSize: 8 }, new Rng(0)),
    /too few for 4 streams/,
  );
});
