/**
 * `deno task eval --checkpoint PATH --data NAME|PATH [--split S] [--stride N]`:
 * loss, perplexity and bits per character of a model over a whole split, with
 * sliding windows as GPT-2's paper evaluates long texts: windows of the
 * model's context (or `--context`) every `--stride` tokens, each scoring only
 * the tokens no earlier window scored.
 *
 * @module
 */
import { parseFlags } from "../lib/cli/parse_flags.ts";
import { emitJson, info, printHelp, progressLine, runMain } from "../lib/cli/mod.ts";
import { loadModel } from "../lib/cli/load_model.ts";
import { callerPath, dataArgument } from "../lib/cli/run_dir.ts";
import { InputError } from "../lib/errors.ts";
import { type BackendRequest, formatEngineInfo, initEngine } from "../lib/engine/mod.ts";
import { type EvalSplit, loadEvalText } from "../lib/data/eval_text.ts";
import { slidingWindowLoss } from "../lib/train/sliding_window.ts";

const HELP = `Usage: deno task eval --checkpoint PATH --data NAME|PATH [options]

Scores a model on a whole split: mean loss per token (nats), perplexity
(exp of it), bits per character (total bits / characters of the text) and
perplexity per whitespace-separated word (exp(total nats / words)), with
sliding windows: a window of --context tokens every --stride tokens, each
scoring only the tokens that no earlier window scored.

Options:
  --checkpoint PATH  run directory (best/, else last/), checkpoint or GPT-2 directory
  --data NAME|PATH   dataset (tinyshakespeare, wikitext2, tinystories) or a UTF-8 file
  --split S          train, valid, test or all (default: test where the dataset has one,
                     else valid; a file: all of it)
  --context N        tokens per window (default: the model's context)
  --stride N         tokens between windows (default: half the context; = context: no overlap)
  --batch-size N     windows per forward pass (default 1)
  --max-tokens N     score only the first N tokens of the split (quick looks)
  --mirror DIR|URL   dataset mirror (default: $LMFS_DATA_MIRROR)
  --data-dir DIR     dataset cache (default: data/ in the project)
  --backend NAME     auto, tensorflow, wasm, cpu or webgpu
  --no-blas          do not use a system BLAS library
  --json             print the result as one JSON object on stdout
  -h, --help         this help`;

function int(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new InputError(`--${name} must be an integer ≥ ${min}; got "${raw}"`);
  }
  return n;
}

async function main(args: string[], { signal }: { signal: AbortSignal }): Promise<number> {
  const { values: v } = parseFlags({
    args,
    strict: true,
    options: {
      checkpoint: { type: "string" },
      data: { type: "string" },
      split: { type: "string" },
      context: { type: "string" },
      stride: { type: "string" },
      "batch-size": { type: "string" },
      "max-tokens": { type: "string" },
      mirror: { type: "string" },
      "data-dir": { type: "string" },
      backend: { type: "string" },
      "no-blas": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (v.help) {
    printHelp(HELP);
    return 0;
  }
  if (!v.checkpoint) throw new InputError("--checkpoint PATH is required (see --help)");
  if (!v.data) throw new InputError("--data NAME|PATH is required (see --help)");
  const contextFlag = int("context", v.context, 1);
  const strideFlag = int("stride", v.stride, 1);
  const batchSize = int("batch-size", v["batch-size"], 1) ?? 1;
  const maxTokens = int("max-tokens", v["max-tokens"], 2);
  const backend = (v.backend ?? "auto") as BackendRequest;
  if (!["auto", "tensorflow", "wasm", "cpu", "webgpu"].includes(backend)) {
    throw new InputError(
      `--backend must be auto, tensorflow, wasm, cpu or webgpu; got "${backend}"`,
    );
  }
  const split = v.split as EvalSplit | undefined;
  const text = await loadEvalText(dataArgument(v.data), split, {
    mirror: v.mirror,
    dataDir: v["data-dir"] === undefined ? undefined : callerPath(v["data-dir"]),
    signal,
  });
  const engine = await initEngine({ backend, blas: v["no-blas"] ? "off" : undefined });
  if (!v.json) info(`engine: ${formatEngineInfo(engine)}`);
  const { model, tokenizer, dir } = await loadModel(callerPath(v.checkpoint));
  try {
    const limit = model.maxContext ?? model.config.blockSize;
    const context = contextFlag ?? limit;
    if (context > limit) {
      throw new InputError(`--context ${context} is longer than the model's context (${limit})`);
    }
    const stride = strideFlag ?? Math.max(1, Math.floor(context / 2));
    if (stride > context) {
      throw new InputError(`--stride ${stride} is longer than the context (${context})`);
    }
    let ids = Int32Array.from(tokenizer.encode(text.text));
    let scoredText = text.text;
    if (maxTokens !== undefined && ids.length > maxTokens) {
      ids = ids.subarray(0, maxTokens);
      scoredText = tokenizer.decode([...ids]);
    }
    const chars = scoredText.length;
    const words = scoredText.split(/\s+/).filter((w) => w !== "").length;
    if (ids.length < 2) throw new InputError(`the ${text.split} split has fewer than 2 tokens`);
    if (!v.json) {
      info(
        `eval: ${model.name} from ${dir} on ${text.source} (${text.split}): ` +
          `${ids.length.toLocaleString("en")} tokens, ${chars.toLocaleString("en")} characters; ` +
          `context ${context}, stride ${stride}`,
      );
    }
    const bar = v.json ? undefined : progressLine("eval: tokens scored", { format: String });
    const started = performance.now();
    const r = await slidingWindowLoss(model, ids, {
      context,
      stride,
      batchSize,
      signal,
      onProgress: (done, total) => bar?.update(done, total),
    });
    const seconds = (performance.now() - started) / 1000;
    const loss = r.nats / r.tokens;
    const result = {
      event: "eval",
      checkpoint: dir,
      data: text.source,
      split: text.split,
      context,
      stride,
      windows: r.windows,
      tokens: r.tokens,
      characters: chars,
      loss,
      perplexity: Math.exp(loss),
      bits_per_char: r.nats / Math.LN2 / chars,
      words,
      word_perplexity: Math.exp(r.nats / words),
      seconds,
    };
    bar?.finish(`${r.windows} windows in ${seconds.toFixed(1)} s`);
    if (v.json) emitJson(result);
    else {
      info(
        `loss ${loss.toFixed(4)} nats/token, perplexity ${result.perplexity.toFixed(2)}, ` +
          `${result.bits_per_char.toFixed(4)} bits/char over ${
            r.tokens.toLocaleString("en")
          } tokens`,
      );
    }
    return 0;
  } finally {
    model.dispose();
  }
}

if (import.meta.main) await runMain("eval", main);
