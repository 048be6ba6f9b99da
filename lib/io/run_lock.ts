/**
 * One writer per run directory. `train` takes a lock in `--out` before it
 * reads or writes anything there: a file `train.lock`, created exclusively,
 * holding the process id, host and start time. It is removed when the run
 * ends, however it ends (done, Ctrl-C, an error, `Deno.exit`). A second run on
 * the same directory is refused, naming the first; a lock whose process is
 * gone (a crash, a `kill -9`) is taken over with a notice.
 *
 * @module
 */
import { join } from "node:path";
import { InputError } from "../errors.ts";

/** The lock file's name inside a run directory. */
export const LOCK_FILE = "train.lock";

/** Lock files this process holds. */
const held = new Set<string>();

/** What a lock file holds. */
export interface LockOwner {
  /** Process id of the run holding the lock. */
  readonly pid: number;
  /** Host it runs on. */
  readonly host: string;
  /** When it started (ISO 8601). */
  readonly started: string;
}

/** A held lock. */
export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** A stale lock this one replaced, if any (for the notice). */
  readonly tookOver?: LockOwner;
  /** Removes the lock (and the run directory, if this lock created it and it is empty). */
  release(): void;
}

/**
 * Takes the lock of run directory `dir`, creating the directory if needed.
 * Throws a one-line {@link InputError} naming the other process when another
 * live run holds it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireRunLock } from "./run_lock.ts";
 * const dir = `${await Deno.makeTempDir()}/run`;
 * const lock = await acquireRunLock(dir);
 * await assert.rejects(() => acquireRunLock(dir), /in use by another training run/);
 * lock.release();
 * (await acquireRunLock(dir)).release();
 * ```
 */
export async function acquireRunLock(dir: string): Promise<RunLock> {
  const created = !(await Deno.stat(dir).then(() => true, () => false));
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (err) {
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotADirectory) {
      throw new InputError(`cannot create the run directory ${dir}: ${(err as Error).message}`);
    }
    throw err;
  }
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: Deno.pid, host: hostname(), started: new Date().toISOString() };
  let tookOver: LockOwner | undefined;
  for (let attempt = 0;; attempt++) {
    // written in full beside the lock, then hard-linked into place: the link
    // fails if a lock exists, and a lock is never seen half-written
    const temp = join(dir, `.${LOCK_FILE}.${me.pid}-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.writeTextFile(temp, JSON.stringify(me) + "\n");
    try {
      await Deno.link(temp, path);
      held.add(path);
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
    const owner = readOwner(path);
    if (owner && (isAlive(owner, path) || attempt > 0)) {
      throw new InputError(
        `${dir} is in use by another training run (pid ${owner.pid} on ${owner.host}, ` +
          `started ${owner.started}; lock ${path}): wait for it or stop it, or use another --out`,
      );
    }
    tookOver = owner ?? { pid: 0, host: "?", started: "?" };
    await Deno.remove(path).catch(() => {});
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    held.delete(path);
    globalThis.removeEventListener("unload", release);
    try {
      if (readOwner(path)?.pid === me.pid) Deno.removeSync(path);
      if (created) Deno.removeSync(dir); // only if empty: nothing was written
    } catch {
      // already gone, or the directory holds a run now
    }
  };
  globalThis.addEventListener("unload", release); // Deno.exit (second Ctrl-C) too
  return { path, tookOver, release };
}

/** The notice for a lock taken over from a run that is gone. */
export function staleLockNotice(lock: RunLock): string {
  const o = lock.tookOver;
  return o && o.pid > 0
    ? `took over ${lock.path} from process ${o.pid} (started ${o.started}), which is gone`
    : `took over ${lock.path}, left unreadable by a run that is gone`;
}

/** The owner written in a lock file, or undefined when unreadable (half-written). */
function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(Deno.readTextFileSync(path));
    if (Number.isInteger(o?.pid)) return o as LockOwner;
  } catch {
    // unreadable: treat as stale
  }
  return undefined;
}

/** Whether the process holding a lock still runs (a lock from another host counts as live). */
function isAlive(owner: LockOwner, path: string): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === Deno.pid) return held.has(path); // else a dead run's pid, reused by us
  try {
    Deno.statSync(`/proc/${owner.pid}`);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound && procAvailable()) return false;
  }
  try {
    // no /proc (macOS): `kill -0` tells whether the pid exists
    return new Deno.Command("kill", { args: ["-0", String(owner.pid)], stderr: "null" })
      .outputSync().success;
  } catch {
    return true;
  }
}

function procAvailable(): boolean {
  try {
    return Deno.statSync("/proc/self").isDirectory;
  } catch {
    return false;
  }
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost";
  }
}
