import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  type Ref,
  tensorOf,
  testEachConfig,
} from "./_reference.ts";

/** These kernels do not use BLAS: the stock cpu kernels and the wasm overrides. */
const CONFIGS = ["cpu", "wasm"];

/** The box `[begin, begin + size)` of `x`, and the index of each of its elements in `x`. */
function refSlice(x: Ref, begin: number[], size: number[]): { box: Ref; at: number[] } {
  const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const n = size.reduce((a, b) => a * b, 1);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    let rest = i, flat = 0;
    for (let d = size.length - 1; d >= 0; d--) {
      flat += (begin[d] + (rest % size[d])) * strides[d];
      rest = Math.floor(rest / size[d]);
    }
    at.push(flat);
  }
  return { box: { shape: size, data: Float64Array.from(at, (j) => x.data[j]) }, at };
}

const SLICES: { shape: number[]; begin: number[]; size: number[] }[] = [
  { shape: [10], begin: [3], size: [4] },
  { shape: [6, 7], begin: [1, 2], size: [3, 4] },
  { shape: [6, 7], begin: [2, 0], size: [3, 7] }, // contiguous rows
  { shape: [4, 5, 6], begin: [1, 0, 2], size: [2, 5, 3] },
  { shape: [4, 5, 6], begin: [0, 2, 0], size: [4, 1, 6] }, // one time step of [B, T, C]
  { shape: [2, 3, 4, 5], begin: [1, 1, 0, 2], size: [1, 2, 4, 2] },
  { shape: [2, 3, 2, 3, 2], begin: [0, 1, 0, 1, 0], size: [2, 2, 2, 2, 1] },
  { shape: [4, 5], begin: [1, 1], size: [0, 3] },
];

testEachConfig("slice equals the reference for ranks 1–5, and its gradient scatters back", () => {
  SLICES.forEach((s, n) => {
    const x = randn(s.shape, 40 + n);
    const { box, at } = refSlice(x, s.begin, s.size);
    const got = tf.tidy(() => tf.slice(tensorOf(x), s.begin, s.size));
    assertClose(got, box, 0);
    got.dispose();
    const w = randn(s.size, 60 + n);
    const g = tf.tidy(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, s.begin, s.size), tensorOf(w))))(
        tensorOf(x),
      )
    );
    const expected = new Float64Array(x.data.length);
    at.forEach((j, i) => (expected[j] = w.data[i]));
    assertClose(g, { shape: s.shape, data: expected }, 0);
    g.dispose();
  });
}, CONFIGS);

testEachConfig("slice keeps int32 and bool values, and size -1 means to the end", () => {
  const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], "int32");
  const s = tf.slice(ints, [0, 1], [-1, 2]);
  assert.equal(s.dtype, "int32");
  assert.deepEqual(s.arraySync(), [[2, 3], [5, 6]]);
  const bools = tf.tensor1d([true, false, true, true], "bool");
  const b = tf.slice(bools, [1], [2]);
  assert.equal(b.dtype, "bool");
  assert.deepEqual([...b.dataSync()], [0, 1]);
  tf.dispose([ints, s, bools, b]);
}, CONFIGS);

testEachConfig("unstack along each axis equals the slices, and its gradient stacks back", () => {
  const x = randn([3, 4, 5], 70);
  for (const axis of [0, 1, 2, -1]) {
    const ax = axis < 0 ? axis + 3 : axis;
    const parts = tf.tidy(() => tf.unstack(tensorOf(x), axis));
    assert.equal(parts.length, x.shape[ax]);
    parts.forEach((p, i) => {
      const begin = [0, 0, 0], size = [...x.shape];
      begin[ax] = i;
      size[ax] = 1;
      const { box } = refSlice(x, begin, size);
      assertClose(p, { shape: x.shape.filter((_, d) => d !== ax), data: box.data }, 0);
    });
    tf.dispose(parts);
    const g = tf.tidy(() =>
      tf.grad((t: tf.Tensor) =>
        tf.addN(tf.unstack(t, axis).map((p, i) => tf.mul(tf.sum(p), i + 1)))
      )(tensorOf(x))
    );
    const expected = new Float64Array(x.data.length);
    expected.forEach((_, j) => {
      const idx = [Math.floor(j / 20), Math.floor(j / 5) % 4, j % 5];
      expected[j] = idx[ax] + 1;
    });
    assertClose(g, { shape: x.shape, data: expected }, 0);
    g.dispose();
  }
}, CONFIGS);

testEachConfig(
  "split by sizes and by count equals the slices, and its gradient concatenates",
  () => {
    const x = randn([4, 6, 3], 80);
    const cases: { splits: number | number[]; axis: number; sizes: number[] }[] = [
      { splits: [1, 2, -1], axis: 1, sizes: [1, 2, 3] },
      { splits: 2, axis: 0, sizes: [2, 2] },
      { splits: 3, axis: -1, sizes: [1, 1, 1] },
    ];
    for (const c of cases) {
      const ax = c.axis < 0 ? c.axis + 3 : c.axis;
      const parts = tf.tidy(() => tf.split(tensorOf(x), c.splits, c.axis));
      let start = 0;
      parts.forEach((p, i) => {
        const begin = [0, 0, 0], size = [...x.shape];
        begin[ax] = start;
        size[ax] = c.sizes[i];
        start += c.sizes[i];
        assertClose(p, refSlice(x, begin, size).box, 0);
      });
      tf.dispose(parts);
      const g = tf.tidy(() =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.split(t, c.splits, c.axis)[0], 2)))(tensorOf(x))
      );
      const begin = [0, 0, 0], size = [...x.shape];
      size[ax] = c.sizes[0];
      const expected = new Float64Array(x.data.length);
      refSlice(x, begin, size).at.forEach((j) => (expected[j] = 2));
      assertClose(g, { shape: x.shape, data: expected }, 0);
      g.dispose();
    }
  },
  CONFIGS,
);

testEachConfig("slice, unstack and split leave no tensors behind", () => {
  const x = tf.randomNormal([4, 8, 3]);
  assertNoLeak(() => tf.slice(x, [0, 2, 0], [4, 1, 3]).dispose());
  assertNoLeak(() => tf.dispose(tf.unstack(x, 1)));
  assertNoLeak(() => tf.dispose(tf.split(x, [3, 5], 1)));
  const f = (t: tf.Tensor) => tf.addN(tf.unstack(t, 1).map((p) => tf.sum(p)));
  assertNoLeak(() => tf.tidy(() => void tf.grad(f)(x)));
  x.dispose();
}, CONFIGS);
