/**
 * The Jupyter kernelspec the notebook runner uses. `deno jupyter --install`
 * would write one under `$HOME`; the runner instead writes its own into a
 * temporary directory and puts that on `JUPYTER_PATH`, so a headless run
 * needs no install, never touches the user's Jupyter setup, and uses the very
 * Deno that runs the runner. The kernel finds the project's `deno.json` from
 * its working directory (the notebook's directory), as it does in JupyterLab,
 * and runs with all permissions (the Deno kernel always does).
 *
 * @module
 */
import { join } from "node:path";

/** The kernel name the runner registers (distinct from an installed `deno`). */
export const KERNEL_NAME = "lmfs-deno";

/** The contents of a `kernel.json`. */
export interface KernelSpec {
  /** Command line; Jupyter replaces `{connection_file}`. */
  readonly argv: readonly string[];
  /** Name shown in frontends. */
  readonly display_name: string;
  /** Language of the kernel. */
  readonly language: string;
  /** Extra environment for the kernel process. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The kernelspec for a Deno executable: the same command line `deno jupyter
 * --install` writes (`deno jupyter --kernel --conn {connection_file}`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelSpec } from "./kernelspec.ts";
 * assert.deepEqual(kernelSpec("/usr/bin/deno").argv, [
 *   "/usr/bin/deno", "jupyter", "--kernel", "--conn", "{connection_file}",
 * ]);
 * ```
 */
export function kernelSpec(
  deno: string = Deno.execPath(),
  options: { env?: Readonly<Record<string, string>> } = {},
): KernelSpec {
  return {
    argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (lmfs notebook runner)",
    language: "typescript",
    ...(options.env ? { env: options.env } : {}),
  };
}

/**
 * Writes `<dir>/kernels/<name>/kernel.json`; `dir` then goes on `JUPYTER_PATH`.
 * Returns the path of the file written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { KERNEL_NAME, kernelSpec, writeKernelSpec } from "./kernelspec.ts";
 * const dir = await Deno.makeTempDir();
 * const file = await writeKernelSpec(dir, kernelSpec("/usr/bin/deno"));
 * assert.ok(file.endsWith(`kernels/${KERNEL_NAME}/kernel.json`));
 * assert.equal(JSON.parse(await Deno.readTextFile(file)).language, "typescript");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeKernelSpec(
  dir: string,
  spec: KernelSpec,
  name: string = KERNEL_NAME,
): Promise<string> {
  const kernelDir = join(dir, "kernels", name);
  await Deno.mkdir(kernelDir, { recursive: true });
  const file = join(kernelDir, "kernel.json");
  await Deno.writeTextFile(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}
