import assert from "node:assert/strict";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { CharTokenizer } from "../../lib/tokenizers/mod.ts";
import { writeCheckpoint } from "../../lib/io/checkpoint.ts";
import { encodeSafetensors, type StoredTensor } from "../../lib/io/safetensors.ts";
import { runScriptMeasured } from "../_helpers/peak_rss.ts";

const root = await Deno.makeTempDir({ prefix: "lmfs_cfgw_" });
const tokenizer = CharTokenizer.train("abcdefghij klmnopqrstuvwxyz\n.,!?");
const config: GptConfig = {
  vocabSize: tokenizer.vocabSize,
  blockSize: 16,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
  tieWeights: true,
};
const model = new Gpt(config, 3);
const weights = model.params().toStored();
await writeCheckpoint(`${root}/good`, {
  model: "gpt",
  config: config as unknown as Record<string, unknown>,
  weights,
  tokenizer: tokenizer.toJSON(),
});
model.dispose();

/** A copy of the good checkpoint whose config.json is overridden by `patch`. */
async function withConfig(name: string, patch: Record<string, unknown>): Promise<string> {
  const dir = `${root}/${name}`;
  await Deno.mkdir(dir);
  for (const f of ["model.safetensors", "tokenizer.json"]) {
    await Deno.copyFile(`${root}/good/${f}`, `${dir}/${f}`);
  }
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({ model: "gpt", ...config, ...patch }),
  );
  return dir;
}

/** The same weights in Hugging Face GPT-2's layout, with `patch` over its config.json. */
async function hfDir(name: string, patch: Record<string, unknown>): Promise<string> {
  const dir = `${root}/${name}`;
  await Deno.mkdir(dir);
  const hf: Record<string, StoredTensor> = {};
  for (const [n, t] of Object.entries(weights)) hf[`transformer.${n}`] = t;
  await Deno.writeFile(`${dir}/model.safetensors`, encodeSafetensors(hf, { format: "pt" }));
  await Deno.writeTextFile(
    `${dir}/config.json`,
    JSON.stringify({
      model_type: "gpt2",
      vocab_size: config.vocabSize,
      n_positions: 16,
      n_embd: 16,
      n_layer: 2,
      n_head: 2,
      ...patch,
    }),
  );
  await Deno.copyFile(`${root}/good/tokenizer.json`, `${dir}/tokenizer.json`);
  return dir;
}

const MAX_RSS = 1.5e9; // a refusal must not allocate the model (the issue saw up to 4.9 GB)

async function refused(dir: string, message: RegExp): Promise<void> {
  const r = await runScriptMeasured("generate", ["--checkpoint", dir, "--length", "2"]);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("engine:"));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], message);
  if (r.peakRss !== undefined) assert.ok(r.peakRss < MAX_RSS, `peak RSS ${r.peakRss} bytes`);
}

Deno.test("generate: config.json with nLayer 100000 beside small weights exits 2 in one line (depth limit)", async () => {
  await refused(
    await withConfig("deep", { nLayer: 100000 }),
    /nLayer 100000 is above the depth limit of 1,024/,
  );
});

Deno.test("generate: config.json with nEmbd 4000000 beside small weights exits 2 in one line (width limit)", async () => {
  await refused(
    await withConfig("wide", { nEmbd: 4000000 }),
    /nEmbd 4000000 is above the width limit of 65,536/,
  );
});

Deno.test("generate: config.json with blockSize 2^40 beside small weights exits 2 in one line (context limit)", async () => {
  await refused(
    await withConfig("long", { blockSize: 2 ** 40 }),
    /blockSize 1099511627776 is above the context limit/,
  );
});

Deno.test("generate: a config within the limits that disagrees with the weights names the first mismatch", async () => {
  await refused(
    await withConfig("three", { nLayer: 3 }),
    /config\.json implies h\.2\.ln_1\.weight \[16\], which .*model\.safetensors does not hold/,
  );
  await refused(
    await withConfig("wider", { nEmbd: 64, nHead: 2 }),
    /config\.json implies wte\.weight \[\d+, 64\], .*model\.safetensors holds \[\d+, 16\]/,
  );
  await refused(
    await withConfig("shallow", { nLayer: 1 }),
    /model\.safetensors holds h\.1\.\S+ \[.*\], which .*config\.json does not imply/,
  );
});

Deno.test("generate: a Hugging Face GPT-2 config.json that disagrees with its weights is refused the same way", async () => {
  await refused(
    await hfDir("hf_deep", { n_layer: 100000 }),
    /nLayer 100000 is above the depth limit/,
  );
  await refused(
    await hfDir("hf_three", { n_layer: 3 }),
    /implies h\.2\.ln_1\.weight \[16\], which/,
  );
  const ok = await runScriptMeasured("generate", [
    "--checkpoint",
    await hfDir("hf_ok", {}),
    "--length",
    "2",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("generate: the good checkpoint still loads", async () => {
  const r = await runScriptMeasured("generate", ["--checkpoint", `${root}/good`, "--length", "2"]);
  assert.equal(r.code, 0, r.stderr);
});

globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
