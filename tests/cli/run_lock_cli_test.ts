import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT, SHARED_DATA } from "../_helpers/paths.ts";
import { acquireRunLock, LOCK_FILE } from "../../lib/io/run_lock.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };
const tiny = ["--model", "gpt", "--preset", "tiny", "--sample", "0", "--eval-iters", "1"];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

Deno.test("run lock: a second train on a locked --out exits 2 naming the first; Ctrl-C removes the lock", async () => {
  const out = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    const first = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/train.ts",
        ...tiny,
        "--json",
        "--out",
        out,
        "--max-iters",
        "100000",
        "--eval-interval",
        "100000",
      ],
      cwd: ROOT,
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = first.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes('"event":"step"')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    const lock = JSON.parse(await Deno.readTextFile(`${out}/${LOCK_FILE}`));
    assert.equal(lock.pid, first.pid);
    assert.ok(!Number.isNaN(Date.parse(lock.started)));

    const second = await runScript("train", [...tiny, "--out", out, "--max-iters", "1"], env);
    assert.equal(second.code, 2, second.stderr);
    const lines = second.stderr.trim().split("\n");
    assert.equal(lines.length, 1, second.stderr);
    assert.match(lines[0], new RegExp(`in use by another training run \\(pid ${first.pid} `));

    first.kill("SIGINT");
    while (!(await reader.read()).done);
    assert.equal((await first.status).code, 130);
    assert.equal(await exists(`${out}/${LOCK_FILE}`), false, "lock removed on Ctrl-C");
    assert.equal(await exists(`${out}/last/model.safetensors`), true);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("run lock: a second Ctrl-C (exit at once) removes the lock too", async () => {
  const out = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/train.ts",
        ...tiny,
        "--json",
        "--out",
        out,
        "--max-iters",
        "100000",
      ],
      cwd: ROOT,
      env: { ...env, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes('"event":"step"')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert.equal(await exists(`${out}/${LOCK_FILE}`), true);
    child.kill("SIGINT");
    try {
      child.kill("SIGINT");
    } catch {
      // it had already finished after the first
    }
    while (!(await reader.read()).done);
    assert.equal((await child.status).code, 130);
    assert.equal(await exists(`${out}/${LOCK_FILE}`), false, "lock removed");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("run lock: an --out that cannot be created is one line, exit 2", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    await Deno.writeTextFile(`${root}/file`, "not a directory");
    const r = await runScript("train", [...tiny, "--out", `${root}/file/run`], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.trim(), /^train: cannot create the run directory .*file\/run: /);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run lock: a stale lock (its process gone) is taken over with a notice, and removed at the end", async () => {
  const out = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    const pid = await deadPid();
    const stale = { pid, host: Deno.hostname(), started: "2020-01-01T00:00:00.000Z" };
    await Deno.writeTextFile(`${out}/${LOCK_FILE}`, JSON.stringify(stale));
    const r = await runScript("train", [...tiny, "--out", out, "--max-iters", "1"], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`note: took over .*${LOCK_FILE} from process ${pid} .*gone`));
    assert.equal(await exists(`${out}/${LOCK_FILE}`), false, "lock removed on exit");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("run lock: a run that fails on bad input removes its lock and the directory it created", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    const out = `${root}/run`;
    const r = await runScript(
      "train",
      [...tiny, "--out", out, "--data", `${root}/missing.txt`],
      env,
    );
    assert.equal(r.code, 2, r.stderr);
    assert.equal(await exists(out), false, "nothing left behind");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("acquireRunLock() refuses a live holder in-process and can be taken again once released", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_lock_" });
  try {
    const lock = await acquireRunLock(dir);
    await assert.rejects(() => acquireRunLock(dir), new RegExp(`pid ${Deno.pid}`));
    lock.release();
    assert.equal(await exists(`${dir}/${LOCK_FILE}`), false);
    assert.equal(await exists(dir), true, "a directory it did not create is kept");
    const again = await acquireRunLock(dir);
    assert.equal(again.tookOver, undefined);
    again.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
