/**
 * `deno task export --checkpoint PATH --out DIR`: writes a GPT checkpoint of
 * this project as a Hugging Face GPT-2 directory (GPT-2's `config.json` keys,
 * `transformer.*` weight names, zero biases for bias-free models, the
 * tokenizer), which `GPT2LMHeadModel.from_pretrained(DIR)` opens, and which
 * `generate`, `chat`, `eval` and `train:gpt --init` read back here.
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { join, resolve } from "node:path";
import { emitJson, info, printHelp, runMain } from "../lib/cli/mod.ts";
import { InputError } from "../lib/errors.ts";
import { callerPath } from "../lib/cli/run_dir.ts";
import { readCheckpoint } from "../lib/io/checkpoint.ts";
import { encodeSafetensors } from "../lib/io/safetensors.ts";
import { writeDirAtomic } from "../lib/io/atomic.ts";
import { type GptConfig, validateGptConfig } from "../lib/models/gpt.ts";
import { hfConfigFromGpt, weightsToHf } from "../lib/io/hf_gpt2_export.ts";
import { loadTokenizer } from "../lib/tokenizers/load.ts";

const HELP = `Usage: deno task export --checkpoint PATH --out DIR [--json]

Writes a GPT checkpoint (a run directory: best/, else last/; or a checkpoint
directory) as a Hugging Face GPT-2 directory: config.json with GPT-2's keys,
model.safetensors with transformers' names (zero biases for bias-free models),
tokenizer.json and generation_config.json. In Python:
  GPT2LMHeadModel.from_pretrained(DIR)
(transformers can use tokenizer.json only for BPE tokenizers.)

Options:
  --checkpoint PATH  run or checkpoint directory (required)
  --out DIR          new directory to write (an earlier export there is replaced)
  --json             print one JSON object on stdout
  -h, --help         this help`;

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: {
      checkpoint: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  if (!values.checkpoint) throw new InputError("--checkpoint PATH is required (see --help)");
  if (!values.out) throw new InputError("--out DIR is required (see --help)");
  const out = callerPath(values.out);
  await checkOut(out);
  const ckpt = await readCheckpoint(callerPath(values.checkpoint));
  if (resolve(ckpt.dir) === resolve(out)) {
    throw new InputError(`--out ${out} is the checkpoint itself: choose a new directory`);
  }
  if (ckpt.model !== "gpt") {
    throw new InputError(
      `${ckpt.dir} holds a ${ckpt.model} model; only gpt checkpoints have GPT-2's layout to export`,
    );
  }
  const config = ckpt.config as unknown as GptConfig;
  validateGptConfig(config);
  const tokenizer = loadTokenizer(ckpt.tokenizer);
  const eos = tokenizer.kind === "bpe" ? tokenizer.encode("<|endoftext|>") : [];
  const eosTokenId = eos.length === 1 ? eos[0] : undefined;
  const weights = weightsToHf(config, ckpt.weights);
  const hf = hfConfigFromGpt(config, { eosTokenId });
  await writeDirAtomic(out, {
    "config.json": JSON.stringify(hf, null, 2) + "\n",
    "generation_config.json": JSON.stringify(
      eosTokenId === undefined ? {} : { bos_token_id: eosTokenId, eos_token_id: eosTokenId },
      null,
      2,
    ) + "\n",
    "model.safetensors": encodeSafetensors(weights, { format: "pt" }),
    "tokenizer.json": JSON.stringify(ckpt.tokenizer) + "\n",
  });
  if (values.json) {
    emitJson({ event: "export", checkpoint: ckpt.dir, out, tensors: Object.keys(weights).length });
  } else {
    info(`exported ${ckpt.dir} to ${out} (Hugging Face GPT-2 layout, ${tokenizer.kind} tokenizer)`);
    info(`in Python: GPT2LMHeadModel.from_pretrained(${JSON.stringify(out)})`);
  }
  return 0;
}

/** An existing --out must be empty or an earlier GPT-2 export, never someone's other files. */
async function checkOut(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(out)].map((e) => e.name);
  } catch {
    return; // does not exist yet
  }
  if (entries.length === 0) return;
  let type: unknown;
  try {
    type = JSON.parse(await Deno.readTextFile(join(out, "config.json"))).model_type;
  } catch {
    type = undefined;
  }
  if (type !== "gpt2" || entries.some((e) => e === "trainer_state.json")) {
    throw new InputError(
      `--out ${out} exists and is not an earlier GPT-2 export: choose a new directory`,
    );
  }
}

if (import.meta.main) await runMain("export", main);
