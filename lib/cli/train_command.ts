/**
 * `deno task train:<model>`: load the data, build or restore the tokenizer and
 * model, train with progress on stderr (JSON events on stdout with `--json`),
 * save `best/` and `last/`, `log.jsonl` and the loss plots in the run
 * directory, and end with a sample.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { formatEngineInfo, initEngine } from "../engine/mod.ts";
import { loadText } from "../data/load_text.ts";
import { loadTokenizer, trainTokenizer } from "../tokenizers/load.ts";
import type { Tokenizer } from "../tokenizers/types.ts";
import { getModelSpec } from "../presets/registry.ts";
import type { BaseConfig, LanguageModel } from "../models/types.ts";
import { readCheckpoint, type TrainerState, writeCheckpoint } from "../io/checkpoint.ts";
import { bitsPerChar } from "../train/evaluate.ts";
import { type Snapshot, train, type TrainResult } from "../train/train.ts";
import { lossCurveSpec } from "../plot/loss_curve.ts";
import { writePlot } from "../plot/write_plot.ts";
import { emitJson, formatBytes, info, progressLine } from "./output.ts";
import type { TrainSettings } from "./train_settings.ts";
import { TrainProgress } from "./train_progress.ts";
import { checkRunDir, clearRunDir } from "./run_dir.ts";
import { resumeSettings, type SavedSettings } from "./resume_settings.ts";
import { emptyPrompt } from "./load_model.ts";
import { generate } from "../sample/generate.ts";
import { sampleWindows, SequentialStreams } from "../data/batching.ts";
import { Rng } from "../rng.ts";
import { tf } from "../engine/tf.ts";
import { resolveInit } from "./init_from.ts";
import { acquireRunLock, staleLockNotice } from "../io/run_lock.ts";
import { checkRunMemory } from "./memory_check.ts";
import {
  type DataFingerprint,
  dataFingerprint,
  fingerprintDifference,
} from "../io/data_fingerprint.ts";

/** Settings that define the model and data: a resumed run must match them. */
function identity(s: TrainSettings): Record<string, unknown> {
  return { model: s.model, data: s.data, tokenizer: s.tokenizer, modelConfig: s.modelConfig };
}

/**
 * Runs a training command; returns the exit code (0, or 130 when interrupted).
 * The run directory is locked for the whole run (one writer per directory).
 */
export async function runTraining(s: TrainSettings, signal: AbortSignal): Promise<number> {
  const lock = await acquireRunLock(s.out);
  if (lock.tookOver) info(`note: ${staleLockNotice(lock)}`);
  try {
    return await trainInLockedDir(s, signal);
  } finally {
    lock.release();
  }
}

