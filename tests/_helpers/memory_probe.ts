/**
 * Test helper process: trains a preset for two steps on random tokens on the
 * wasm backend and prints, as one JSON line, the memory estimate and the
 * measured peak: how far the wasm heap grew (it never shrinks, so its size at
 * the end is the high-water mark) and tfjs's own peak of live tensor bytes.
 * Usage: memory_probe.ts MODEL PRESET [BATCH]
 */
import { initEngine, tf } from "../../lib/engine/mod.ts";
import { getModelSpec, getPreset } from "../../lib/presets/registry.ts";
import { expectedShapes } from "../../lib/presets/weights_check.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { estimateMemory } from "../../lib/train/memory_estimate.ts";
import { train } from "../../lib/train/train.ts";
import type { BaseConfig } from "../../lib/models/types.ts";
import { Rng } from "../../lib/rng.ts";

const [name, presetName, batch] = Deno.args;
await initEngine({ backend: "wasm" });
const heap = () =>
  (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
const spec = getModelSpec(name);
const preset = getPreset(spec, presetName);
const config = { ...preset.model, vocabSize: preset.tokenizer.vocabSize ?? 65 } as BaseConfig;
const trainConfig: TrainConfig = {
  ...DEFAULT_TRAIN,
  ...preset.train,
  ...(batch ? { batchSize: Number(batch) } : {}),
  maxIters: 2,
  evalIters: 1,
  evalInterval: 1_000_000,
  timeBudget: 0,
  patience: 0,
};
const params = [...expectedShapes(spec, config).values()]
  .reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
const estimate = estimateMemory({
  model: spec.name,
  config,
  params,
  batchSize: trainConfig.batchSize * trainConfig.gradAccum,
  training: true,
});
const rng = new Rng(1);
const tokens = (n: number) => Int32Array.from({ length: n }, () => rng.int(config.vocabSize));
const need = trainConfig.batchSize * (config.blockSize + 1) * 4;
const data = { train: tokens(Math.max(need, 4096)), val: tokens(Math.max(need, 4096)) };
tf.tensor([1]).dispose();
const before = heap();
const model = spec.create(config, 0);
const profile = await tf.profile(async () => {
  await train(model, data, trainConfig);
  return [];
});
const after = heap();
model.dispose();
Deno.stdout.writeSync(new TextEncoder().encode(
  JSON.stringify({
    model: name,
    preset: presetName,
    batchSize: trainConfig.batchSize,
    estimate: estimate.bytes,
    parts: estimate,
    heapGrowth: after - before,
    heapBefore: before,
    peakTensorBytes: profile.peakBytes,
  }) + "\n",
));
