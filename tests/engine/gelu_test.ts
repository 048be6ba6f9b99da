import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { gelu, geluOps } from "../../lib/nn/gelu.ts";
import { assertClose, assertNoLeak, randn, tensorOf, testEachConfig } from "./_reference.ts";

const CONFIGS = ["cpu", "wasm"];
const C = Math.sqrt(2 / Math.PI), A = 0.044715;

const geluRef = (x: number) => 0.5 * x * (1 + Math.tanh(C * (x + A * x ** 3)));
const geluGradRef = (x: number) => {
  const t = Math.tanh(C * (x + A * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * A * x * x);
};

testEachConfig("gelu and its gradient equal the float64 tanh-GELU", () => {
  const x = randn([7, 9], 100);
  x.data.forEach((v, i) => (x.data[i] = Math.fround(v * 3))); // cover the tails too
  const w = randn([7, 9], 101); // loss = Σ gelu(x) ⊙ w
  const [y, g] = tf.tidy(() => {
    const xt = tensorOf(x), wt = tensorOf(w);
    return [gelu(xt), tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), wt)))(xt)];
  });
  assertClose(y, { shape: x.shape, data: x.data.map(geluRef) }, 1e-5);
  assertClose(g, { shape: x.shape, data: x.data.map((v, i) => w.data[i] * geluGradRef(v)) }, 1e-5);
  tf.dispose([y, g]);
}, CONFIGS);

Deno.test("gelu falls back to tfjs ops where the engine's kernel is not registered", () => {
  const x = tf.tensor1d([-2, -0.5, 0, 0.5, 2]);
  const y = gelu(x), ref = geluOps(x);
  assert.ok(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0] < 1e-6);
  tf.dispose([x, y, ref]);
});

testEachConfig("gelu leaves no tensors behind, forward and backward", () => {
  const x = tf.randomNormal([4, 8]);
  assertNoLeak(() => gelu(x).dispose());
  assertNoLeak(() => tf.tidy(() => void tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x)));
  x.dispose();
}, CONFIGS);
