import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { CROSS_ENTROPY } from "../../lib/engine/cross_entropy.ts";
import { softmaxCrossEntropy, softmaxCrossEntropyOps } from "../../lib/nn/cross_entropy.ts";
import {
  assertClose,
  assertNoLeak,
  randn,
  tensorOf,
  testEachConfig,
  withoutKernels,
} from "./_reference.ts";

/** Float64 mean cross-entropy and its gradient; targets outside [0, V) have a zero one-hot row. */
function reference(logits: Float64Array, targets: number[], v: number) {
  const n = targets.length;
  let loss = 0;
  const grad = new Float64Array(logits.length);
  for (let r = 0; r < n; r++) {
    const row = logits.subarray(r * v, (r + 1) * v);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    const t = targets[r];
    loss += lse - (t >= 0 && t < v ? row[t] : 0);
    for (let j = 0; j < v; j++) grad[r * v + j] = (Math.exp(row[j] - lse) - (j === t ? 1 : 0)) / n;
  }
  return { loss: loss / n, grad };
}

function check(n: number, v: number, targets: number[], fn = softmaxCrossEntropy): void {
  const logits = randn([n, v], 21);
  logits.data.forEach((x, i) => (logits.data[i] = Math.fround(4 * x)));
  const ref = reference(logits.data, targets, v);
  const x = tensorOf(logits) as tf.Tensor2D, t = tf.tensor1d(targets, "int32");
  const loss = fn(x, t);
  const dx = tf.grad((a: tf.Tensor) => fn(a as tf.Tensor2D, t))(x);
  assertClose(loss, { shape: [], data: Float64Array.of(ref.loss) }, 1e-6);
  assertClose(dx, { shape: [n, v], data: ref.grad }, 1e-6);
  tf.dispose([x, t, loss, dx]);
}

testEachConfig("softmaxCrossEntropy and its gradient equal the float64 reference", () => {
  check(6, 65, [0, 64, 3, 17, 3, 40]);
  check(3, 5, [4, -1, 5]); // targets outside the vocabulary count logsumexp alone
}, ["cpu", "wasm"]);

testEachConfig(
  "softmaxCrossEntropy without the engine's kernel (plain ops) gives the same values and gradients",
  () => {
    withoutKernels([CROSS_ENTROPY], () => {
      assert.equal(tf.getKernel(CROSS_ENTROPY, tf.getBackend()), undefined);
      check(4, 7, [0, 6, 2, 2]);
    });
    check(4, 7, [0, 6, 2, 2], softmaxCrossEntropyOps);
  },
  ["cpu", "wasm"],
);

Deno.test("softmaxCrossEntropy rejects logits and targets that do not fit", () => {
  assert.throws(
    () =>
      softmaxCrossEntropy(tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([2], "int32") as tf.Tensor1D),
    /logits \[N, V\] and targets \[N\] expected/,
  );
});

testEachConfig("softmaxCrossEntropy leaves no tensors behind, forward and backward", () => {
  const x = tf.randomNormal([5, 9]) as tf.Tensor2D, t = tf.tensor1d([1, 2, 3, 4, 8], "int32");
  assertNoLeak(() => softmaxCrossEntropy(x, t).dispose());
  assertNoLeak(() =>
    tf.tidy(() => void tf.grad((a: tf.Tensor) => softmaxCrossEntropy(a as tf.Tensor2D, t))(x))
  );
  tf.dispose([x, t]);
}, ["cpu", "wasm"]);
