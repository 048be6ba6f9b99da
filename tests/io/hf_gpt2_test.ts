import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { loadModel } from "../../lib/cli/load_model.ts";
import { BpeTokenizer } from "../../lib/tokenizers/mod.ts";
import { encodeSafetensors, type StoredTensor } from "../../lib/io/safetensors.ts";
import { runScript } from "../_helpers/run_script.ts";
import { InputError } from "../../lib/errors.ts";

/** Writes a small, randomly initialised model in Hugging Face GPT-2's exact file layout. */
async function writeHfGpt2Dir(dir: string, hfConfig: Record<string, unknown> = {}): Promise<Gpt> {
  const tokenizer = BpeTokenizer.train("To be, or not to be: that is the question.\n".repeat(20), {
    vocabSize: 280,
  });
  const config: GptConfig = {
    vocabSize: 280,
    blockSize: 32,
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    dropout: 0,
    bias: true,
    tieWeights: true,
  };
  const model = new Gpt(config, 11);
  const weights: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(model.params().toStored())) {
    weights[`transformer.${name}`] = t;
  }
  const mask = new Float32Array(32 * 32).map((_, i) => (i % 32 <= Math.floor(i / 32) ? 1 : 0));
  for (let i = 0; i < 2; i++) {
    weights[`transformer.h.${i}.attn.bias`] = {
      dtype: "float32",
      shape: [1, 1, 32, 32],
      data: mask,
    };
  }
  weights["lm_head.weight"] = weights["transformer.wte.weight"];
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(`${dir}/model.safetensors`, encodeSafetensors(weights, { format: "pt" }));
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      activation_function: "gelu_new",
      architectures: ["GPT2LMHeadModel"],
      layer_norm_epsilon: 1e-5,
      model_type: "gpt2",
      n_ctx: 32,
      n_embd: 16,
      n_head: 2,
      n_layer: 2,
      n_positions: 32,
      vocab_size: 280,
      ...hfConfig,
    }),
  );
  await Deno.writeTextFile(`${dir}/tokenizer.json`, JSON.stringify(tokenizer.toJSON()));
  return model;
}

Deno.test("a Hugging Face GPT-2 directory loads and gives the same logits as the model it came from", async () => {
  const dir = await Deno.makeTempDir();
  const original = await writeHfGpt2Dir(dir);
  const { model, tokenizer } = await loadModel(dir);
  const ids = tf.tensor2d([tokenizer.encode("To be, or not")], undefined, "int32");
  const a = original.forward(ids).logits.dataSync();
  const b = model.forward(ids).logits.dataSync();
  assert.deepEqual(b, a);
  original.dispose();
  model.dispose();
  ids.dispose();
  const r = await runScript("generate", [
    "--checkpoint",
    dir,
    "--prompt",
    "To be",
    "--length",
    "5",
    "--seed",
    "1",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).ids.length, 5);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("GPT-2 configs this model cannot run are refused with one line", async () => {
  const dir = await Deno.makeTempDir();
  (await writeHfGpt2Dir(dir, { activation_function: "relu" })).dispose();
  await assert.rejects(
    loadModel(dir),
    (e: Error) => e instanceof InputError && /activation_function "relu"/.test(e.message),
  );
  (await writeHfGpt2Dir(dir, { n_head: 3 })).dispose();
  await assert.rejects(loadModel(dir), /nEmbd \(16\) must be divisible by nHead \(3\)/);
  await Deno.remove(dir, { recursive: true });
});
