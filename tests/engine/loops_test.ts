import assert from "node:assert/strict";
import type { Slab } from "../../lib/engine/heap.ts";
import { jsLoops } from "../../lib/engine/loops_js.ts";
import { simdBinary, simdLoops } from "../../lib/engine/loops_simd.ts";
import { randn } from "./_reference.ts";

/** A standalone wasm memory with the SIMD loops bound to it, and slab allocation. */
function arena() {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const simd = simdLoops(memory);
  assert.ok(simd, "the SIMD loops compile here");
  let top = 16; // leave address 0 unused; start unaligned on purpose (4 bytes past 16·k)
  const heap = () => new Float32Array(memory.buffer);
  const slab = (values: ArrayLike<number> | number): Slab => {
    const n = typeof values === "number" ? values : values.length;
    const off = top + 1;
    top = off + n + 3;
    if (typeof values !== "number") heap().set(values, off);
    return { arr: heap(), off };
  };
  const read = (s: Slab, n: number) => Float32Array.from(heap().subarray(s.off, s.off + n));
  return { simd: simd!, slab, read };
}

/** A JS-side copy of a slab's values, for running the TypeScript loops. */
const own = (values: ArrayLike<number>): Slab => ({ arr: Float32Array.from(values), off: 0 });

function assertNear(actual: Float32Array, expected: Float32Array, tol: number, what: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i];
    if (!(Math.abs(actual[i] - e) <= tol * (1 + Math.abs(e)))) {
      assert.fail(`${what}[${i}]: SIMD ${actual[i]}, TypeScript ${e}`);
    }
  }
}

const values = (n: number, seed: number, scale = 1) =>
  Float32Array.from(randn([n], seed).data, (v) => v * scale);

Deno.test("the SIMD module assembles to valid WebAssembly, with and without relaxed FMA", () => {
  for (const fma of [true, false]) assert.ok(WebAssembly.validate(simdBinary(fma)));
});

Deno.test("SIMD layer norm and its gradient equal the TypeScript loops", () => {
  for (const [rows, cols, bias] of [[5, 8, true], [3, 128, false], [2, 6, true]] as const) {
    const { simd, slab, read } = arena();
    const n = rows * cols;
    const [x, w, b, dy] = [values(n, 1, 3), values(cols, 2), values(cols, 3), values(n, 4)];
    const y = slab(n), stats = slab(2 * rows);
    simd.layerNorm(slab(x), slab(w), bias ? slab(b) : null, y, stats, rows, cols, 1e-5);
    const yRef = own(new Float32Array(n)), statsRef = own(new Float32Array(2 * rows));
    jsLoops.layerNorm(own(x), own(w), bias ? own(b) : null, yRef, statsRef, rows, cols, 1e-5);
    assertNear(read(y, n), yRef.arr, 2e-5, `y ${rows}×${cols}`);
    assertNear(read(stats, 2 * rows), statsRef.arr, 2e-5, "mean and rstd");

    const [dx, dw, db] = [slab(n), slab(cols), slab(cols)];
    simd.layerNormGrad(slab(dy), slab(x), slab(w), stats, dx, dw, db, rows, cols);
    const ref = [
      own(new Float32Array(n)),
      own(new Float32Array(cols)),
      own(new Float32Array(cols)),
    ];
    jsLoops.layerNormGrad(own(dy), own(x), own(w), statsRef, ref[0], ref[1], ref[2], rows, cols);
    assertNear(read(dx, n), ref[0].arr, 2e-5, "dx");
    assertNear(read(dw, cols), ref[1].arr, 2e-5, "dw");
    assertNear(read(db, cols), ref[2].arr, 2e-5, "db");
  }
});

Deno.test("SIMD causal softmax and its gradient equal the TypeScript loops, zeros above the diagonal", () => {
  for (const [count, t] of [[3, 8], [2, 64], [2, 5]]) {
    const { simd, slab, read } = arena();
    const n = count * t * t;
    const scores = values(n, 5, 4);
    const p = slab(scores);
    simd.causalSoftmax(p, count, t, 0.35);
    const pRef = own(scores);
    jsLoops.causalSoftmax(pRef, count, t, 0.35);
    const probs = read(p, n);
    assertNear(probs, pRef.arr, 1e-6, `p ${count}×${t}×${t}`);
    for (let r = 0; r < count * t; r++) {
      for (let j = (r % t) + 1; j < t; j++) assert.equal(probs[r * t + j], 0);
    }
    const g = values(n, 6);
    const ds = slab(g);
    simd.causalSoftmaxGrad(p, ds, count, t, 0.35);
    const dsRef = own(g);
    jsLoops.causalSoftmaxGrad(pRef, dsRef, count, t, 0.35);
    assertNear(read(ds, n), dsRef.arr, 1e-6, "ds");
  }
});

