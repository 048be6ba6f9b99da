/**
 * The results table of `deno task bench --models`: markdown for README (with
 * the machine, engine, date and command that produced it), the chart of
 * validation bits per character against training seconds, and the README
 * splice between `<!-- models:start -->` and `<!-- models:end -->`.
 *
 * @module
 */
import { curvesSpec } from "../../lib/plot/curves.ts";
import type { VegaLiteSpec } from "../../lib/plot/spec.ts";
import type { ModelRun } from "./models.ts";

/** Where and how the runs were made. */
export interface RunContext {
  /** e.g. "2-core x86-64 Linux (Intel Xeon …)". */
  readonly machine: string;
  /** e.g. "wasm (SIMD) + OpenBLAS 0.3.21". */
  readonly engine: string;
  /** ISO date. */
  readonly date: string;
  /** Deno version. */
  readonly deno: string;
  /** The command that produced the table. */
  readonly command: string;
}

/** Marks the part of README that `--write-readme` replaces. */
export const README_START = "<!-- models:start -->";
/** End of that part. */
export const README_END = "<!-- models:end -->";

/**
 * A sample made fit for one table cell: newlines shown as ` / `, pipes
 * escaped, cut at a word boundary near `max` characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tableSample } from "./results_table.ts";
 * assert.equal(tableSample("ROMEO:\nBut | soft", 40), "ROMEO: / But \\| soft");
 * assert.equal(tableSample("one two three four", 9), "one two …");
 * ```
 */
export function tableSample(text: string, max = 120): string {
  let s = text.trim().replace(/\s*\n+\s*/g, " / ").replace(/\s+/g, " ");
  if (s.length > max) {
    const cut = s.lastIndexOf(" ", max);
    s = s.slice(0, cut > max / 2 ? cut : max).trimEnd() + " …";
  }
  return s.replaceAll("|", "\\|");
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "—";
}

function millions(n: number): string {
  return `${(n / 1e6).toFixed(2)} M`;
}

/**
 * The markdown results table, one row per run, under a line saying where,
 * when and how it was made.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resultsMarkdown } from "./results_table.ts";
 * const md = resultsMarkdown([], {
 *   machine: "2-core x86-64", engine: "wasm", date: "2026-11-25", deno: "2.9.6",
 *   command: "deno task bench --models",
 * });
 * assert.match(md, /deno task bench --models/);
 * assert.match(md, /\| model \| params \|/);
 * ```
 */
export function resultsMarkdown(runs: readonly ModelRun[], ctx: RunContext): string {
  const budget = runs.length ? Math.round(Math.max(...runs.map((r) => r.seconds))) : 0;
  const lines = [
    `Made by \`${ctx.command}\` on ${ctx.date}: ${ctx.machine}, Deno ${ctx.deno}, engine ` +
    `${ctx.engine}. Every model trains on the same data for the same wall-clock budget ` +
    `(~${budget} s of training, evaluation excluded) with the preset named in its command and the ` +
    `learning-rate schedule run on the fraction of the budget used. Losses are cross-entropy in ` +
    `nats per token (20 random batches per split); perplexity is per token of the model's own ` +
    `tokenizer, so only bits per character compare across tokenizers. Samples: 200 new tokens ` +
    `from an empty prompt, temperature 0.8, seed 1 (shortened).`,
    "",
    "| model | params | data, tokenizer | trained | train loss | val loss | perplexity | bits/char | sample |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.model} | ${millions(r.params)} | ${r.data}, ${r.tokenizer} (${r.vocabSize}) | ` +
        `${r.iters.toLocaleString("en")} steps, ${Math.round(r.seconds)} s | ` +
        `${fixed(r.trainLoss, 3)} | ${fixed(r.valLoss, 3)} | ${fixed(r.perplexity, 1)} | ` +
        `**${fixed(r.bitsPerChar, 2)}** | ${tableSample(r.sample)} |`,
    );
  }
  lines.push("", "Each row's training command:", "", "```sh");
  for (const r of runs) lines.push(r.command);
  lines.push("```");
  return lines.join("\n");
}

/**
 * The comparison chart: validation bits per character against training
 * seconds, one line per model.
 */
export function comparisonSpec(runs: readonly ModelRun[]): VegaLiteSpec {
  return curvesSpec(
    runs.map((r) => ({
      name: r.model,
      points: r.curve.map((p) => ({ x: p.seconds, y: p.bitsPerChar })),
    })),
    {
      title: "Validation bits per character vs training time (same data, same budget)",
      xTitle: "training seconds",
      yTitle: "val bits per character",
    },
  );
}

/**
 * Replaces README's part between the markers with `body`; throws when the
 * markers are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { README_END, README_START, spliceReadme } from "./results_table.ts";
 * const readme = `a\n${README_START}\nold\n${README_END}\nb`;
 * assert.equal(spliceReadme(readme, "new"), `a\n${README_START}\nnew\n${README_END}\nb`);
 * ```
 */
export function spliceReadme(readme: string, body: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${README_START} … ${README_END} block to replace`);
  }
  return readme.slice(0, start + README_START.length) + "\n" + body + "\n" + readme.slice(end);
}
