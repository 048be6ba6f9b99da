/**
 * A live training display for notebooks: one output, updated in place while
 * `train()` runs, showing the loss curve so far with a progress line as its
 * subtitle (`step 120/2000 ██░░░░ 6% · loss 2.314 · val 2.402 …`).
 *
 * ```ts ignore
 * import { liveTraining } from "../lib/notebook/mod.ts";
 * const live = liveTraining(Deno.jupyter.display, { title: "char-rnn", total: config.maxIters });
 * const result = await train(model, data, config, live); // live has onStep and onEval
 * await live.close(); // final frame, with the PNG for viewers without Vega
 * ```
 *
 * Updates are throttled (at most one every `every` steps and `minIntervalMs`
 * apart; evaluations always redraw) and never block training: a frame is sent
 * in the background, and while one is in flight newer ones are coalesced into
 * a single next frame. Live frames carry the Vega-Lite spec and text only;
 * the PNG (≈100 ms to render) is added to the final frame, which is what a
 * saved notebook keeps.
 *
 * @module
 */
import { bundleFor, VEGA_LITE_MIME } from "../plot/jupyter.ts";
import { lossCurveSpec, type LossHistoryRow } from "../plot/loss_curve.ts";
import type { EvalEvent, StepEvent } from "../train/train.ts";
import type { DisplayFunction, MimeBundle } from "./display.ts";

/** Options of {@link liveTraining}. */
export interface LiveTrainingOptions {
  /** Plot title (default `"training"`). */
  title?: string;
  /** Redraw at most every this many steps (default 1). */
  every?: number;
  /** And at least this many milliseconds apart (default 1000). */
  minIntervalMs?: number;
  /** The step training stops at, for the progress bar and time left. */
  total?: number;
  /** The loss plot's x axis: steps or training seconds (default `"step"`). */
  x?: "step" | "seconds";
  /** Most per-step points plotted (default: `lossCurveSpec`'s 1000). */
  maxPoints?: number;
  /** When to include the rendered PNG: in the final frame only (default) or in every frame. */
  png?: "final" | "always";
  /** The output's display id (default: a fresh random one). */
  displayId?: string;
  /** History of an earlier run to start from (a resumed run's `trainer_state.json` history). */
  history?: readonly LossHistoryRow[];
  /** Clock in milliseconds (default `performance.now`); tests pass a fake. */
  now?: () => number;
}

/** The hooks {@link liveTraining} returns; pass them to `train()` as its hooks. */
export interface LiveTraining {
  /** The display id of the one output this display updates. */
  readonly displayId: string;
  /** Everything recorded so far, in the rows `lossCurveSpec` takes. */
  readonly history: readonly LossHistoryRow[];
  /** Records a step; redraws when the throttle allows. */
  readonly onStep: (event: StepEvent) => void;
  /** Records an evaluation and redraws. */
  readonly onEval: (event: EvalEvent) => void;
  /**
   * Waits for frames in flight, draws the final frame (with its PNG) and
   * rethrows the first display error, if any. Later calls do nothing.
   */
  readonly close: () => Promise<void>;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `liveTraining: ${name} must be a positive ${integer ? "integer" : "number"}; got ${value}`,
    );
  }
  return value;
}

