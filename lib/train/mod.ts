/**
 * Training: one loop for every model, AdamW, clipping, the schedule and
 * evaluation metrics (checkpoint files live in `../io/`).
 *
 * @module
 */
export { DEFAULT_TRAIN, type TrainConfig, validateTrainConfig } from "./config.ts";
export {
  DivergedError,
  type EvalEvent,
  type Snapshot,
  type StepEvent,
  train,
  type TrainData,
  type TrainHooks,
  type TrainResult,
} from "./train.ts";
export { AdamW, adamWOps, type AdamWOptions, adamWUpdate } from "./adamw.ts";
export { clipByGlobalNorm, globalNormClip, globalNormClipOps } from "./clip.ts";
export {
  type CosineSchedule,
  learningRate,
  learningRateByTime,
  type TimeProgress,
} from "./schedule.ts";
export { bitsPerChar, estimateLoss, perplexity } from "./evaluate.ts";
export {
  type SlidingWindow,
  slidingWindowLoss,
  type SlidingWindowOptions,
  type SlidingWindowResult,
  slidingWindows,
} from "./sliding_window.ts";
