/**
 * Training: one loop for every model, AdamW, clipping, the schedule,
 * evaluation metrics and checkpoints.
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
export { AdamW, type AdamWOptions } from "./adamw.ts";
export { clipByGlobalNorm } from "./clip.ts";
export {
  type CosineSchedule,
  learningRate,
  learningRateByTime,
  type TimeProgress,
} from "./schedule.ts";
export { bitsPerChar, estimateLoss, perplexity } from "./evaluate.ts";
export {
  type Checkpoint,
  CHECKPOINT_FORMAT,
  type HistoryRow,
  readCheckpoint,
  resolveCheckpointDir,
  type TrainerState,
  writeCheckpoint,
} from "./checkpoint.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsFile,
  type StoredTensor,
} from "./safetensors.ts";
export { recoverDir, writeDirAtomic } from "./atomic.ts";
