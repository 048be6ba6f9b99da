/**
 * `deno task bench [--json] [--only SECTIONS]`: speed figures, each measured
 * side by side with a reference in the same run, never in timed tests:
 *
 * - `tokenizers`: BPE training and encoding on Tiny Shakespeare, ours next to
 *   `@huggingface/tokenizers`;
 * - `matmul`: GFLOP/s of the GPT step's matrix products per backend;
 * - `gpt`: a GPT "baby" training step per backend, and PyTorch's in the same run;
 * - `rnn`: a char-RNN training step (2×256, batch 32, 100 steps), hand-written
 *   BPTT vs autodiff vs PyTorch's `nn.RNN`;
 * - `gru`: a word-RNN training step (GRU 1×256, tied embeddings, vocab 7,115,
 *   batch 32, 35 steps), hand-written BPTT vs autodiff vs PyTorch's `nn.GRU`;
 * - `lstm`: an LSTM language-model training step (2×256, batch 32, 100 steps),
 *   hand-written BPTT vs PyTorch's `nn.LSTM`, and the same with attention;
 * - `generate`: 256 new tokens with and without the KV cache;
 * - `quality` (only when asked for): a whole GPT `baby` run (or `--preset`),
 *   ours and PyTorch's with the same recipe: final val loss and seconds.
 *
 * `--models` instead trains every model on the same data for the same
 * wall-clock budget and writes the results table and comparison chart.
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { emitJson, info, printHelp, runMain } from "../lib/cli/mod.ts";
import { InputError } from "../lib/errors.ts";
import { engineInfo, formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
import { loadText } from "../lib/data/load_text.ts";
import { benchTokenizers } from "./bench/tokenizers.ts";
import { benchMatmul } from "./bench/engine.ts";
import { benchGptStep } from "./bench/gpt_step.ts";
import { benchGeneration } from "./bench/generation.ts";
import { benchRnnStep } from "./bench/rnn_step.ts";
import { benchLstmStep } from "./bench/lstm_step.ts";
import { benchWordRnnStep } from "./bench/word_rnn_step.ts";
import { benchModels } from "./bench/models_main.ts";
import { benchGptQuality } from "./bench/gpt_quality.ts";

const SECTIONS = [
  "tokenizers",
  "matmul",
  "gpt",
  "rnn",
  "gru",
  "lstm",
  "generate",
  "quality",
] as const;
/** Sections run when --only is not given (quality trains whole models: ask for it). */
const DEFAULT_SECTIONS = SECTIONS.filter((s) => s !== "quality");

