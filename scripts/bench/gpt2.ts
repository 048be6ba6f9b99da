/**
 * What GPT-2 124M costs on this machine: generation tokens/s with and without
 * the KV cache, fine-tuning seconds per step of 4 × 256 tokens (the finetune
 * preset's two micro-batches of 2 × 256) and the tokens/s that implies, and the peak resident memory of each (each phase
 * runs in a process of its own, `gpt2_worker.ts`).
 *
 * The model is `data/models/gpt2` when `deno task data gpt2` has fetched it,
 * else the random stand-in with GPT-2's exact shapes and vocabulary, written
 * once to `data/models/gpt2-standin/` (~550 MB, git-ignored). Speed and
 * memory do not depend on the weights' values.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultDataDir } from "../../lib/data/paths.ts";
import { GPT2_124M, GPT2_SMALL, writeGpt2StandIn } from "../fixtures/gpt2_standin.ts";

/** Options for {@link benchGpt2}. */
export interface Gpt2BenchOptions {
  /** A GPT-2 directory to measure (default: data/models/gpt2, else the stand-in). */
  readonly dir?: string;
  /** Measure the small stand-in (2 layers, 32 dims) in a temporary directory: for tests. */
  readonly small?: boolean;
  /** New tokens to generate (default 256). */
  readonly tokens?: number;
  /** Fine-tuning steps timed after the first (default 5). */
  readonly steps?: number;
  /** Fine-tuning micro-batch (default 2, the finetune preset's). */
  readonly batch?: number;
  /** Micro-batches per step (default 2: 4 × 256 tokens per step). */
  readonly accum?: number;
  /** Fine-tuning context (default 256, at most the model's). */
  readonly block?: number;
  /** Dataset to fine-tune on (default tinyshakespeare). */
  readonly data?: string;
  /** Progress lines. */
  readonly onInfo?: (line: string) => void;
}

/** One phase's figures, as the worker reports them. */
export type Gpt2BenchResult = Record<string, unknown> & { phase: string; peakRssBytes: number };

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function runWorker(args: (string | number)[]): Promise<Gpt2BenchResult> {
  const worker = fileURLToPath(new URL("./gpt2_worker.ts", import.meta.url));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", worker, ...args.map(String)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(`GPT-2 bench worker ${args[0]} failed (exit ${out.code}): ${err}`);
  }
  return JSON.parse(text.split("\n").at(-1)!);
}

/** Runs the generation and fine-tuning phases; returns their figures. */
export async function benchGpt2(options: Gpt2BenchOptions = {}): Promise<Gpt2BenchResult[]> {
  const say = options.onInfo ?? (() => {});
  let dir = options.dir;
  let temp: string | undefined;
  let shape = GPT2_124M;
  if (!dir && options.small) {
    temp = await Deno.makeTempDir({ prefix: "lmfs_gpt2_bench_" });
    dir = join(temp, "gpt2");
    shape = GPT2_SMALL;
    await writeGpt2StandIn(dir, { shape });
  }
  if (!dir) {
    const real = join(defaultDataDir(), "models", "gpt2");
    const standIn = join(defaultDataDir(), "models", "gpt2-standin");
    if (await exists(join(real, "model.safetensors"))) dir = real;
    else {
      dir = standIn;
      if (!(await exists(join(standIn, "model.safetensors")))) {
        say(`writing the GPT-2 124M stand-in (random weights, GPT-2's shapes) to ${standIn}`);
        await writeGpt2StandIn(standIn, { shape: GPT2_124M });
      }
    }
  }
  try {
    say(`model: ${dir}`);
    const config = JSON.parse(await Deno.readTextFile(join(dir, "config.json")));
    const block = Math.min(options.block ?? 256, config.n_positions ?? shape.nPositions);
    const tokens = Math.min(options.tokens ?? 256, (config.n_positions ?? shape.nPositions) - 2);
    const gen = await runWorker(["generate", dir, tokens]);
    const ft = await runWorker([
      "finetune",
      dir,
      options.batch ?? 2,
      options.accum ?? 2,
      block,
      options.steps ?? 5,
      options.data ?? "tinyshakespeare",
    ]);
    return [gen, ft];
  } finally {
    if (temp) await Deno.remove(temp, { recursive: true });
  }
}
