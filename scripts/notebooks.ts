/**
 * `deno task notebooks [--quick|--full] [--write] [paths…]`: runs notebooks
 * headless on the real Deno kernel through Jupyter's nbclient (default: every
 * notebooks/*.ipynb in quick mode). See `--help` and lib/notebook_runner/command.ts.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { runMain } from "../lib/cli/run_main.ts";
import { notebooksMain } from "../lib/notebook_runner/command.ts";

const NOTEBOOKS_DIR = fileURLToPath(new URL("../notebooks", import.meta.url));

if (import.meta.main) {
  await runMain(
    "notebooks",
    (args, ctx) => notebooksMain(args, ctx, { defaultDir: NOTEBOOKS_DIR }),
  );
}
