/**
 * Datasets: the registry, downloads through an optional mirror, text loading
 * and splitting, and batching.
 *
 * @module
 */
export { datasetNames, DATASETS, findDataset, getDataset } from "./registry.ts";
export type { DatasetFile, DatasetInfo, SplitName } from "./registry.ts";
export { defaultDataDir, MIRROR_ENV, mirrorFromEnv, parseMirror } from "./paths.ts";
export type { Mirror } from "./paths.ts";
export { DataUnavailableError, ensureDatasetFile, fetchDataset } from "./download.ts";
export type { DownloadProgress, FetchOptions } from "./download.ts";
export { loadText, readTextFile, splitText } from "./load_text.ts";
export type { LoadTextOptions, TextSplits } from "./load_text.ts";
export { sampleWindows, SequentialStreams } from "./batching.ts";
export type { Batch, BatchShape, StreamBatch, StreamState } from "./batching.ts";
export {
  fetchPretrained,
  findPretrained,
  HF_ENDPOINT_ENV,
  type PretrainedFile,
  type PretrainedInfo,
  pretrainedNames,
  verifyModelFile,
} from "./pretrained.ts";
export { type EvalSplit, loadEvalText } from "./eval_text.ts";
