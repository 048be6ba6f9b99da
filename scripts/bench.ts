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
 * - `lstm`: an LSTM language-model training step (2×256, batch 32, 100 steps),
 *   hand-written BPTT vs PyTorch's `nn.LSTM`, and the same with attention;
 * - `generate`: 256 new tokens with and without the KV cache.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { emitJson, info, runMain } from "../lib/cli/mod.ts";
import { InputError } from "../lib/errors.ts";
import { engineInfo, formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
import { loadText } from "../lib/data/load_text.ts";
import { benchTokenizers } from "./bench/tokenizers.ts";
import { benchMatmul } from "./bench/engine.ts";
import { benchGptStep } from "./bench/gpt_step.ts";
import { benchGeneration } from "./bench/generation.ts";
import { benchRnnStep } from "./bench/rnn_step.ts";
import { benchLstmStep } from "./bench/lstm_step.ts";

const SECTIONS = ["tokenizers", "matmul", "gpt", "rnn", "lstm", "generate"] as const;

const HELP = `Usage: deno task bench [--json] [--only ${SECTIONS.join(",")}] [--steps N]

Measures speed: tokenizers (ours vs @huggingface/tokenizers), matmul GFLOP/s per
backend, a GPT "baby" training step per backend, char-RNN and LSTM training steps
next to PyTorch (Debian's python3-torch, when installed), and generation with and
without the KV cache.
  --only LIST   comma-separated sections (default: all)
  --steps N     GPT training steps to time on the fast configuration (default 30)
  --json        one JSON object per line on stdout`;

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      only: { type: "string" },
      steps: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    info(HELP);
    return 0;
  }
  const only = values.only?.split(",").map((s) => s.trim()) ?? [...SECTIONS];
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) {
      throw new InputError(`--only: unknown section "${s}"; choose from ${SECTIONS.join(", ")}`);
    }
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
  if (only.includes("rnn")) {
    if (!json) info("\n# char-RNN training step (2 layers × 256, batch 32, 100 steps, vocab 65)");
    const results = await benchRnnStep();
    const torch = results.find((r) => r.name.startsWith("pytorch"));
    for (const r of results) {
      const ratio = torch && r !== torch ? torch.msPerStep / r.msPerStep : null;
      show(
        "rnn",
        { ...r, ratio_vs_pytorch: ratio },
        `${r.name.padEnd(28)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step  ${
          ratio ? `${ratio.toFixed(2)}× PyTorch's speed` : ""
        }`,
      );
    }
    await initEngine({ backend: "auto" });
  }
  if (only.includes("lstm")) {
    if (!json) info("\n# LSTM training step (2 layers × 256, batch 32, 100 steps, vocab 65)");
    const results = await benchLstmStep();
    const torch = results.find((r) => r.name.startsWith("pytorch"));
    for (const r of results) {
      const ratio = torch && r !== torch ? torch.msPerStep / r.msPerStep : null;
      show(
        "lstm",
        { ...r, ratio_vs_pytorch: ratio },
        `${r.name.padEnd(28)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step  ${
          ratio ? `${ratio.toFixed(2)}× PyTorch's speed` : ""
        }`,
      );
    }
    await initEngine({ backend: "auto" });
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
  return 0;
}

if (import.meta.main) await runMain("bench", main);
