import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { getModelSpec, modelNames } from "../../lib/presets/registry.ts";
import type { BaseConfig } from "../../lib/models/types.ts";
import { expectedShapes } from "../../lib/presets/weights_check.ts";
import { checkConfigLimits } from "../../lib/models/limits.ts";

const VARIANTS: Record<string, Record<string, unknown>[]> = {
  "char-rnn": [{}, { inputMode: "onehot" }, { nLayer: 3 }],
  "word-rnn": [{}, { cell: "rnn" }, { tieWeights: false, embedDim: 24 }],
  "lstm-attention": [{}, { attention: "dot" }, { attention: "none" }],
  transformer: [
    {},
    { positional: "learned" },
    { positional: "none", norm: "pre" },
    { layerNorm: false, residual: false, tieWeights: false },
  ],
  gpt: [{}, { bias: true }, { tieWeights: false, nLayer: 3 }],
};

for (const name of modelNames()) {
  Deno.test(`expectedShapes(${name}) equals the shapes of the model it would build, for every variant`, () => {
    const spec = getModelSpec(name);
    for (const variant of VARIANTS[name]) {
      const config = { ...spec.presets.tiny.model, vocabSize: 37, ...variant } as BaseConfig;
      spec.validate(config);
      const model = spec.create(config, 0);
      const real = new Map(model.params().list().map((p) => [p.name, p.variable.shape]));
      model.dispose();
      assert.deepEqual(expectedShapes(spec, config), real, JSON.stringify(variant));
    }
  });
}

Deno.test("expectedShapes() of every preset allocates nothing, and every preset is within the limits", () => {
  const before = tf.memory().numTensors;
  for (const name of modelNames()) {
    const spec = getModelSpec(name);
    for (const [preset, p] of Object.entries(spec.presets)) {
      const config = { ...p.model, vocabSize: p.tokenizer.vocabSize ?? 65 } as BaseConfig;
      checkConfigLimits(config as unknown as Record<string, unknown>, `${name} ${preset}`);
      assert.ok(expectedShapes(spec, config).size > 0);
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("expectedShapes() of a 10,000-layer config records shapes without allocating", () => {
  const spec = getModelSpec("gpt");
  const before = tf.memory().numBytes;
  const shapes = expectedShapes(spec, {
    ...spec.presets.tiny.model,
    nLayer: 10_000,
    nEmbd: 4096,
    vocabSize: 65,
  } as BaseConfig);
  assert.equal(shapes.get("h.9999.mlp.c_fc.weight")?.join(), "4096,16384");
  assert.equal(tf.memory().numBytes, before);
});
