/**
 * Writing a directory so that a crash never leaves a half-written one where a
 * good one was: everything is written into a temporary sibling, then swapped
 * in with renames. A kill between the two renames leaves the previous version
 * as `<dir>.old-*`, which {@link recoverDir} puts back.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { diskFullError } from "./resource_errors.ts";

/** Options of {@link writeDirAtomic}. */
export interface WriteDirOptions {
  /** Writes one file (default `Deno.writeFile`); tests inject failures here. */
  readonly writeFile?: (path: string, data: Uint8Array) => Promise<void>;
}

function neededBytes(files: Record<string, Uint8Array | string>): number {
  let n = 0;
  for (const c of Object.values(files)) {
    n += typeof c === "string" ? new TextEncoder().encode(c).length : c.length;
  }
  return n;
}

/**
 * Writes `files` (name → bytes or text) as the directory `dir`, atomically
 * replacing any previous version. A write that fails removes the temporary
 * directory and leaves the previous version as it was; a full disk becomes a
 * one-line `ResourceError` saying where and how much was needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeDirAtomic } from "./atomic.ts";
 * const root = await Deno.makeTempDir();
 * await writeDirAtomic(`${root}/last`, { "a.txt": "one" });
 * await writeDirAtomic(`${root}/last`, { "a.txt": "two" });
 * assert.equal(await Deno.readTextFile(`${root}/last/a.txt`), "two");
 * assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["last"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeDirAtomic(
  dir: string,
  files: Record<string, Uint8Array | string>,
  options: WriteDirOptions = {},
): Promise<void> {
  const writeFile = options.writeFile ?? ((path, data) => Deno.writeFile(path, data));
  const parent = dirname(dir);
  await Deno.mkdir(parent, { recursive: true });
  await recoverDir(dir);
  const tag = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const temp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  await Deno.mkdir(temp);
  try {
    for (const [name, content] of Object.entries(files)) {
      const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
      await writeFile(join(temp, name), data);
    }
    // fsync the files so a power cut cannot leave renamed-but-empty files
    for (const name of Object.keys(files)) {
      const f = await Deno.open(join(temp, name), { read: true, write: true });
      try {
        await f.syncData();
      } finally {
        f.close();
      }
    }
  } catch (err) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw diskFullError(err, dir, neededBytes(files)) ?? err;
  }
  const old = join(parent, `${basename(dir)}.old-${tag}`);
  let hadOld = false;
  try {
    await Deno.rename(dir, old);
    hadOld = true;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.rename(temp, dir);
  if (hadOld) await Deno.remove(old, { recursive: true });
}

/**
 * Finishes or undoes an interrupted {@link writeDirAtomic}: if `dir` is
 * missing but a `<dir>.old-*` exists, renames it back; removes stale
 * temporary and old copies otherwise.
 */
export async function recoverDir(dir: string): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(parent)];
  } catch {
    return;
  }
  const exists = entries.some((e) => e.name === name);
  const olds = entries.filter((e) => e.name.startsWith(`${name}.old-`));
  const temps = entries.filter((e) => e.name.startsWith(`.${name}.tmp-`));
  for (const [i, e] of olds.entries()) {
    const path = join(parent, e.name);
    if (!exists && i === 0) await Deno.rename(path, dir);
    else await Deno.remove(path, { recursive: true });
  }
  for (const e of temps) {
    const pid = Number(e.name.slice(`.${name}.tmp-`.length).split("-")[0]);
    if (pid !== Deno.pid) {
      await Deno.remove(join(parent, e.name), { recursive: true }).catch(() => {});
    }
  }
}
