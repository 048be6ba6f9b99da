import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  type Ref,
  refEinsum,
  tensorOf,
  testEachConfig,
} from "./_reference.ts";

const SIZES: Record<string, number> = {
  a: 2,
  b: 3,
  c: 4,
  d: 2,
  h: 2,
  i: 3,
  j: 4,
  k: 5,
  l: 2,
  s: 3,
  t: 3,
};

const shapeOf = (subs: string) => [...subs].map((c) => SIZES[c]);

const EQUATIONS = [
  "ij,jk->ik",
  "ij,kj->ik",
  "ji,jk->ik",
  "ji,kj->ki",
  "bij,bjk->bik",
  "bhtd,bhsd->bhts", // attention scores
  "bhts,bhsd->bhtd", // attention output
  "bij,jk->bik",
  "ijk,jil->kl",
  "abc,abd->cd",
  "ij,ij->ij",
  "i,j->ij",
  "i,i->",
  "ij,jk->k", // i summed away in the first operand alone
  "ij->ji",
  "ij->i",
  "ij->",
  "ijk->kij",
  "ij->ij",
];

function operands(eq: string): Ref[] {
  return eq.split("->")[0].split(",").map((s, i) => randn(shapeOf(s), 21 + i));
}

testEachConfig("einsum equals the float64 reference", () => {
  for (const eq of EQUATIONS) {
    const ops = operands(eq);
    const got = tf.tidy(() => tf.einsum(eq, ...ops.map(tensorOf)));
    try {
      assertClose(got, refEinsum(eq, ops));
    } catch (err) {
      throw new Error(`${eq}: ${(err as Error).message}`);
    } finally {
      got.dispose();
    }
  }
});

testEachConfig("einsum gradients equal the float64 reference", () => {
  for (const eq of EQUATIONS) {
    const ops = operands(eq);
    const [lhs, out] = eq.split("->");
    const subs = lhs.split(",");
    const w = randn(shapeOf(out), 29); // loss = Σ einsum ⊙ w
    const grads = tf.tidy(() => {
      const wt = tensorOf(w);
      const f = (...xs: tf.Tensor[]) => tf.sum(tf.mul(tf.einsum(eq, ...xs), wt));
      return tf.grads(f)(ops.map(tensorOf));
    });
    try {
      subs.forEach((s, i) => {
        // dX = Σ over everything else of w · (other operands), broadcast over X's own subscripts
        const others = subs.flatMap((o, j) => (j === i ? [] : [o]));
        const ones = { shape: ops[i].shape, data: new Float64Array(ops[i].data.length).fill(1) };
        const refEq = [out, ...others, s].join(",") + "->" + s;
        const expected = refEinsum(refEq, [w, ...ops.filter((_, j) => j !== i), ones]);
        assertClose(grads[i], expected);
      });
    } catch (err) {
      throw new Error(`${eq}: ${(err as Error).message}`);
    } finally {
      tf.dispose(grads);
    }
  }
});

testEachConfig("einsum leaves no tensors behind, forward and backward", () => {
  const q = tf.randomNormal([2, 2, 3, 4]), k = tf.randomNormal([2, 2, 3, 4]);
  assertNoLeak(() => tf.einsum("bhtd,bhsd->bhts", q, k).dispose());
  assertNoLeak(() => tf.einsum("ijkl->lkji", q).dispose());
  assertNoLeak(() => tf.einsum("ijkl->ijkl", q).dispose());
  const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.einsum("bhtd,bhsd->bhts", x, y));
  assertNoLeak(() => tf.tidy(() => void tf.grads(f)([q, k])));
  tf.dispose([q, k]);
});

testEachConfig("einsum rejects what tfjs rejects, with tfjs's messages", () => {
  const x = tf.ones([2, 2]);
  assert.throws(() => tf.einsum("ij,jk", x, x), /arrow/);
  assert.throws(() => tf.einsum("ii->i", x), /duplicate axes/);
  assert.throws(() => tf.einsum("ij,jk->ik", x, tf.ones([3, 2])), /dimension/);
  x.dispose();
});
