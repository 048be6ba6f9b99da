/**
 * `deno task bench --models`: every model trained on the same data for the
 * same wall-clock budget, each by the project's own `train` script in a
 * subprocess (exactly what a user runs), then sampled by the `generate`
 * script. Returns one row per model with the numbers of the results table and
 * the validation curve in bits per character against training seconds.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** One point of a validation curve. */
export interface CurvePoint {
  /** Training seconds (evaluation excluded). */
  readonly seconds: number;
  /** Validation bits per character at that time. */
  readonly bitsPerChar: number;
}

/** The results of one model's run. */
export interface ModelRun {
  readonly model: string;
  readonly preset: string;
  readonly params: number;
  readonly data: string;
  readonly tokenizer: string;
  readonly vocabSize: number;
  readonly iters: number;
  /** Training seconds (evaluation excluded). */
  readonly seconds: number;
  /** Why training stopped (`time-budget` when the budget ran out, as it should). */
  readonly stoppedBy: string;
  readonly tokensPerSecond: number;
  readonly trainLoss: number;
  readonly valLoss: number;
  readonly bestValLoss: number;
  /** exp(val loss), per token of the model's own tokenizer. */
  readonly perplexity: number;
  readonly bitsPerChar: number;
  readonly backend: string;
  readonly blas: string | null;
  readonly sample: string;
  /** The command that reproduces the training run. */
  readonly command: string;
  readonly curve: readonly CurvePoint[];
}

/** Options for {@link runModelComparison}. */
export interface ComparisonOptions {
  /** Model names, in order. */
  readonly models: readonly string[];
  /** Training seconds per model. */
  readonly budget: number;
  /** Dataset name or path, the same for every model. */
  readonly data: string;
  /** Run directories go to `<outDir>/<model>/`. */
  readonly outDir: string;
  /** Evaluate every this many training seconds (the curve's spacing). */
  readonly evalSeconds: number;
  /** Preset of every model (default `default`). */
  readonly preset?: string;
  /** New tokens in each sample (default 200). */
  readonly sampleTokens?: number;
  /** Extra environment for the subprocesses (e.g. the data mirror). */
  readonly env?: Record<string, string>;
  /** Progress lines. */
  readonly onLine?: (line: string) => void;
}

const SCRIPTS = fileURLToPath(new URL("../", import.meta.url));

/** The `train` arguments of one comparison run. */
export function trainArgs(model: string, o: ComparisonOptions): string[] {
  return [
    "--model",
    model,
    "--preset",
    o.preset ?? "default",
    "--data",
    o.data,
    "--time-budget",
    String(o.budget),
    "--set",
    `evalSeconds=${o.evalSeconds}`,
    "--eval-interval",
    "1000000000",
  ];
}

/** Runs every model in turn; throws (with the script's last words) if one fails. */
export async function runModelComparison(o: ComparisonOptions): Promise<ModelRun[]> {
  const runs: ModelRun[] = [];
  for (const model of o.models) {
    const out = join(o.outDir, model);
    await Deno.remove(out, { recursive: true }).catch(() => {});
    const args = trainArgs(model, o);
    o.onLine?.(`# ${model}: training for ${o.budget} s`);
    const events = await runJsonScript("train", [...args, "--out", out, "--json"], o);
    const start = events.find((e) => e.event === "start")!;
    const done = events.findLast((e) => e.event === "done")!;
    const state = JSON.parse(await Deno.readTextFile(join(out, "last", "trainer_state.json")));
    const tokenizer = JSON.parse(await Deno.readTextFile(join(out, "last", "tokenizer.json")));
    const bitsPerNat = (done.val_bits_per_char as number) / (done.val_loss as number);
    const curve = (state.history as { seconds: number; val_loss?: number }[])
      .filter((r) => r.val_loss !== undefined)
      .map((r) => ({ seconds: r.seconds, bitsPerChar: r.val_loss! * bitsPerNat }));
    o.onLine?.(`# ${model}: sampling`);
    const gen = await runJsonScript("generate", [
      "--checkpoint",
      out,
      "--length",
      String(o.sampleTokens ?? 200),
      "--temperature",
      "0.8",
      "--seed",
      "1",
      "--json",
    ], o);
    const config = JSON.parse(await Deno.readTextFile(join(out, "last", "config.json")));
    runs.push({
      model,
      preset: start.preset as string,
      params: start.params as number,
      data: o.data,
      tokenizer: tokenizerKind(tokenizer),
      vocabSize: config.vocabSize as number,
      iters: done.iters as number,
      seconds: state.trainSeconds as number,
      stoppedBy: done.stopped_by as string,
      tokensPerSecond: done.tokens_per_second as number,
      trainLoss: done.train_loss as number,
      valLoss: done.val_loss as number,
      bestValLoss: done.best_val_loss as number,
      perplexity: Math.exp(done.val_loss as number),
      bitsPerChar: done.val_bits_per_char as number,
      backend: start.backend as string,
      blas: (start.blas ?? null) as string | null,
      sample: gen.findLast((e) => e.event === "done")!.text as string,
      // its own --out, so that reproducing the table never meets the run of another README command
      command: `deno task train:${model} ${args.slice(2).map(shellQuote).join(" ")} ` +
        `--out data/checkpoints/compare/${model}`,
      curve,
    });
  }
  return runs;
}

/** The tokenizer kind of a saved tokenizer.json (ours or Hugging Face's). */
function tokenizerKind(json: Record<string, unknown>): string {
  const kind = (json.model as { type?: string } | undefined)?.type ?? json.type;
  return String(kind ?? "?").toLowerCase();
}

function shellQuote(arg: string): string {
  return /^[\w.=,/:-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** One JSON event of a script. */
export type JsonEvent = Record<string, unknown>;

/** Runs `scripts/<name>.ts` with `--json`; returns its events or throws with its stderr. */
export async function runJsonScript(
  name: string,
  args: string[],
  o: Pick<ComparisonOptions, "env" | "onLine">,
): Promise<JsonEvent[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", join(SCRIPTS, `${name}.ts`), ...args],
    env: { NO_COLOR: "1", ...o.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const events: JsonEvent[] = [];
  let pending = "";
  let lastReport = 0;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as JsonEvent;
      events.push(e);
      if (e.event === "eval") {
        o.onLine?.(
          `  step ${e.step}: train ${(e.train_loss as number).toFixed(3)}, val ${
            (e.val_loss as number).toFixed(3)
          }`,
        );
      } else if (e.event === "step" && performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        o.onLine?.(`  step ${e.step}: loss ${(e.loss as number).toFixed(3)}`);
      }
    }
  }
  const status = await child.status;
  if (!status.success) {
    const last = (await stderr).trim().split("\n").slice(-3).join(" / ");
    throw new Error(`${name} ${args.slice(0, 2).join(" ")} failed (exit ${status.code}): ${last}`);
  }
  return events;
}
