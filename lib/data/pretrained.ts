/**
 * Pretrained models fetched like datasets: `deno task data gpt2` downloads
 * `openai-community/gpt2` from the Hugging Face hub (`HF_ENDPOINT`, default
 * `https://huggingface.co`) into `data/models/gpt2/`, or copies it from the
 * mirror, laid out like `data/`: `<mirror>/models/gpt2/<file>`. Each file
 * streams into a temporary file, is checked (length as announced, then its
 * contents: GPT-2's `config.json`, a complete `model.safetensors`, a JSON
 * `tokenizer.json`) and only then renamed into place, so an interrupted
 * download can simply be run again.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { DataUnavailableError, ensureDatasetFile, type FetchOptions } from "./download.ts";
import { defaultDataDir, MIRROR_ENV } from "./paths.ts";
import type { DatasetFile, DatasetInfo } from "./registry.ts";

/** The environment variable naming the Hugging Face hub's address (as `huggingface_hub` reads it). */
export const HF_ENDPOINT_ENV = "HF_ENDPOINT";

/** A model file; optional files (`generation_config.json`) are skipped when the source lacks them. */
export interface PretrainedFile extends DatasetFile {
  /** Absent on some repositories; skipped quietly when missing. */
  readonly optional?: boolean;
}

/** A pretrained model known by name. */
export interface PretrainedInfo extends Omit<DatasetInfo, "files"> {
  /** The hub repository, e.g. `openai-community/gpt2`. */
  readonly repo: string;
  /** Its files, smallest first (so an unreachable hub fails before the large one). */
  readonly files: readonly PretrainedFile[];
}

function hubFiles(repo: string, endpoint: string): PretrainedFile[] {
  const url = (file: string) => `${endpoint}/${repo}/resolve/main/${file}`;
  return [
    { file: "config.json", url: url("config.json") },
    { file: "generation_config.json", url: url("generation_config.json"), optional: true },
    { file: "tokenizer.json", url: url("tokenizer.json") },
    { file: "model.safetensors", url: url("model.safetensors") },
  ];
}

function hubEndpoint(): string {
  let value: string | undefined;
  try {
    value = Deno.env.get(HF_ENDPOINT_ENV);
  } catch {
    value = undefined;
  }
  return (value?.trim() || "https://huggingface.co").replace(/\/+$/, "");
}

const MODELS = [
  {
    name: "gpt2",
    aliases: ["openai-community/gpt2", "gpt2-124m"],
    repo: "openai-community/gpt2",
    title: "GPT-2 124M (OpenAI)",
    licence: "MIT (OpenAI, 2019)",
    description: "GPT-2's smallest model: 12 layers, 768 dims, 1,024 context, 50,257 BPE tokens",
  },
  {
    name: "gpt2-medium",
    aliases: ["openai-community/gpt2-medium", "gpt2-355m"],
    repo: "openai-community/gpt2-medium",
    title: "GPT-2 355M (OpenAI)",
    licence: "MIT (OpenAI, 2019)",
    description: "24 layers, 1,024 dims (1.4 GB): fine-tuning it does not fit the wasm heap",
  },
] as const;

/** Names of the pretrained models, in registry order. */
export function pretrainedNames(): string[] {
  return MODELS.map((m) => m.name);
}

/**
 * Finds a pretrained model by name or alias (case-insensitive), or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findPretrained } from "./pretrained.ts";
 * assert.equal(findPretrained("GPT2")?.dir, "models/gpt2");
 * assert.equal(findPretrained("llama"), undefined);
 * ```
 */
export function findPretrained(name: string): PretrainedInfo | undefined {
  const key = name.trim().toLowerCase();
  const m = MODELS.find((m) => m.name === key || (m.aliases as readonly string[]).includes(key));
  if (!m) return undefined;
  return { ...m, dir: `models/${m.name}`, files: hubFiles(m.repo, hubEndpoint()) };
}

