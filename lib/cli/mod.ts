/**
 * Shared pieces of the command-line scripts: exit codes, output and progress.
 *
 * @module
 */
export { EXIT, exitFor, runMain } from "./run_main.ts";
export type { MainContext } from "./run_main.ts";
export {
  emitJson,
  formatBytes,
  info,
  printHelp,
  progressLine,
  stderrIsTerminal,
  useColor,
} from "./output.ts";
export type { ProgressLine } from "./output.ts";