Deno.test("SIMD row softmax statistics and scaled softmax equal the TypeScript loops", () => {
  for (const [rows, v] of [[3, 4], [5, 5], [7, 65], [2, 8], [1, 3]]) {
    const { simd, slab, read } = arena();
    const x = values(rows * v, 14, 5);
    const stats = slab(2 * rows);
    simd.rowSoftmaxStats(slab(x), rows, v, stats);
    const ref = own(new Float32Array(2 * rows));
    jsLoops.rowSoftmaxStats(own(x), rows, v, ref);
    assertNear(read(stats, 2 * rows), ref.arr, 1e-6, `stats ${rows}×${v}`);
    const lse = Float32Array.from(
      { length: rows },
      (_, r) => ref.arr[2 * r] + Math.log(ref.arr[2 * r + 1]),
    );
    const g = slab(rows * v);
    simd.rowSoftmaxScaled(slab(x), slab(lse), rows, v, g, 0.25);
    const gRef = own(new Float32Array(rows * v));
    jsLoops.rowSoftmaxScaled(own(x), own(lse), rows, v, gRef, 0.25);
    assertNear(read(g, rows * v), gRef.arr, 1e-6, `softmax ${rows}×${v}`);
  }
});

Deno.test("SIMD GELU and its gradient equal the TypeScript loops, tails included", () => {
  for (const n of [4, 7, 1000, 4099]) {
    const { simd, slab, read } = arena();
    const x = values(n, 7, 4);
    x[0] = 0; // σ = ½ where x = 0 in the gradient
    const y = slab(n);
    simd.gelu(slab(x), y, n);
    const yRef = own(new Float32Array(n));
    jsLoops.gelu(own(x), yRef, n);
    assertNear(read(y, n), yRef.arr, 2e-6, `gelu n=${n}`);
    const dy = values(n, 8);
    const dx = slab(n);
    simd.geluGrad(slab(dy), slab(x), y, dx, n);
    const dxRef = own(new Float32Array(n));
    jsLoops.geluGrad(own(dy), own(x), yRef, dxRef, n);
    assertNear(read(dx, n), dxRef.arr, 1e-5, `gelu' n=${n}`);
  }
});

Deno.test("SIMD AdamW is bit-identical to the float32 TypeScript loop", () => {
  const n = 1003;
  const { simd, slab, read } = arena();
  const [p, g, m, v] = [values(n, 9), values(n, 10), values(n, 11, 0.1), values(n, 12)]
    .map((a, i) => i === 3 ? a.map((x) => x * x * 0.01) : a);
  const h = {
    decay: 1 - 1e-3 * 0.1,
    beta1: 0.9,
    beta2: 0.99,
    stepSize: 1e-3 / 0.19,
    bc2Sqrt: 0.14,
    eps: 1e-8,
  };
  const s = [slab(p), slab(g), slab(m), slab(v)], out = slab(n);
  simd.adamW(s[0], s[1], s[2], s[3], out, n, h);
  const r = [own(p), own(g), own(m), own(v)];
  jsLoops.adamW(r[0], r[1], r[2], r[3], r[0], n, h); // in place on p
  assert.deepEqual(read(out, n), r[0].arr);
  assert.deepEqual(read(s[0], n), p, "p itself is left alone when out is elsewhere");
  for (const i of [2, 3]) assert.deepEqual(read(s[i], n), r[i].arr);
});

Deno.test("SIMD bias rows and column sums equal the TypeScript loops", () => {
  for (const [rows, cols] of [[3, 8], [5, 128], [4, 6]]) {
    const { simd, slab, read } = arena();
    const [x, b] = [values(rows * cols, 15), values(cols, 16)];
    const y = slab(x);
    simd.addBias(y, slab(b), rows, cols);
    const yRef = own(x);
    jsLoops.addBias(yRef, own(b), rows, cols);
    assertNear(read(y, rows * cols), yRef.arr, 1e-7, `bias ${rows}×${cols}`);
    const sums = slab(cols);
    simd.sumRows(slab(x), rows, cols, sums);
    const sumsRef = own(new Float32Array(cols));
    jsLoops.sumRows(own(x), rows, cols, sumsRef);
    assertNear(read(sums, cols), sumsRef.arr, 1e-6, `column sums ${rows}×${cols}`);
  }
});

Deno.test("SIMD sum of squares and scaling equal the TypeScript loops", () => {
  for (const n of [0, 3, 4097, 10_001]) {
    const { simd, slab, read } = arena();
    const x = values(n, 13);
    const sx = slab(x);
    const expected = jsLoops.sumSquares(own(x), n);
    assert.ok(Math.abs(simd.sumSquares(sx, n) - expected) <= 1e-6 * (1 + expected), `n=${n}`);
    const y = slab(n);
    simd.scale(sx, y, n, 0.3);
    const yRef = own(new Float32Array(n));
    jsLoops.scale(own(x), yRef, n, 0.3);
    assert.deepEqual(read(y, n), yRef.arr);
  }
});
