/**
 * The loss curve every training run draws: the noisy per-step training loss
 * as a faint line, and the periodic train/val estimates (mean loss over
 * `--eval-iters` batches) as bold lines with points. Against steps or against
 * wall-clock seconds.
 *
 * @module
 */

import {
  baseConfig,
  type PlotOptions,
  roundForPlot,
  sizeOf,
  VEGA_LITE_SCHEMA,
  type VegaLiteSpec,
} from "./spec.ts";

/**
 * One row of training history. Field names match the training CLI's JSON
 * events (`step` events carry `loss`, `eval` events `train_loss` and
 * `val_loss`), so `log.jsonl` rows and `trainer_state.json` history can be
 * passed in as they are. Missing or non-finite values are skipped.
 */
export interface LossHistoryRow {
  /** Optimizer step (1-based or 0-based; plotted as given). */
  step: number;
  /** Training wall-clock seconds at this row (needed for `x: "seconds"`). */
  seconds?: number;
  /** This step's minibatch training loss (nats per token). */
  loss?: number;
  /** Periodic estimate of the training loss (nats per token). */
  train_loss?: number;
  /** Periodic estimate of the validation loss (nats per token). */
  val_loss?: number;
}

/** Options for {@link lossCurveSpec}. */
export interface LossCurveOptions extends PlotOptions {
  /** What the x axis shows: optimizer steps or training seconds. Default `"step"`. */
  x?: "step" | "seconds";
  /**
   * Most points drawn for the per-step loss (default 1000): longer series are
   * averaged over equal runs of consecutive steps, which keeps the spec small
   * and the line readable.
   */
  maxPoints?: number;
  /** Y-axis title. Default `"loss (nats/token)"`. */
  yTitle?: string;
}

/** Series names, in legend order. */
export const LOSS_SERIES: readonly ["train (per step)", "train", "val"] = [
  "train (per step)",
  "train",
  "val",
];
const COLORS = ["#9ecae9", "#1f5fa8", "#e4572e"];

type Point = { x: number; loss: number; series: string };

function finite(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** Averages consecutive points in equal buckets so at most `max` remain. */
function downsample(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const out: Point[] = [];
  const size = points.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * size);
    const to = Math.floor((b + 1) * size);
    let x = 0;
    let loss = 0;
    for (let i = from; i < to; i++) {
      x += points[i].x;
      loss += points[i].loss;
    }
    out.push({ x: x / (to - from), loss: loss / (to - from), series: points[from].series });
  }
  return out;
}

/**
 * A loss-curve spec from training history. Rows with a `loss` become the
 * faint per-step line; rows with `train_loss` / `val_loss` become the bold
 * estimate lines. An empty history gives empty axes (useful as the first
 * frame of a live plot).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lossCurveSpec } from "./loss_curve.ts";
 * const spec = lossCurveSpec([
 *   { step: 1, loss: 4.2 },
 *   { step: 2, loss: 3.9, train_loss: 3.95, val_loss: 4.0 },
 * ], { title: "char-rnn" });
 * const values = (spec.data as { values: { series: string }[] }).values;
 * assert.deepEqual(values.map((v) => v.series), ["train (per step)", "train (per step)", "train", "val"]);
 * ```
 */
export function lossCurveSpec(
  history: readonly LossHistoryRow[],
  options: LossCurveOptions = {},
): VegaLiteSpec {
  const xField = options.x ?? "step";
  if (xField !== "step" && xField !== "seconds") {
    throw new RangeError(`loss curve x must be "step" or "seconds"; got ${String(xField)}`);
  }
  const maxPoints = options.maxPoints ?? 1000;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer of at least 2; got ${maxPoints}`);
  }
  const perStep: Point[] = [];
  const estimates: Point[] = [];
  for (const row of history) {
    const x = row[xField];
    if (!finite(x)) continue;
    if (finite(row.loss)) perStep.push({ x, loss: row.loss, series: LOSS_SERIES[0] });
    if (finite(row.train_loss)) estimates.push({ x, loss: row.train_loss, series: LOSS_SERIES[1] });
    if (finite(row.val_loss)) estimates.push({ x, loss: row.val_loss, series: LOSS_SERIES[2] });
  }
  const values = [...downsample(perStep, maxPoints), ...estimates].map((p) => ({
    [xField]: roundForPlot(p.x),
    loss: roundForPlot(p.loss),
    series: p.series,
  }));
  const xTitle = xField === "step" ? "step" : "training time (s)";
  const yTitle = options.yTitle ?? "loss (nats/token)";
  const x = { field: xField, type: "quantitative", title: xTitle };
  const y = { field: "loss", type: "quantitative", title: yTitle, scale: { zero: false } };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: [...LOSS_SERIES], range: COLORS },
    legend: { orient: "top-right" },
  };
  const tooltip = [
    { field: "series", type: "nominal" },
    { field: xField, type: "quantitative", title: xTitle },
    { field: "loss", type: "quantitative", format: ".4f" },
  ];
  return {
    $schema: VEGA_LITE_SCHEMA,
    description: `Training loss against ${xTitle}: per-step loss and periodic train/val estimates`,
    ...(options.title ? { title: options.title } : {}),
    ...sizeOf(options, { width: 480, height: 280 }),
    data: { values },
    encoding: { x, y, color, tooltip },
    layer: [
      {
        transform: [{ filter: { field: "series", equal: LOSS_SERIES[0] } }],
        mark: { type: "line", strokeWidth: 1, opacity: 0.9, clip: true },
      },
      {
        transform: [{ filter: { field: "series", oneOf: [LOSS_SERIES[1], LOSS_SERIES[2]] } }],
        mark: { type: "line", strokeWidth: 2.5, point: { size: 30, filled: true }, clip: true },
      },
    ],
    config: baseConfig(),
  };
}
