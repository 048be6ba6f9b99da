/**
 * Storage: the files a run leaves on disk. Safetensors encoding, atomic
 * directory writes, checkpoint directories, and the mapping from Hugging
 * Face's GPT-2 names to this project's. It sits below `nn/`: it knows
 * tensors only as typed arrays with a shape, and imports no layer, model or
 * training code.
 *
 * @module
 */
export {
  type Checkpoint,
  CHECKPOINT_FORMAT,
  type HistoryRow,
  readCheckpoint,
  type ReadCheckpointOptions,
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
export { gptConfigFromHf, type HfGptConfig, isHfGpt2Config, weightsFromHf } from "./hf_gpt2.ts";
export {
  type HeaderEntry,
  parseSafetensorsHeader,
  readSafetensorsHeader,
  type SafetensorsHeader,
} from "./safetensors_header.ts";
export { acquireRunLock, LOCK_FILE, type LockOwner, type RunLock } from "./run_lock.ts";
export {
  type DataFingerprint,
  dataFingerprint,
  type Digest,
  digestText,
  fingerprintDifference,
} from "./data_fingerprint.ts";
export { asResourceError, diskFullError, isDiskFull, setMemoryAdvice } from "./resource_errors.ts";
