/**
 * One sampler for all five models: `generate()` (greedy, temperature, top-k,
 * top-p, seed, stop strings, streaming, KV cache, recurrent state) and
 * `nextTokenDistribution()` for plotting what the model expects next.
 *
 * @module
 */
export { generate } from "./generate.ts";
export {
  type GenerateOptions,
  type GenerateResult,
  type StopReason,
  type TokenCallback,
  validateGenerateOptions,
  validatePrompt,
  validateSampling,
} from "./options.ts";
export { nextTokenDistribution, type NextTokenOptions } from "./next_token.ts";
export {
  argmax,
  pickToken,
  rankByValue,
  sampleIndex,
  samplingDistribution,
  type SamplingOptions,
  softmax,
  topKFilter,
  topPFilter,
} from "./sampling.ts";
export { lastLogits, ModelStepper, type StepMode } from "./model_stepper.ts";
export {
  type PushResult,
  type ReleasedToken,
  TokenStream,
  type TokenStreamOptions,
} from "./token_stream.ts";