const HELP = `Usage: deno task bench [--json] [--only ${SECTIONS.join(",")}] [--steps N]

Measures speed: tokenizers (ours vs @huggingface/tokenizers), matmul GFLOP/s per
backend, a GPT "baby" training step per backend, char-RNN, word-GRU and LSTM
training steps next to PyTorch (Debian's python3-torch, when installed), and generation with and
without the KV cache.
  --only LIST   comma-separated sections (default: all but quality)
  --steps N     GPT training steps to time on the fast configuration (default 30)
  --preset NAME with --only quality: the GPT preset to train (default baby; char level)
  --json        one JSON object per line on stdout

deno task bench --models [--only MODELS] [--budget SECONDS] [--data NAME|PATH]
              [--preset NAME] [--eval-seconds S] [--out DIR] [--write-readme]
Trains every model (its default preset, or NAME) on the same data (default tinyshakespeare)
for the same training time (default 300 s), evaluating every S seconds (default
budget/10), samples each, and writes results.md, results.json and the chart of
validation bits per character against seconds into DIR (default data/results);
--write-readme also puts the table into README.md and the chart into
notebooks/figures/.`;

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags({
    args,
    strict: true,
    options: {
      only: { type: "string" },
      steps: { type: "string" },
      models: { type: "boolean", default: false },
      budget: { type: "string" },
      data: { type: "string" },
      preset: { type: "string" },
      out: { type: "string" },
      "eval-seconds": { type: "string" },
      "write-readme": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    printHelp(HELP);
    return 0;
  }
  if (values.models) return await benchModels(values);
  for (const flag of ["budget", "data", "out", "eval-seconds", "write-readme"] as const) {
    if (values[flag]) throw new InputError(`--${flag} goes with --models`);
  }
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...DEFAULT_SECTIONS];
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new InputError(`--only: unknown section "${s}"; choose from ${SECTIONS.join(", ")}`);
    }
  }
  if (values.preset && !only.includes("quality")) {
    throw new InputError(`--preset goes with --only quality or --models`);
  }
  const steps = values.steps === undefined ? 30 : Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new InputError(`--steps must be a positive integer`);
  }
  const json = values.json;
  const show = (section: string, row: Record<string, unknown>, line: string) => {
    if (json) emitJson({ event: "bench", section, ...row });
    else info(line);
  };
  const engine = await initEngine({ backend: "auto" });
  if (json) emitJson({ event: "engine", ...engine });
  else {info(
      `engine: ${
        formatEngineInfo(engine)
      }\nmachine: ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, deno ${Deno.version.deno}`,
    );}

  if (only.includes("tokenizers")) {
    const text = await loadText("tinyshakespeare");
    if (!json) info("\n# tokenizers (Tiny Shakespeare, 1.1 MB)");
    for (const r of await benchTokenizers(text.train + text.val, { vocabSize: 1024 })) {
      const rate = r.tokensPerSecond ? `${(r.tokensPerSecond / 1e6).toFixed(2)} M tokens/s` : "";
      const mb = r.mbPerSecond ? `${r.mbPerSecond.toFixed(1)} MB/s` : "";
      show(
        "tokenizers",
        { ...r },
        `${r.name.padEnd(40)} ${r.seconds.toFixed(3).padStart(7)} s  ${rate.padEnd(18)} ${
          mb.padEnd(12)
        } ${r.detail ?? ""}`,
      );
    }
  }
  if (only.includes("matmul")) {
    if (!json) info("\n# matmul (GPT baby step shapes)");
    for (const r of await benchMatmul()) {
      show(
        "matmul",
        { ...r },
        `${r.backend.padEnd(10)} ${r.shape.padEnd(28)} ${r.gflops.toFixed(1).padStart(7)} GFLOP/s ${
          r.ms.toFixed(3).padStart(9)
        } ms`,
      );
    }
    await initEngine({ backend: "auto" });
  }
  if (only.includes("gpt")) {
    if (!json) info("\n# GPT baby training step (4 layers, 4 heads, 128 dims, block 64, batch 12)");
    const results = await benchGptStep({ steps });
    const torch = results.find((r) => r.backend.startsWith("pytorch"));
    for (const r of results) {
      const ratio = torch && r !== torch
        ? `${(r.tokensPerSecond / torch.tokensPerSecond).toFixed(2)}× PyTorch`
        : "";
      show(
        "gpt",
        {
          ...r,
          ratio_vs_pytorch: torch && r !== torch ? r.tokensPerSecond / torch.tokensPerSecond : null,
        },
        `${r.backend.padEnd(28)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step ${
          Math.round(r.tokensPerSecond).toLocaleString("en").padStart(8)
        } tokens/s  ${ratio}`,
      );
    }
    if (!torch && !json) {
      info("(no PyTorch here: install Debian's python3-torch to compare side by side)");
    }
    await initEngine({ backend: "auto" });
  }
  /** A recurrent training-step section: each variant's ms/step and ratio to PyTorch. */
  async function stepSection(
    section: string,
    title: string,
    run: () => Promise<{ name: string; msPerStep: number }[]>,
  ): Promise<void> {
    if (!json) info(`\n# ${title}`);
    const results = await run();
    const torch = results.find((r) => r.name.startsWith("pytorch"));
    for (const r of results) {
      const ratio = torch && r !== torch ? torch.msPerStep / r.msPerStep : null;
      show(
        section,
        { ...r, ratio_vs_pytorch: ratio },
        `${r.name.padEnd(28)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step  ${
          ratio ? `${ratio.toFixed(2)}× PyTorch's speed` : ""
        }`,
      );
    }
    await initEngine({ backend: "auto" });
  }
  if (only.includes("rnn")) {
    await stepSection(
      "rnn",
      "char-RNN training step (2 layers × 256, batch 32, 100 steps, vocab 65)",
      benchRnnStep,
    );
  }
  if (only.includes("gru")) {
    await stepSection(
      "gru",
      "word-RNN training step (GRU 1 × 256, tied, vocab 7,115, batch 32, 35 steps)",
      benchWordRnnStep,
    );
  }
  if (only.includes("lstm")) {
    await stepSection(
      "lstm",
      "LSTM training step (2 layers × 256, batch 32, 100 steps, vocab 65)",
      benchLstmStep,
    );
  }
  if (only.includes("generate")) {
    if (!json) {
      info(`\n# generation, 256 new tokens (GPT baby width, block 512) on ${engineInfo().backend}`);
    }
    const results = await benchGeneration(256);
    for (const r of results) {
      show(
        "generate",
        { ...r },
        `${r.mode.padEnd(10)} ${r.seconds.toFixed(2).padStart(7)} s ${
          r.tokensPerSecond.toFixed(1).padStart(8)
        } tokens/s`,
      );
    }
    if (!json) {
      info(
        `speed-up from the cache: ${
          (results[0].tokensPerSecond / results[1].tokensPerSecond).toFixed(1)
        }×`,
      );
    }
  }
  if (only.includes("quality")) {
    const preset = values.preset ?? "baby";
    if (!json) info(`\n# GPT ${preset}: a whole training run, ours then PyTorch's, same recipe`);
    const results = await benchGptQuality(preset, json ? undefined : info);
    for (const r of results) {
      show(
        "quality",
        { preset, ...r },
        `${r.name.padEnd(22)} ${r.iters} steps  val ${r.valLoss.toFixed(3)}  train ${
          r.trainLoss.toFixed(3)
        }  ${r.seconds.toFixed(0).padStart(5)} s  ${
          Math.round(r.tokensPerSecond).toLocaleString("en")
        } tokens/s`,
      );
    }
    if (results.length < 2 && !json) info("(no PyTorch here: install Debian's python3-torch)");
  }
  return 0;
}

if (import.meta.main) await runMain("bench", main);
