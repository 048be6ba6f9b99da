import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { randn, runnableConfigs, tensorOf } from "./_reference.ts";

/**
 * A tiny model touching every engine kernel (gather and its gradient, 3-D × 2-D
 * matMul, tanh, einsum attention with an additive mask, unstack/stack, slice,
 * fused matMul + bias), trained a few SGD steps; returns the losses.
 */
function train(steps: number): { losses: number[]; tensorsAfter: number[] } {
  const [B, T, V, C, H] = [3, 5, 11, 8, 12];
  const ids = tf.tensor2d(
    Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V),
    [B, T],
    "int32",
  );
  const targets = tf.tidy(() =>
    tf.oneHot(tf.tensor1d(Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % V), "int32"), V)
  );
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));
  const variable = (init: () => tf.Tensor) => {
    const t = tf.tidy(init);
    const v = tf.variable(t);
    t.dispose();
    return v;
  };
  const params = {
    emb: variable(() => tf.mul(tensorOf(randn([V, C], 1)), 0.5)),
    w1: variable(() => tf.mul(tensorOf(randn([C, H], 2)), 0.3)),
    b1: variable(() => tf.zeros([H])),
    w2: variable(() => tf.mul(tensorOf(randn([H, V], 3)), 0.3)),
    b2: variable(() => tf.zeros([V])),
  };
  const loss = () =>
    tf.tidy(() => {
      const x = tf.gather(params.emb, ids); // (B, T, C)
      const h = tf.tanh(tf.add(tf.matMul(x, params.w1), params.b1)); // (B, T, H)
      const scores = tf.add(tf.mul(tf.einsum("bth,bsh->bts", h, h), 1 / Math.sqrt(H)), mask);
      const mixed = tf.matMul(tf.softmax(scores), h); // (B, T, H)
      const steps = tf.stack(tf.unstack(mixed, 1), 1);
      const first = tf.slice(steps, [0, 0, 0], [B, T, H]);
      const logits = tf.fused.matMul({
        a: tf.reshape(first, [B * T, H]),
        b: params.w2,
        bias: params.b2,
      });
      return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
    });
  const opt = tf.train.sgd(0.5);
  const losses: number[] = [];
  const tensorsAfter: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = opt.minimize(loss, true)!;
    losses.push(l.dataSync()[0]);
    l.dispose();
    tensorsAfter.push(tf.memory().numTensors);
  }
  opt.dispose();
  tf.dispose([ids, targets, mask, ...Object.values(params)]);
  return { losses, tensorsAfter };
}

Deno.test("training gives the same losses on every engine configuration, without leaks", async () => {
  const runs: Record<string, number[]> = {};
  for (const c of runnableConfigs()) {
    await initEngine(c.options);
    const before = tf.memory().numTensors;
    const { losses, tensorsAfter } = train(6);
    assert.equal(tf.memory().numTensors, before, `${c.name}: tensors leaked`);
    assert.ok(tensorsAfter.every((n) => n === tensorsAfter[0]), `${c.name}: tensors grew per step`);
    assert.ok(losses[5] < losses[0], `${c.name}: loss did not go down: ${losses}`);
    runs[c.name] = losses;
  }
  for (const [name, losses] of Object.entries(runs)) {
    losses.forEach((l, i) => {
      const ref = runs.cpu[i];
      assert.ok(Math.abs(l - ref) <= 1e-5 * Math.abs(ref), `${name} step ${i}: ${l} vs cpu ${ref}`);
    });
  }
});
