import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { ATTENTION } from "../../lib/engine/attention.ts";
import { causalAttention, causalAttentionOps } from "../../lib/nn/attention.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  type Ref,
  tensorOf,
  testEachConfig,
  withoutKernels,
} from "./_reference.ts";

/**
 * Float64 causal attention of `qkv` (`[B, T, 3C]`, H heads) and the gradient
 * of Σ y ⊙ g, written out per batch entry and head.
 */
function reference(qkv: Ref, g: Ref, H: number): { y: Float64Array; dqkv: Float64Array } {
  const [B, T, C3] = qkv.shape, C = C3 / 3, D = C / H, scale = 1 / Math.sqrt(D);
  const y = new Float64Array(B * T * C), dqkv = new Float64Array(qkv.data.length);
  const at = (b: number, t: number, col: number) => (b * T + t) * C3 + col;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const q = (t: number, d: number) => qkv.data[at(b, t, h * D + d)];
      const k = (t: number, d: number) => qkv.data[at(b, t, C + h * D + d)];
      const v = (t: number, d: number) => qkv.data[at(b, t, 2 * C + h * D + d)];
      const gy = (t: number, d: number) => g.data[(b * T + t) * C + h * D + d];
      for (let i = 0; i < T; i++) {
        const s = Array.from({ length: i + 1 }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q(i, d) * k(j, d);
          return dot * scale;
        });
        const max = Math.max(...s);
        const e = s.map((x) => Math.exp(x - max));
        const sum = e.reduce((a, c) => a + c, 0);
        const p = e.map((x) => x / sum);
        const dp = p.map((_, j) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += gy(i, d) * v(j, d);
          return dot;
        });
        const pdp = p.reduce((a, pj, j) => a + pj * dp[j], 0);
        for (let j = 0; j <= i; j++) {
          const ds = p[j] * (dp[j] - pdp) * scale;
          for (let d = 0; d < D; d++) {
            y[(b * T + i) * C + h * D + d] += p[j] * v(j, d);
            dqkv[at(b, j, 2 * C + h * D + d)] += p[j] * gy(i, d);
            dqkv[at(b, i, h * D + d)] += ds * k(j, d);
            dqkv[at(b, j, C + h * D + d)] += ds * q(i, d);
          }
        }
      }
    }
  }
  return { y, dqkv };
}

function check(shape: [number, number, number], H: number, fn = causalAttention): void {
  const qkv = randn(shape, 11), g = randn([shape[0], shape[1], shape[2] / 3], 12);
  const ref = reference(qkv, g, H);
  const [xt, gt] = [qkv, g].map(tensorOf);
  const y = fn(xt, H);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(fn(a, H), gt)))(xt);
  assertClose(y, { shape: g.shape, data: ref.y }, 1e-5);
  assertClose(dx, { shape, data: ref.dqkv }, 1e-5);
  tf.dispose([xt, gt, y, dx]);
}

testEachConfig("causalAttention and its gradient equal the float64 reference", () => {
  check([2, 8, 24], 2); // T a multiple of 4 (SIMD softmax on wasm)
  check([3, 5, 12], 1); // T = 5: the TypeScript softmax
  check([1, 16, 48], 4);
});

testEachConfig(
  "causalAttention without the engine's kernel (plain ops) gives the same values and gradients",
  () => {
    withoutKernels([ATTENTION], () => {
      assert.equal(tf.getKernel(ATTENTION, tf.getBackend()), undefined);
      check([2, 8, 24], 2);
    });
    check([2, 6, 24], 4, causalAttentionOps);
  },
  ["cpu", "wasm"],
);

Deno.test("causalAttention rejects a qkv that is not [B, T, 3C] with C divisible by the heads", () => {
  assert.throws(() => causalAttention(tf.zeros([2, 3, 10]), 2), /qkv must be \[B, T, 3C\]/);
  assert.throws(() => causalAttention(tf.zeros([6, 12]), 2), /qkv must be \[B, T, 3C\]/);
});

testEachConfig("causalAttention leaves no tensors behind, forward and backward", () => {
  const qkv = tf.randomNormal([2, 8, 24]);
  assertNoLeak(() => causalAttention(qkv, 2).dispose());
  assertNoLeak(() =>
    tf.tidy(() => void tf.grad((a: tf.Tensor) => tf.sum(causalAttention(a, 2)))(qkv))
  );
  qkv.dispose();
}, ["cpu", "wasm"]);
