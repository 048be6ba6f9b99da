/**
 * Back to PyTorch: `deno task export` writes a GPT checkpoint in Hugging Face
 * GPT-2's layout, and an independent PyTorch GPT-2 that loads it the way
 * `transformers`' `GPT2LMHeadModel.from_pretrained` does
 * (scripts/fixtures/hf_gpt2_torch.py) gives the same logits to 1e-4. Runs
 * where Debian's `/usr/bin/python3` (or `LMFS_TORCH_PYTHON`) imports torch;
 * skipped with a loud line otherwise.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tf } from "../../lib/engine/mod.ts";
import type { GptConfig } from "../../lib/models/gpt.ts";
import { loadModel } from "../../lib/cli/load_model.ts";
import { writeCheckpoint } from "../../lib/io/checkpoint.ts";
import type { StoredTensor } from "../../lib/io/safetensors.ts";
import { decodeSafetensors } from "../../lib/io/safetensors.ts";
import { BpeTokenizer } from "../../lib/tokenizers/mod.ts";
import { CharTokenizer } from "../../lib/tokenizers/char.ts";
import { Gpt } from "../../lib/models/gpt.ts";
import { initValues } from "../../lib/nn/init.ts";
import { Rng } from "../../lib/rng.ts";
import { runScript } from "../_helpers/run_script.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";
import { ROOT } from "../_helpers/paths.ts";

const PYTHON = Deno.env.get("LMFS_TORCH_PYTHON") ?? "/usr/bin/python3";

async function hasTorch(): Promise<boolean> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import torch"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}
const TORCH = await hasTorch();

/** A GPT checkpoint with large random weights (so a wrong layout shows in the logits). */
async function writeGptCheckpoint(dir: string, config: GptConfig): Promise<void> {
  const tokenizer = BpeTokenizer.train("To be, or not to be: that is the question.\n".repeat(10), {
    vocabSize: config.vocabSize,
  });
  const model = new Gpt(config, 5);
  const rng = new Rng(9);
  const weights: Record<string, StoredTensor> = {};
  for (const [name, t] of Object.entries(model.params().toStored())) {
    const isNorm = /ln_\d|ln_f/.test(name) && name.endsWith(".weight");
    const data = initValues(t.data.length, { kind: "normal", std: isNorm ? 0.1 : 0.3 }, rng);
    if (isNorm) data.forEach((v, i) => data[i] = 1 + v);
    weights[name] = { dtype: "float32", shape: t.shape, data };
  }
  model.dispose();
  await writeCheckpoint(dir, {
    model: "gpt",
    config: config as unknown as Record<string, unknown>,
    weights,
    tokenizer: tokenizer.toJSON(),
  });
}

const CONFIGS: [string, GptConfig][] = [
  ["bias-free, tied head (the presets' layout)", {
    vocabSize: 270,
    blockSize: 16,
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    dropout: 0,
    bias: false,
    tieWeights: true,
  }],
  ["with biases, untied head", {
    vocabSize: 280,
    blockSize: 12,
    nLayer: 1,
    nHead: 4,
    nEmbd: 16,
    dropout: 0.1,
    bias: true,
    tieWeights: false,
  }],
];

if (!TORCH) {
  const line = `skipped: PyTorch round trip (${PYTHON} cannot import torch; set LMFS_TORCH_PYTHON)`;
  Deno.test(line, () => {
    Deno.stderr.writeSync(new TextEncoder().encode(line + "\n"));
  });
}

for (const [what, config] of CONFIGS) {
  Deno.test({
    name: `an exported GPT (${what}) gives the same logits in a transformers-style PyTorch GPT-2`,
    ignore: !TORCH,
    fn: async () => {
      const root = await Deno.makeTempDir({ prefix: "lmfs_export_" });
      try {
        const ckpt = join(root, "run", "best");
        await writeGptCheckpoint(ckpt, config);
        const out = join(root, "hf");
        const r = await runScript("export", ["--checkpoint", join(root, "run"), "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        const hf = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
        for (
          const key of [
            "model_type",
            "n_embd",
            "n_layer",
            "n_head",
            "n_positions",
            "vocab_size",
            "activation_function",
            "layer_norm_epsilon",
            "tie_word_embeddings",
            "architectures",
          ]
        ) assert.ok(key in hf, `config.json has ${key}`);
        const names = Object.keys(
          decodeSafetensors(await Deno.readFile(join(out, "model.safetensors"))).tensors,
        );
        assert.ok(names.includes("transformer.h.0.attn.c_attn.bias"));
        assert.equal(names.includes("lm_head.weight"), !config.tieWeights);

        const ids = [[1, 5, 9, 40, 3, 7, 2, 11], [0, 250, 17, 17, 4, 99, 6, 8]];
        await Deno.writeTextFile(join(root, "ids.json"), JSON.stringify(ids));
        const py = await new Deno.Command(PYTHON, {
          args: ["scripts/fixtures/hf_gpt2_torch.py", out, join(root, "ids.json")],
          cwd: ROOT,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.ok(py.success, new TextDecoder().decode(py.stderr));
        const theirs = JSON.parse(new TextDecoder().decode(py.stdout));
        assert.deepEqual(theirs.shape, [2, 8, config.vocabSize]);

        for (const dir of [ckpt, out]) { // ours, and the export read back here
          const { model } = await loadModel(dir);
          const x = tf.tensor2d(ids, undefined, "int32");
          const logits = model.forward(x).logits;
          const diff = maxAbsDiff(logits.dataSync(), theirs.logits);
          tf.dispose([x, logits]);
          model.dispose();
          assert.ok(diff < 1e-4, `${dir}: max |Δ logits| ${diff}`);
        }
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

Deno.test("deno task export refuses what it cannot export with one line, writing nothing", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_export_" });
  try {
    const char = join(root, "char");
    await writeCheckpoint(char, {
      model: "char-rnn",
      config: { vocabSize: 3 },
      weights: {},
      tokenizer: CharTokenizer.train("abc").toJSON(),
    });
    const r = await runScript("export", ["--checkpoint", char, "--out", join(root, "x")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr.trim(), /^export: .* holds a char-rnn model; only gpt checkpoints/);
    assert.equal(r.stderr.trim().split("\n").length, 1);

    const help = await runScript("export", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /GPT2LMHeadModel\.from_pretrained\(DIR\)/);

    const taken = join(root, "taken");
    await Deno.mkdir(taken);
    await Deno.writeTextFile(join(taken, "notes.txt"), "mine");
    const busy = await runScript("export", ["--checkpoint", char, "--out", taken]);
    assert.equal(busy.code, 2);
    assert.match(busy.stderr.trim(), /^export: --out .* exists and is not an earlier GPT-2 export/);
    assert.deepEqual([...Deno.readDirSync(taken)].map((e) => e.name), ["notes.txt"]);
    assert.ok(!(await Deno.stat(join(root, "x")).then(() => true, () => false)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
