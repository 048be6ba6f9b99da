import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { AdamW } from "../../lib/train/adamw.ts";
import { clipByGlobalNorm } from "../../lib/train/clip.ts";
import { learningRate } from "../../lib/train/schedule.ts";
import { Rng } from "../../lib/rng.ts";

interface Fixture {
  betas: [number, number];
  eps: number;
  weight_decay: number;
  max_norm: number;
  init: { w: number[]; b: number[] };
  steps: {
    lr: number;
    norm: number;
    grads: { w: number[]; b: number[] };
    w: number[];
    b: number[];
  }[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/adamw_torch.json", import.meta.url)),
);

function assertClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("AdamW + global-norm clipping match torch.optim.AdamW to 1e-6 over 5 steps", () => {
  const before = tf.memory().numTensors;
  const store = new ParamStore(new Rng(0));
  store.add("w", [3, 4], { kind: "zeros" }); // rank 2: decayed
  store.add("b", [4], { kind: "zeros" }); // rank 1: not decayed
  store.load({
    w: { dtype: "float32", shape: [3, 4], data: Float32Array.from(fixture.init.w) },
    b: { dtype: "float32", shape: [4], data: Float32Array.from(fixture.init.b) },
  });
  const opt = new AdamW(store.list(), {
    lr: 0,
    beta1: fixture.betas[0],
    beta2: fixture.betas[1],
    eps: fixture.eps,
    weightDecay: fixture.weight_decay,
  });
  for (const [i, step] of fixture.steps.entries()) {
    const grads = new Map([
      ["w", tf.tensor(step.grads.w, [3, 4])],
      ["b", tf.tensor(step.grads.b, [4])],
    ]);
    const { clipped, norm } = clipByGlobalNorm(grads, fixture.max_norm);
    assert.ok(Math.abs(norm.dataSync()[0] - step.norm) < 1e-5 * step.norm, `norm at step ${i}`);
    opt.step(clipped, step.lr);
    tf.dispose([...grads.values(), ...clipped.values(), norm]);
    assertClose(store.get("w").dataSync(), step.w, 1e-6, `w after step ${i + 1}`);
    assertClose(store.get("b").dataSync(), step.b, 1e-6, `b after step ${i + 1}`);
  }
  assert.equal(opt.steps, 5);
  opt.dispose();
  store.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("AdamW state round-trips: a restored optimizer continues identically", () => {
  const make = () => {
    const store = new ParamStore(new Rng(1));
    store.add("w", [2, 2], { kind: "normal", std: 1 });
    return { store, opt: new AdamW(store.list(), { lr: 0.01, weightDecay: 0.1 }) };
  };
  const grad = () => new Map([["w", tf.tensor([0.5, -1, 2, 0.1], [2, 2])]]);
  const a = make();
  for (let i = 0; i < 3; i++) {
    const g = grad();
    a.opt.step(g);
    tf.dispose([...g.values()]);
  }
  const b = make();
  b.store.load(a.store.toStored());
  b.opt.loadState(a.opt.state());
  for (const x of [a, b]) {
    const g = grad();
    x.opt.step(g);
    tf.dispose([...g.values()]);
  }
  assert.deepEqual([...a.store.get("w").dataSync()], [...b.store.get("w").dataSync()]);
  assert.equal(b.opt.steps, 4);
  for (const x of [a, b]) {
    x.opt.dispose();
    x.store.dispose();
  }
});

Deno.test("learningRate warms up linearly, decays by cosine and stays at the floor", () => {
  const s = { lr: 1e-3, minLr: 1e-4, warmupIters: 100, decayIters: 2000 };
  assert.equal(learningRate(s, 0), 1e-3 / 101);
  const mid = learningRate(s, 1050); // halfway through the cosine
  assert.ok(Math.abs(mid - 5.5e-4) < 1e-12);
  for (let it = 100; it < 2000; it += 37) assert.ok(learningRate(s, it) >= learningRate(s, it + 1));
  assert.equal(learningRate(s, 5000), 1e-4);
});

Deno.test("clipByGlobalNorm leaves small gradients unchanged", () => {
  const grads = new Map([["a", tf.tensor1d([0.1, 0.2])]]);
  const { clipped, norm } = clipByGlobalNorm(grads, 1);
  assert.deepEqual([...clipped.get("a")!.dataSync()], [...grads.get("a")!.dataSync()]);
  tf.dispose([...grads.values(), ...clipped.values(), norm]);
});
