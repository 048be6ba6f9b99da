/**
 * Language Models from Scratch: the public API. Notebooks and scripts import
 * from here (or from a sub-module's own `mod.ts`).
 *
 * @module
 */
export * from "./engine/mod.ts";
export * from "./data/mod.ts";
export * from "./tokenizers/mod.ts";
export * from "./io/mod.ts";
export * from "./nn/mod.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
export * from "./presets/mod.ts";
export * from "./sample/mod.ts";
export * from "./plot/mod.ts";
export { InputError, ResourceError } from "./errors.ts";
export { Rng, type RngState } from "./rng.ts";
export * from "./notebook/mod.ts";
export * from "./notebook_runner/mod.ts";
