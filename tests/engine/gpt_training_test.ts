/**
 * A small GPT (every fused op: layer norm, attention, GELU, cross-entropy,
 * clipping, AdamW) trained 20 steps on each engine configuration: the same
 * losses everywhere (the acceleration changes speed, not maths), and no
 * tensor left behind per step.
 */
import assert from "node:assert/strict";
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { useSimdLoops } from "../../lib/engine/loops.ts";
import { simdLoops } from "../../lib/engine/loops_simd.ts";
import { Gpt } from "../../lib/models/gpt.ts";
import { sampleWindows } from "../../lib/data/batching.ts";
import { AdamW } from "../../lib/train/adamw.ts";
import { clipByGlobalNorm } from "../../lib/train/clip.ts";
import { Rng } from "../../lib/rng.ts";
import { runnableConfigs } from "./_reference.ts";

const STEPS = 20;

function trainGpt(): { losses: number[]; tensors: number[] } {
  const model = new Gpt({
    vocabSize: 23,
    blockSize: 16,
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    dropout: 0,
    bias: true,
    tieWeights: true,
  }, 5);
  const params = model.params().list();
  const opt = new AdamW(params, { lr: 3e-3, beta2: 0.99, weightDecay: 0.1 });
  const rng = new Rng(3);
  const ids = Int32Array.from({ length: 2000 }, (_, i) => (i * 7 + (i >> 3)) % 23);
  const losses: number[] = [], tensors: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const { x, y } = sampleWindows(ids, { batchSize: 4, blockSize: 16 }, rng);
    const { value, grads } = tf.variableGrads(
      () => model.loss(x, y, { training: true }).loss,
      params.map((p) => p.variable),
    );
    const named = new Map(params.map((p) => [p.name, grads[p.variable.name]]));
    const { clipped, norm } = clipByGlobalNorm(named, 1);
    opt.step(clipped);
    losses.push(value.dataSync()[0]);
    tf.dispose([x, y, value, norm, ...Object.values(grads), ...clipped.values()]);
    tensors.push(tf.memory().numTensors);
  }
  opt.dispose();
  model.dispose();
  return { losses, tensors };
}

Deno.test("a GPT trains to the same losses on every engine configuration, without leaks", async () => {
  const runs: Record<string, number[]> = {};
  const configs = [
    ...runnableConfigs(),
    { name: "wasm, TypeScript loops", options: { backend: "wasm" as const, blas: "off" } },
  ];
  for (const c of configs) {
    await initEngine(c.options);
    if (c.name.includes("TypeScript")) useSimdLoops(null);
    const before = tf.memory().numTensors;
    const { losses, tensors } = trainGpt();
    assert.equal(tf.memory().numTensors, before, `${c.name}: tensors leaked`);
    assert.ok(tensors.every((n) => n === tensors[0]), `${c.name}: tensors grew per step`);
    assert.ok(losses[STEPS - 1] < losses[0] - 0.2, `${c.name}: loss did not go down: ${losses}`);
    runs[c.name] = losses;
  }
  await initEngine({ backend: "wasm" }); // the SIMD loops again
  const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } })
    .wasm.asm.memory;
  useSimdLoops(simdLoops(memory));
  for (const [name, losses] of Object.entries(runs)) {
    losses.forEach((l, i) => {
      const ref = runs.cpu[i];
      assert.ok(Math.abs(l - ref) <= 1e-3 * Math.abs(ref), `${name} step ${i}: ${l} vs cpu ${ref}`);
    });
  }
});