/**
 * Checks a downloaded model file's contents: `config.json` must be GPT-2's,
 * `model.safetensors` complete (its header's tensors fill the file exactly),
 * `tokenizer.json` JSON. Reads only the header of the weights.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyModelFile } from "./pretrained.ts";
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, JSON.stringify({ model_type: "llama" }));
 * await assert.rejects(verifyModelFile(path, "config.json"), /model_type "llama", not gpt2/);
 * await Deno.remove(path);
 * ```
 */
export async function verifyModelFile(path: string, file: string): Promise<void> {
  if (file.endsWith(".json")) {
    let json: unknown;
    try {
      json = JSON.parse(await Deno.readTextFile(path));
    } catch {
      throw new InputError(`${file} is not valid JSON (truncated?)`);
    }
    const type = (json as { model_type?: unknown })?.model_type;
    if (file === "config.json" && type !== "gpt2") {
      throw new InputError(
        `${file} describes model_type ${JSON.stringify(type)}, not gpt2: only GPT-2 loads here`,
      );
    }
    return;
  }
  if (file.endsWith(".safetensors")) await verifySafetensorsLength(path, file);
}

async function verifySafetensorsLength(path: string, file: string): Promise<void> {
  const f = await Deno.open(path, { read: true });
  try {
    const size = (await f.stat()).size;
    const bad = (why: string) =>
      new InputError(`${file} is not a complete safetensors file: ${why}`);
    const head = new Uint8Array(8);
    if (size < 8 || (await f.read(head)) !== 8) throw bad(`only ${size} bytes`);
    const n = Number(new DataView(head.buffer).getBigUint64(0, true));
    if (n > size - 8 || n > 100_000_000) throw bad(`header of ${n} bytes in ${size} bytes`);
    const bytes = new Uint8Array(n);
    for (let at = 0; at < n;) {
      const got = await f.read(bytes.subarray(at));
      if (got === null) throw bad("header cut short");
      at += got;
    }
    let end = 0;
    try {
      for (const [name, e] of Object.entries(JSON.parse(new TextDecoder().decode(bytes)))) {
        if (name !== "__metadata__") {
          end = Math.max(end, (e as { data_offsets: number[] }).data_offsets[1]);
        }
      }
    } catch {
      throw bad("its header is not valid JSON");
    }
    if (8 + n + end !== size) {
      throw bad(`its tensors need ${8 + n + end} bytes, the file has ${size} (truncated?)`);
    }
  } finally {
    f.close();
  }
}

/**
 * Fetches a pretrained model's files into `data/models/<name>/` (or
 * `dataDir`) and returns their paths by file name. When neither the hub nor a
 * mirror can be reached, the {@link InputError} says how to download the
 * files by hand and where to put them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchPretrained } from "./pretrained.ts";
 * await assert.rejects(fetchPretrained("llama-7b"), /unknown pretrained model "llama-7b"/);
 * ```
 */
export async function fetchPretrained(
  name: string,
  options: FetchOptions = {},
): Promise<Record<string, string>> {
  const info = findPretrained(name);
  if (!info) {
    throw new InputError(
      `unknown pretrained model "${name}": choose one of ${pretrainedNames().join(", ")}`,
    );
  }
  const paths: Record<string, string> = {};
  const verify = (path: string, f: DatasetFile) => verifyModelFile(path, f.file);
  for (const file of info.files) {
    try {
      paths[file.file] = await ensureDatasetFile(info as unknown as DatasetInfo, file, {
        ...options,
        verify,
      });
    } catch (err) {
      if (!(err instanceof DataUnavailableError)) throw err;
      if (file.optional && / answered 404 |mirror has no /.test(err.message)) continue;
      const dest = join(options.dataDir ?? defaultDataDir(), info.dir);
      const reason = err.message.split(";")[0];
      throw new DataUnavailableError(
        `${reason}; download ${
          info.files.filter((f) => !f.optional).map((f) => f.file).join(", ")
        } ` +
          `by hand from https://huggingface.co/${info.repo}/tree/main into ${dest}/, ` +
          `or set ${MIRROR_ENV} to a directory or URL holding ${info.dir}/<file>`,
        { cause: err },
      );
    }
  }
  return paths;
}