function formatRate(tokensPerSecond: number): string {
  if (tokensPerSecond >= 1e6) return `${(tokensPerSecond / 1e6).toFixed(1)}M tok/s`;
  if (tokensPerSecond >= 1e3) return `${(tokensPerSecond / 1e3).toFixed(1)}k tok/s`;
  return `${tokensPerSecond.toFixed(0)} tok/s`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/**
 * The progress line: step (of total, with a bar), last loss, last
 * evaluation, speed, time so far and time left.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressText } from "./live_training.ts";
 * const step = { step: 50, loss: 2.3141, lr: 1e-3, tokensPerSecond: 12345, seconds: 10 };
 * assert.equal(
 *   progressText(step, undefined, 100),
 *   "step 50/100 █████░░░░░ 50% · loss 2.314 · 12.3k tok/s · 10 s, ~10 s left",
 * );
 * assert.equal(progressText(undefined, undefined), "starting…");
 * ```
 */
export function progressText(
  step: StepEvent | undefined,
  evaluation: EvalEvent | undefined,
  total?: number,
): string {
  if (!step && !evaluation) return "starting…";
  const parts: string[] = [];
  const at = step?.step ?? evaluation!.step;
  if (total && total > 0) {
    const frac = Math.min(1, at / total);
    const fill = Math.round(frac * 10);
    parts.push(
      `step ${at}/${total} ${"█".repeat(fill)}${"░".repeat(10 - fill)} ${Math.round(frac * 100)}%`,
    );
  } else {
    parts.push(`step ${at}`);
  }
  if (step) parts.push(`loss ${step.loss.toFixed(3)}`);
  if (evaluation) {
    parts.push(
      `val ${evaluation.valLoss.toFixed(3)} (best ${evaluation.bestValLoss.toFixed(3)})`,
    );
  }
  if (step) {
    parts.push(formatRate(step.tokensPerSecond));
    let time = formatSeconds(step.seconds);
    if (total && total > step.step && step.step > 0) {
      time += `, ~${formatSeconds((total - step.step) * step.seconds / step.step)} left`;
    }
    parts.push(time);
  }
  return parts.join(" · ");
}

/**
 * Starts a live training display: shows the first (empty) frame at once,
 * then keeps that one output updated as steps and evaluations come in.
 * `display` is `Deno.jupyter.display` in a notebook.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { liveTraining } from "./live_training.ts";
 * const calls: { options?: { display_id?: string; update?: boolean } }[] = [];
 * const live = liveTraining(async (_bundle, options) => void calls.push({ options }), {
 *   title: "demo",
 *   displayId: "demo-run",
 * });
 * live.onStep({ step: 1, loss: 4.2, lr: 1e-3, tokensPerSecond: 1000, seconds: 0.1 });
 * live.onEval({ step: 1, trainLoss: 4.1, valLoss: 4.15, bestValLoss: 4.15, improved: true });
 * await live.close();
 * assert.deepEqual(calls[0].options, { raw: true, display_id: "demo-run" });
 * assert.ok(calls.slice(1).every((c) => c.options?.update === true));
 * ```
 */
export function liveTraining(
  display: DisplayFunction,
  options: LiveTrainingOptions = {},
): LiveTraining {
  const title = options.title ?? "training";
  const every = positive("every", options.every ?? 1, true);
  const minIntervalMs = options.minIntervalMs ?? 1000;
  if (!(minIntervalMs >= 0)) {
    throw new RangeError(`liveTraining: minIntervalMs must be 0 or more; got ${minIntervalMs}`);
  }
  const total = options.total === undefined ? undefined : positive("total", options.total, false);
  const now = options.now ?? (() => performance.now());
  const displayId = options.displayId ?? `lmfs-training-${crypto.randomUUID()}`;
  const history: LossHistoryRow[] = [...(options.history ?? [])];

  let lastStep: StepEvent | undefined;
  let lastEval: EvalEvent | undefined;
  let drawnStep = -Infinity;
  let drawnAt = -Infinity;
  let shown = false;
  let inFlight: Promise<void> | null = null;
  let pending = false;
  let failure: { error: unknown } | undefined;
  let closed = false;

  const frame = async (final: boolean): Promise<MimeBundle> => {
    const line = progressText(lastStep, lastEval, total);
    const spec = lossCurveSpec(history, { x: options.x, maxPoints: options.maxPoints });
    spec.title = { text: title, subtitle: line };
    const text = `${title}: ${line}`;
    if (final || options.png === "always") {
      return { ...(await bundleFor(spec)), "text/plain": text };
    }
    return { [VEGA_LITE_MIME]: spec, "text/plain": text };
  };

  const send = async (final: boolean): Promise<void> => {
    const bundle = await frame(final);
    const opts = shown ? { raw: true, display_id: displayId, update: true } : {
      raw: true,
      display_id: displayId,
    };
    shown = true;
    await display(bundle, opts);
  };

  const schedule = (): void => {
    if (failure || closed) return;
    if (inFlight) {
      pending = true;
      return;
    }
    inFlight = send(false)
      .catch((error) => void (failure ??= { error }))
      .finally(() => {
        inFlight = null;
        if (pending) {
          pending = false;
          schedule();
        }
      });
  };

  schedule(); // the first frame: empty axes and "starting…"

  return {
    displayId,
    history,
    onStep: (event) => {
      lastStep = event;
      history.push({ step: event.step, seconds: event.seconds, loss: event.loss });
      const t = now();
      if (event.step - drawnStep < every || t - drawnAt < minIntervalMs) return;
      drawnStep = event.step;
      drawnAt = t;
      schedule();
    },
    onEval: (event) => {
      lastEval = event;
      history.push({
        step: event.step,
        seconds: lastStep?.seconds ?? 0,
        train_loss: event.trainLoss,
        val_loss: event.valLoss,
      });
      drawnStep = event.step;
      drawnAt = now();
      schedule();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      while (inFlight) await inFlight;
      if (!failure) await send(true).catch((error) => void (failure ??= { error }));
      if (failure) throw failure.error;
    },
  };
}