async function trainInLockedDir(s: TrainSettings, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  if (!s.resume) await checkRunDir(s.out, s.overwrite ?? false);
  const engine = await initEngine({ backend: s.backend, blas: s.noBlas ? "off" : undefined });
  if (!s.json) info(`engine: ${formatEngineInfo(engine)}`);
  // `auto` trying tfjs-node first is routine: `deno task doctor` says once why it did not load
  const notes = engine.notes.filter((n) =>
    !(engine.requested === "auto" && n.startsWith("tensorflow:"))
  );
  for (const note of notes) if (!s.json) info(`engine: ${note}`);
  const initFrom = s.init !== undefined ? await resolveInit(s) : undefined;
  if (initFrom) {
    s = initFrom.settings;
    if (!s.json) info(`init: fine-tuning ${initFrom.dir}`);
  }

  const resumed = s.resume ? await readResume(s) : undefined;
  if (resumed) s = resumeSettings(s, (resumed.state!.settings ?? {}) as SavedSettings);
  const { tokenizer, data, charsPerToken, fingerprint } = await loadData(
    s,
    signal,
    resumed,
    initFrom?.tokenizer,
  );

  const spec = getModelSpec(s.model);
  const config = { ...s.modelConfig, vocabSize: tokenizer.vocabSize } as BaseConfig;
  spec.validate(config);
  const memory = checkRunMemory(spec, config, {
    backend: engine.backend,
    batchSize: s.train.batchSize,
    training: true,
  });
  if (memory) info(`note: ${memory}`);
  const model: LanguageModel = spec.create(config, s.train.seed);
  try {
    if (resumed) model.params().load(resumed.weights, `${resumed.dir}/model.safetensors`);
    else if (initFrom) model.params().load(initFrom.weights, `${initFrom.dir}/model.safetensors`);
    checkWindows(model, data, s.train.batchSize);
    const params = model.params().count();
    const start = {
      event: "start",
      model: s.model,
      preset: s.preset,
      params,
      backend: engine.backend,
      blas: engine.blas?.vendor ?? null,
    };
    if (!s.resume && s.overwrite) await clearRunDir(s.out);
    await Deno.mkdir(s.out, { recursive: true });
    const log = await Deno.open(join(s.out, "log.jsonl"), {
      create: true,
      write: true,
      append: s.resume,
      truncate: !s.resume,
    });
    const emit = (event: Record<string, unknown>) => {
      const line = JSON.stringify(event) + "\n";
      log.writeSync(new TextEncoder().encode(line));
      if (s.json) emitJson(event);
    };
    emit(start);
    if (!s.json) {
      info(
        `model: ${s.model} (${s.preset}), ${
          params.toLocaleString("en")
        } parameters; run directory ${s.out}`,
      );
      if (resumed) info(`resuming from step ${resumed.state!.step}`);
    }
    const progress = s.json ? undefined : new TrainProgress(s.train.maxIters, s.train.timeBudget);
    const save = async (kind: "best" | "last", snap: Snapshot) => {
      await writeCheckpoint(join(s.out, kind), {
        model: s.model,
        config: { ...config },
        weights: model.params().toStored(),
        tokenizer: tokenizer.toJSON(),
        optimizer: snap.optimizer,
        state: snap.state,
      });
      if (kind === "last") {
        await writePlot(
          lossCurveSpec(snap.state.history, { title: `${s.model} (${s.preset})` }),
          join(s.out, "loss"),
        );
      }
    };
    let result: TrainResult;
    try {
      result = await train(model, data, s.train, {
        signal,
        settings: {
          ...identity(s),
          preset: s.preset,
          train: s.train,
          dataFingerprint: fingerprint,
        },
        engine: { backend: engine.backend, blas: engine.blas?.vendor ?? null, tfjs: engine.tfjs },
        onStep: (e) => {
          if (e.step % 10 === 0 || e.step === 1) {
            emit({
              event: "step",
              step: e.step,
              loss: e.loss,
              lr: e.lr,
              tokens_per_second: e.tokensPerSecond,
            });
          }
          progress?.step(e);
        },
        onEval: (e) => {
          emit({ event: "eval", step: e.step, train_loss: e.trainLoss, val_loss: e.valLoss });
          progress?.eval(e);
        },
        save,
      }, resumed?.state ? { state: resumed.state, optimizer: resumed.optimizer } : undefined);
    } finally {
      progress?.close();
    }
    const final = result.final;
    const done = {
      event: "done",
      iters: result.state.step,
      train_loss: final?.trainLoss ?? null,
      val_loss: final?.valLoss ?? null,
      best_val_loss: result.state.bestValLoss,
      val_bits_per_char: final ? bitsPerChar(final.valLoss, charsPerToken.val) : null,
      seconds: (performance.now() - started) / 1000,
      tokens_per_second: result.tokensPerSecond,
      checkpoint: join(s.out, "best"),
      backend: engine.backend,
      stopped_by: result.stoppedBy,
    };
    emit(done);
    log.close();
    if (!s.json) reportDone(done);
    if (result.stoppedBy === "signal") {
      info(`interrupted: saved ${join(s.out, "last")}; continue with --resume`);
      return 130;
    }
    if (s.sample > 0 && !s.json) await printSample(model, tokenizer, s, signal);
    return 0;
  } finally {
    model.dispose();
  }
}

/**
 * Part of {@link trainInLockedDir}: the text (downloaded if needed), the tokenizer
 * (trained, or the resumed run's, whose data must match), both splits as
 * token ids and the data's fingerprint.
 */
async function loadData(
  s: TrainSettings,
  signal: AbortSignal,
  resumed?: { tokenizer: unknown; state?: TrainerState },
  pretrained?: Tokenizer,
) {
  const text = await loadText(s.data, {
    mirror: s.mirror,
    dataDir: s.dataDir,
    signal,
    onProgress: downloadProgress(s.json),
  });
  for (const note of text.notes) if (!s.json) info(`data: ${note}`);

  const tokenizer: Tokenizer = resumed
    ? loadTokenizer(resumed.tokenizer)
    : pretrained ?? buildTokenizer(s, text); // --init: the pretrained model's
  const fingerprint = await dataFingerprint(text, tokenizer.toJSON());
  if (resumed) checkSameData(resumed.state!, fingerprint, s.allowDataChange);
  const encode = (t: string) => Int32Array.from(tokenizer.encode(t));
  const data = { train: encode(text.train), val: encode(text.val) };
  const charsPerToken = {
    train: text.train.length / data.train.length,
    val: text.val.length / data.val.length,
  };
  if (!s.json) {
    info(
      `data: ${s.data}, ${tokenizer.kind} tokenizer (${tokenizer.vocabSize} tokens): ` +
        `${data.train.length.toLocaleString("en")} training and ${
          data.val.length.toLocaleString("en")
        } ` +
        `${text.valSplit === "test" ? "test" : "validation"} tokens`,
    );
  }
  return { tokenizer, data, charsPerToken, fingerprint };
}

