import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import {
  assertClose,
  assertNoLeak,
  matSubs,
  randn,
  refEinsum,
  tensorOf,
  testEachConfig,
} from "./_reference.ts";

/** A product case: stored shapes, flags, and the batch letters of each operand. */
interface Case {
  a: number[];
  b: number[];
  tA: boolean;
  tB: boolean;
}

const letters = "wxyz";

/** The float64 reference of `tf.matMul` for `c`, as an einsum with broadcasting. */
function reference(c: Case, a = randn(c.a, 1), b = randn(c.b, 2)) {
  const rank = Math.max(c.a.length, c.b.length) - 2;
  const batch = letters.slice(0, rank);
  const aBatch = batch.slice(rank - (c.a.length - 2));
  const bBatch = batch.slice(rank - (c.b.length - 2));
  const eq = `${matSubs(aBatch, "i", "p", c.tA)},${matSubs(bBatch, "p", "j", c.tB)}->${batch}ij`;
  return { eq, a, b, y: refEinsum(eq, [a, b]) };
}

const transposes = [[false, false], [false, true], [true, false], [true, true]] as const;

const CASES: Case[] = [
  // 2-D, sizes that are not multiples of the 4-wide unrolled loops
  ...transposes.map(([tA, tB]) => ({
    a: tA ? [7, 5] : [5, 7],
    b: tB ? [9, 7] : [7, 9],
    tA,
    tB,
  })),
  ...transposes.map(([tA, tB]) => ({
    a: tA ? [17, 33] : [33, 17],
    b: tB ? [6, 17] : [17, 6],
    tA,
    tB,
  })),
  // rank 3 batched, and rank 3 × rank 2 (the batch folds into rows)
  ...transposes.map(([tA, tB]) => ({
    a: tA ? [3, 4, 5] : [3, 5, 4],
    b: tB ? [3, 6, 4] : [3, 4, 6],
    tA,
    tB,
  })),
  ...transposes.map(([tA, tB]) => ({
    a: tA ? [2, 4, 5] : [2, 5, 4],
    b: tB ? [6, 4] : [4, 6],
    tA,
    tB,
  })),
  // rank 2 × rank 3 (a shared), batch dimensions of 1 broadcasting, rank 4
  { a: [5, 4], b: [3, 4, 6], tA: false, tB: false },
  { a: [1, 5, 4], b: [3, 4, 6], tA: false, tB: false },
  { a: [2, 1, 5, 4], b: [1, 3, 6, 4], tA: false, tB: true },
  { a: [2, 3, 4, 5], b: [2, 3, 4, 6], tA: true, tB: false },
  { a: [2, 3, 5, 4], b: [3, 4, 6], tA: false, tB: false },
  // degenerate sizes
  { a: [3, 0], b: [0, 4], tA: false, tB: false },
  { a: [1, 1], b: [1, 1], tA: false, tB: false },
];

const show = (c: Case) => `[${c.a}]${c.tA ? "ᵀ" : ""}·[${c.b}]${c.tB ? "ᵀ" : ""}`;

testEachConfig("matMul equals the float64 reference (transposes, batches, broadcasting)", () => {
  for (const c of CASES) {
    const { a, b, y } = reference(c);
    const got = tf.tidy(() => tf.matMul(tensorOf(a), tensorOf(b), c.tA, c.tB));
    try {
      assertClose(got, y);
    } catch (err) {
      throw new Error(`${show(c)}: ${(err as Error).message}`);
    } finally {
      got.dispose();
    }
  }
});

testEachConfig(
  "matMul gradients equal the float64 reference, summed over broadcast batches",
  () => {
    for (const c of CASES.filter((c) => c.a.length > 2 || c.b.length > 2 || c.a[0] === 17)) {
      const { eq, a, b } = reference(c);
      const [subsA, rest] = eq.split(",");
      const [subsB, out] = rest.split("->");
      const outShape = refEinsum(eq, [a, b]).shape;
      const w = randn(outShape, 3); // loss = Σ matMul(a, b) ⊙ w, so dy = w
      const da = refEinsum(`${out},${subsB}->${subsA}`, [w, b], c.a);
      const db = refEinsum(`${subsA},${out}->${subsB}`, [a, w], c.b);
      const [ga, gb] = tf.tidy(() => {
        const wt = tensorOf(w);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.tA, c.tB), wt));
        return tf.grads(f)([tensorOf(a), tensorOf(b)]);
      });
      try {
        assertClose(ga, da);
        assertClose(gb, db);
      } catch (err) {
        throw new Error(`${show(c)}: ${(err as Error).message}`);
      } finally {
        tf.dispose([ga, gb]);
      }
    }
  },
);

testEachConfig("matMul leaves no tensors behind, forward and backward", () => {
  const a = tf.randomNormal([2, 5, 4]), b = tf.randomNormal([4, 3]);
  const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y));
  assertNoLeak(() => tf.tidy(() => void tf.grads(f)([a, b])));
  assertNoLeak(() => tf.matMul(a, b, false, false).dispose());
  assertNoLeak(() => tf.matMul(a, a, true, false).dispose());
  tf.dispose([a, b]);
});

testEachConfig("matMul of int32 tensors still goes to the stock kernel", (config) => {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2], "int32");
  if (config.startsWith("wasm")) {
    assert.throws(() => tf.matMul(a, a), /non-float32|not yet supported/);
  } else {
    const y = tf.matMul(a, a);
    assert.deepEqual([...y.dataSync()], [7, 10, 15, 22]);
    y.dispose();
  }
  a.dispose();
});

testEachConfig("matMul and unstack stay correct when their outputs grow the wasm memory", () => {
  // A 64 MB output cannot fit the heap left by earlier tests: allocating it grows
  // (and detaches) the wasm memory, so views taken before the allocation would be stale.
  const a = tf.tensor2d([1, 2, 3, 4], [4, 1]);
  const b = tf.fill([1, 4_000_000], 0.5);
  const y = tf.matMul(a, b);
  const v = y.dataSync();
  assert.deepEqual([v[0], v[3_999_999], v[4_000_000], v[15_999_999]], [0.5, 0.5, 1, 2]);
  const parts = tf.unstack(tf.reshape(y, [4, 2, 2_000_000]), 1);
  assert.deepEqual([parts[1].dataSync()[0], parts[1].dataSync()[6_000_000 - 1]], [0.5, 1.5]);
  tf.dispose([a, b, y, ...parts]);
}, ["wasm", "wasm+blas"]);

testEachConfig("matMul stays correct when one tensor is used as weights in two shapes", () => {
  // A reshape shares its input's memory and id; stock wasm caches XNNPACK weights by id alone.
  const w = randn([4, 6], 5), x = randn([3, 4], 6), z = randn([5, 6], 7);
  const [y1, y2, y3] = tf.tidy(() => {
    const wt = tensorOf(w);
    return [
      tf.matMul(tensorOf(x), wt),
      tf.matMul(tensorOf(z), tf.reshape(wt, [6, 4])),
      tf.matMul(tf.ones([1, 24]), tf.reshape(wt, [24, 1])),
    ];
  });
  assertClose(y1, refEinsum("ip,pj->ij", [x, w]));
  assertClose(y2, refEinsum("ip,pj->ij", [z, { shape: [6, 4], data: w.data }]));
  assertClose(y3, { shape: [1, 1], data: Float64Array.of(w.data.reduce((s, v) => s + v, 0)) });
  tf.dispose([y1, y2, y3]);
});
