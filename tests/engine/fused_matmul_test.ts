import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import {
  assertClose,
  assertNoLeak,
  matSubs,
  randn,
  type Ref,
  refEinsum,
  tensorOf,
  testEachConfig,
} from "./_reference.ts";

type Activation = "linear" | "relu" | "relu6" | "elu" | "leakyrelu" | "prelu" | "sigmoid";

const ACTIVATIONS: Activation[] = [
  "linear",
  "relu",
  "relu6",
  "elu",
  "leakyrelu",
  "prelu",
  "sigmoid",
];

function act(name: Activation, x: number, alpha: number, preluWeight: number): number {
  switch (name) {
    case "linear":
      return x;
    case "relu":
      return Math.max(0, x);
    case "relu6":
      return Math.min(6, Math.max(0, x));
    case "elu":
      return x >= 0 ? x : Math.exp(x) - 1;
    case "leakyrelu":
      return x < 0 ? alpha * x : x;
    case "prelu":
      return x < 0 ? preluWeight * x : x;
    case "sigmoid":
      return 1 / (1 + Math.exp(-x));
  }
}

/** Adds `r` (broadcast, right-aligned) to `z` in place; returns the element map used. */
function broadcastAt(shape: number[], outShape: number[]): (i: number) => number {
  const full = [...new Array(outShape.length - shape.length).fill(1), ...shape];
  return (i) => {
    let at = 0, stride = 1;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const idx = i % outShape[d];
      i = Math.floor(i / outShape[d]);
      if (full[d] !== 1) at += idx * stride;
      stride *= full[d];
    }
    return at;
  };
}

interface FusedCase {
  a: number[];
  b: number[];
  tA?: boolean;
  tB?: boolean;
  bias?: number[];
  prelu?: number[];
}

const CASES: FusedCase[] = [
  { a: [5, 7], b: [7, 9], bias: [9] },
  { a: [7, 5], b: [9, 7], tA: true, tB: true, bias: [1, 9] },
  { a: [5, 7], b: [9, 7], tB: true, bias: [5, 9] },
  { a: [2, 5, 7], b: [7, 9], bias: [9] }, // rank 3 × rank 2 with bias: wrong in stock wasm
  { a: [2, 7, 5], b: [7, 9], tA: true, bias: [9] },
  { a: [3, 5, 4], b: [3, 4, 6], bias: [3, 1, 6] },
  { a: [3, 5, 4], b: [4, 6], bias: [5, 1] },
  { a: [2, 3, 5, 4], b: [2, 3, 4, 6], bias: [6] },
  { a: [4, 5], b: [5, 3] }, // no bias
  { a: [4, 5], b: [5, 3], bias: [] }, // scalar bias
];

function reference(c: FusedCase, activation: Activation, alpha: number) {
  const rank = Math.max(c.a.length, c.b.length) - 2;
  const batch = "wxyz".slice(0, rank);
  const eq = `${matSubs(batch.slice(rank - c.a.length + 2), "i", "p", !!c.tA)},` +
    `${matSubs(batch.slice(rank - c.b.length + 2), "p", "j", !!c.tB)}->${batch}ij`;
  const a = randn(c.a, 11), b = randn(c.b, 12);
  const z = refEinsum(eq, [a, b]);
  const bias = c.bias ? randn(c.bias, 13) : null;
  const prelu = randn(c.prelu ?? [z.shape[z.shape.length - 1]], 14);
  const biasAt = bias ? broadcastAt(bias.shape, z.shape) : null;
  const preluAt = broadcastAt(prelu.shape, z.shape);
  const y = new Float64Array(z.data.length);
  for (let i = 0; i < y.length; i++) {
    const v = z.data[i] + (bias ? bias.data[biasAt!(i)] : 0);
    y[i] = act(activation, v, alpha, prelu.data[preluAt(i)]);
  }
  return { eq, a, b, bias, prelu, y: { shape: z.shape, data: y } as Ref };
}

testEachConfig(
  "fused matMul equals the float64 reference for every activation and bias shape",
  () => {
    for (const c of CASES) {
      for (const activation of ACTIVATIONS) {
        const alpha = 0.1;
        const r = reference(c, activation, alpha);
        const got = tf.tidy(() =>
          tf.fused.matMul({
            a: tensorOf(r.a),
            b: tensorOf(r.b),
            transposeA: c.tA,
            transposeB: c.tB,
            bias: r.bias ? tensorOf(r.bias) : undefined,
            activation,
            preluActivationWeights: activation === "prelu" ? tensorOf(r.prelu) : undefined,
            leakyreluAlpha: alpha,
          })
        );
        try {
          assertClose(got, r.y);
        } catch (err) {
          throw new Error(
            `[${c.a}]·[${c.b}] bias [${c.bias}] ${activation}: ${(err as Error).message}`,
          );
        } finally {
          got.dispose();
        }
      }
    }
  },
);

testEachConfig("fused matMul gradients (a, b, bias) equal the float64 reference", () => {
  for (const activation of ["linear", "relu", "sigmoid"] as const) {
    for (const c of CASES.filter((c) => c.a.length === 2 && c.bias)) {
      const r = reference(c, activation, 0.2);
      const w = randn(r.y.shape, 15); // loss = Σ y ⊙ w
      // dz = w ⊙ act'(z), from y: relu' = [y > 0], sigmoid' = y(1 − y)
      const dz = {
        shape: r.y.shape,
        data: r.y.data.map((y, i) =>
          w.data[i] *
          (activation === "relu" ? (y > 0 ? 1 : 0) : activation === "sigmoid" ? y * (1 - y) : 1)
        ),
      };
      const [sa, rest] = r.eq.split(",");
      const [sb, out] = rest.split("->");
      const da = refEinsum(`${out},${sb}->${sa}`, [dz, r.b]);
      const db = refEinsum(`${sa},${out}->${sb}`, [r.a, dz]);
      const aligned = [...new Array(2 - c.bias!.length).fill(1), ...c.bias!];
      const dbias = { shape: c.bias!, data: refEinsum("ij->ij", [dz], aligned).data };
      const grads = tf.tidy(() => {
        const wt = tensorOf(w);
        const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.fused.matMul({ a, b, bias, activation, transposeA: c.tA, transposeB: c.tB }),
              wt,
            ),
          );
        return tf.grads(f)([tensorOf(r.a), tensorOf(r.b), tensorOf(r.bias!)]);
      });
      try {
        assertClose(grads[0], da);
        assertClose(grads[1], db);
        assertClose(grads[2], dbias);
      } finally {
        tf.dispose(grads);
      }
    }
  }
});

testEachConfig("fused matMul leaves no tensors behind", () => {
  const a = tf.randomNormal([2, 5, 4]), b = tf.randomNormal([4, 3]), bias = tf.randomNormal([3]);
  assertNoLeak(() => tf.fused.matMul({ a, b, bias, activation: "sigmoid" }).dispose());
  const a2 = tf.reshape(a, [10, 4]);
  const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
    tf.sum(tf.fused.matMul({ a: x, b: y, bias: z, activation: "relu" }));
  assertNoLeak(() => tf.tidy(() => void tf.grads(f)([a2, b, bias])));
  tf.dispose([a, b, bias, a2]);
});

testEachConfig("fused matMul rejects an unknown activation with a clear message", () => {
  const a = tf.ones([2, 2]);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => tf.fused.matMul({ a, b: a, activation: "gelu" as any }),
    /activation/,
  );
  a.dispose();
});
