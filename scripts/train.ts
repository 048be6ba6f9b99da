/**
 * `deno task train:<model>` (the tasks pass `--model`): trains a model; see
 * `--help` and `lib/README.md`, "CLI, files and environment".
 *
 * @module
 */
import { printHelp, runMain } from "../lib/cli/mod.ts";
import { resolveTrainSettings, trainHelp } from "../lib/cli/train_settings.ts";
import { runTraining } from "../lib/cli/train_command.ts";

if (import.meta.main) {
  await runMain("train", async (args, { signal }) => {
    if (args.includes("--help") || args.includes("-h")) {
      const i = args.indexOf("--model");
      printHelp(trainHelp(i >= 0 ? args[i + 1] : undefined));
      return 0;
    }
    return await runTraining(resolveTrainSettings(args), signal);
  });
}
