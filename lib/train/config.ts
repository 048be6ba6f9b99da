/**
 * Training options shared by every model, with nanoGPT-like defaults.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** How a run trains (model and data settings live elsewhere). */
export interface TrainConfig {
  /** Stop at this step, counted from the start of the run (resumes included). */
  readonly maxIters: number;
  /** Length of the warmup + cosine schedule in steps. */
  readonly lrDecayIters: number;
  /** Steps of linear warmup. */
  readonly warmupIters: number;
  /** Peak learning rate. */
  readonly lr: number;
  /** Final learning rate. */
  readonly minLr: number;
  /** AdamW β1. */
  readonly beta1: number;
  /** AdamW β2. */
  readonly beta2: number;
  /** AdamW decoupled weight decay (matrices and embeddings only). */
  readonly weightDecay: number;
  /** Global gradient-norm clip; 0 turns it off. */
  readonly gradClip: number;
  /** Micro-batches per optimizer step (gradient accumulation). */
  readonly gradAccum: number;
  /** Sequences per micro-batch. */
  readonly batchSize: number;
  /** Evaluate every this many steps. */
  readonly evalInterval: number;
  /**
   * Also evaluate once this many training seconds have passed since the last
   * evaluation; 0 = off. Gives curves against time with points at equal
   * spacing whatever a model's speed (`--set evalSeconds=30`).
   */
  readonly evalSeconds: number;
  /** Batches per split in each evaluation. */
  readonly evalIters: number;
  /** Stop after this many evaluations without a new best validation loss; 0 = never. */
  readonly patience: number;
  /** Stop after this many seconds of training; 0 = no limit. */
  readonly timeBudget: number;
  /** With a time budget: run the schedule on the fraction of the budget used instead of steps. */
  readonly scheduleByTime: boolean;
  /** Seed for weights, batches and dropout. */
  readonly seed: number;
}

/** Defaults (nanoGPT's small-CPU settings where they apply). */
export const DEFAULT_TRAIN: TrainConfig = {
  maxIters: 2000,
  lrDecayIters: 2000,
  warmupIters: 100,
  lr: 1e-3,
  minLr: 1e-4,
  beta1: 0.9,
  beta2: 0.99,
  weightDecay: 0.1,
  gradClip: 1.0,
  gradAccum: 1,
  batchSize: 12,
  evalInterval: 250,
  evalSeconds: 0,
  evalIters: 20,
  patience: 0,
  timeBudget: 0,
  scheduleByTime: false,
  seed: 1337,
};

/**
 * Checks every field and throws a one-line {@link InputError} naming the
 * first bad one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_TRAIN, validateTrainConfig } from "./config.ts";
 * validateTrainConfig(DEFAULT_TRAIN);
 * assert.throws(() => validateTrainConfig({ ...DEFAULT_TRAIN, lr: -1 }), /lr must be/);
 * ```
 */
export function validateTrainConfig(c: TrainConfig): void {
  const int = (name: keyof TrainConfig, min: number) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new InputError(`${name} must be an integer ≥ ${min}; got ${v}`);
    }
  };
  const num = (name: keyof TrainConfig, ok: (v: number) => boolean, what: string) => {
    const v = c[name] as number;
    if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) {
      throw new InputError(`${name} must be ${what}; got ${v}`);
    }
  };
  int("maxIters", 0);
  int("lrDecayIters", 1);
  int("warmupIters", 0);
  int("gradAccum", 1);
  int("batchSize", 1);
  int("evalInterval", 1);
  int("evalIters", 1);
  int("patience", 0);
  int("seed", 0);
  num("lr", (v) => v > 0, "> 0");
  num("minLr", (v) => v >= 0 && v <= c.lr, "between 0 and lr");
  num("beta1", (v) => v >= 0 && v < 1, "in [0, 1)");
  num("beta2", (v) => v >= 0 && v < 1, "in [0, 1)");
  num("weightDecay", (v) => v >= 0, "≥ 0");
  num("gradClip", (v) => v >= 0, "≥ 0 (0 = off)");
  num("timeBudget", (v) => v >= 0, "≥ 0 seconds (0 = none)");
  num("evalSeconds", (v) => v >= 0, "≥ 0 seconds (0 = off)");
}
