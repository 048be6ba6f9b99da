/**
 * Notebooks: helpers the notebooks import (quick mode, live training
 * display, text and engine output, all taking `Deno.jupyter.display` as a
 * parameter). The headless runner behind `deno task notebooks` lives in
 * `../notebook_runner/`.
 *
 * ```ts ignore
 * import { liveTraining, pick, showEngine } from "../lib/notebook/mod.ts";
 * await showEngine(Deno.jupyter.display, formatEngineInfo(await initEngine()));
 * const live = liveTraining(Deno.jupyter.display, { title: "char-rnn", total: pick(30, 3000) });
 * ```
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pick } from "./mod.ts";
 * assert.equal(pick("quick", "full", { env: { LMFS_QUICK: "1" } }), "quick");
 * ```
 *
 * @module
 */
export { isQuick, pick, QUICK_ENV } from "./quick.ts";
export { ENGINE_PREFIX, showEngine, showMarkdown, showText } from "./display.ts";
export type { DisplayFunction, DisplayOptions, MimeBundle } from "./display.ts";
export { liveTraining, progressText } from "./live_training.ts";
export type { LiveTraining, LiveTrainingOptions } from "./live_training.ts";