/** Part of {@link trainInLockedDir}: the one-line summary of a finished run, on stderr. */
function reportDone(done: {
  iters: number;
  val_loss: number | null;
  best_val_loss: number | null;
  val_bits_per_char: number | null;
  tokens_per_second: number;
  checkpoint: string;
}): void {
  info(
    `done: ${done.iters} steps; val loss ${fmt(done.val_loss)} (best ${
      fmt(done.best_val_loss)
    }), ` +
      `${fmt(done.val_bits_per_char)} bits/char, ${
        Math.round(done.tokens_per_second).toLocaleString("en")
      } ` +
      `tokens/s; best checkpoint ${done.checkpoint}`,
  );
}

/** Part of {@link trainInLockedDir}: a sample from the final weights, on stdout. */
async function printSample(
  model: LanguageModel,
  tokenizer: Tokenizer,
  s: TrainSettings,
  signal: AbortSignal,
): Promise<void> {
  info(`sample (${s.sample} tokens, temperature 0.8, final weights):`);
  const sample = await generate(model, emptyPrompt(tokenizer), {
    maxNewTokens: s.sample,
    temperature: 0.8,
    seed: s.train.seed,
    decode: (ids) => tokenizer.decode(ids),
    signal,
  });
  Deno.stdout.writeSync(
    new TextEncoder().encode(`${sample.text ?? tokenizer.decode(sample.ids)}\n`),
  );
}

function fmt(v: number | null): string {
  return v === null ? "n/a" : v.toFixed(4);
}

function buildTokenizer(s: TrainSettings, text: { train: string; val: string }): Tokenizer {
  const kind = s.tokenizer.kind;
  // char vocabularies cover the whole text (as nanoGPT's); word and BPE learn from training text only
  const source = kind === "char" ? text.train + text.val : text.train;
  const bar = !s.json && kind === "bpe"
    ? progressLine("tokenizer: BPE merges", { format: String })
    : undefined;
  const tok = trainTokenizer(kind, source, {
    vocabSize: s.tokenizer.vocabSize,
    minFreq: s.tokenizer.minFreq,
    split: s.tokenizer.split,
    ...(s.tokenizer.unknown ? { unknown: true } : {}),
    onProgress: bar ? (done, total) => bar.update(done, total) : undefined,
  });
  bar?.finish(`${tok.vocabSize} tokens`);
  return tok;
}

/**
 * Fails with the batcher's one-line InputError, before anything is written,
 * when a split is too short for the window (or, for recurrent models, for the
 * streams).
 */
function checkWindows(
  model: LanguageModel,
  data: { train: Int32Array; val: Int32Array },
  batchSize: number,
): void {
  const shape = { batchSize, blockSize: model.config.blockSize };
  if (model.recurrent) new SequentialStreams(data.train, shape, new Rng(0));
  for (const ids of [data.train, data.val]) {
    tf.dispose(Object.values(sampleWindows(ids, { ...shape, batchSize: 1 }, new Rng(0))));
  }
}

async function readResume(s: TrainSettings) {
  const ckpt = await readCheckpoint(join(s.out, "last")).catch((err) => {
    if (err instanceof InputError) {
      throw new InputError(
        `--resume: no run to continue in ${s.out} (${err.message}); train without --resume first`,
      );
    }
    throw err;
  });
  if (!ckpt.state || !ckpt.optimizer) {
    throw new InputError(
      `--resume: ${ckpt.dir} has no trainer or optimizer state; cannot continue it`,
    );
  }
  return ckpt; // its settings replace the flags' (resumeSettings), or refuse a contradiction
}

/** Refuses to resume on other data than the run's, unless `--allow-data-change`. */
function checkSameData(
  state: { settings: Record<string, unknown> },
  now: DataFingerprint,
  allowed: boolean,
): void {
  const diff = fingerprintDifference(
    state.settings.dataFingerprint as DataFingerprint | undefined,
    now,
  );
  if (diff === undefined) return;
  if (allowed) {
    info(`note: --allow-data-change: ${diff}; continuing on the new data`);
    return;
  }
  throw new InputError(
    `--resume: ${diff}; use the same --data, or add --allow-data-change to continue on it`,
  );
}

function downloadProgress(json: boolean) {
  const bars = new Map<string, ReturnType<typeof progressLine>>();
  return (p: { file: string; bytes: number; total?: number; phase: string; source: string }) => {
    if (json) return;
    if (p.phase === "start") {
      info(`data: fetching ${p.file} from ${p.source}`);
      bars.set(p.file, progressLine(p.file));
    }
    const bar = bars.get(p.file);
    if (p.phase === "done") bar?.finish(`${formatBytes(p.bytes)}, verified`);
    else bar?.update(p.bytes, p.total);
  };
}
