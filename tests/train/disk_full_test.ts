import assert from "node:assert/strict";
import { writeDirAtomic } from "../../lib/io/atomic.ts";
import { exitFor } from "../../lib/cli/run_main.ts";
import { ResourceError } from "../../lib/errors.ts";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";

function enospc(path: string): Error {
  return Object.assign(
    new Error(`No space left on device (os error 28): writefile '${path}'`),
    { code: "ENOSPC" },
  );
}

Deno.test("writeDirAtomic(): a full disk is one line with where and how much, the temp dir goes, the old dir stays", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_full_" });
  try {
    await writeDirAtomic(`${root}/best`, { "model.safetensors": new Uint8Array(10).fill(1) });
    let writes = 0;
    const err = await writeDirAtomic(`${root}/best`, {
      "model.safetensors": new Uint8Array(2_000_000),
      "config.json": "{}",
    }, {
      writeFile: (path, data) => {
        if (++writes === 2) return Promise.reject(enospc(path));
        return Deno.writeFile(path, data);
      },
    }).then(() => undefined, (e) => e);
    assert.ok(err instanceof ResourceError, String(err));
    assert.match(err.message, new RegExp(`saving ${root}/best: it needed 2\\.0 MB`));
    assert.equal(err.message.split("\n").length, 1);
    assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["best"], "no temp dir left");
    assert.deepEqual(
      await Deno.readFile(`${root}/best/model.safetensors`),
      new Uint8Array(10).fill(1),
    );
    const out = exitFor(err, "train");
    assert.equal(out.code, 1);
    assert.doesNotMatch(out.text, /unexpected|\n|at /);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("exitFor(): allocation failures and a bare ENOSPC are one line with advice, exit 1", () => {
  for (
    const err of [
      new RangeError("Array buffer allocation failed"),
      new WebAssembly.RuntimeError("memory access out of bounds"),
      new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info."),
    ]
  ) {
    const out = exitFor(err, "train");
    assert.equal(out.code, 1);
    assert.match(out.text, /^train: ran out of memory \(.*\): lower --batch-size/);
    assert.equal(out.text.split("\n").length, 1);
  }
  const full = exitFor(enospc("/x/loss.png"), "train");
  assert.equal(full.code, 1);
  assert.match(full.text, /^train: no space left on the device \(.*loss\.png'\): free some space/);
  assert.match(exitFor(new TypeError("boom"), "train").text, /unexpected error: TypeError: boom/);
});

/** Mounts a tmpfs of `size` at a new directory, or returns undefined where mounting is not allowed. */
async function tmpfs(size: string): Promise<string | undefined> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_tmpfs_" });
  try {
    const r = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir],
      stdout: "null",
      stderr: "null",
    }).output();
    if (r.success) return dir;
  } catch {
    // no mount command
  }
  await Deno.remove(dir);
  return undefined;
}

const mountable = Deno.build.os === "linux" && Deno.uid?.() === 0;

Deno.test({
  name:
    "train on a full tmpfs: exit 1, one line, best/ and last/ intact, no temp dir (real process)",
  ignore: !mountable,
  async fn() {
    const dir = await tmpfs("8m");
    if (!dir) {
      Deno.stderr.writeSync(new TextEncoder().encode("skipped: mount -t tmpfs is not permitted\n"));
      return;
    }
    try {
      const out = `${dir}/run`;
      const args = ["--model", "gpt", "--preset", "tiny", "--sample", "0", "--eval-iters", "1"];
      const env = { LMFS_DATA_MIRROR: SHARED_DATA };
      const first = await runScript("train", [...args, "--out", out, "--max-iters", "1"], env);
      assert.equal(first.code, 0, first.stderr);
      const before = {
        best: await Deno.readFile(`${out}/best/model.safetensors`),
        last: await Deno.readFile(`${out}/last/model.safetensors`),
      };
      // fill the disk, leaving a little room: enough for the lock and the log, not a checkpoint
      const filler = await Deno.open(`${dir}/filler`, { write: true, create: true });
      try {
        const chunk = new Uint8Array(64 * 1024);
        while (true) await filler.write(chunk);
      } catch {
        // full
      } finally {
        filler.close();
      }
      await Deno.truncate(`${dir}/filler`, (await Deno.stat(`${dir}/filler`)).size - 48 * 1024);
      const r = await runScript(
        "train",
        [...args, "--out", out, "--resume", "--max-iters", "2"],
        env,
      );
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.match(
        lines.at(-1)!,
        /^train: no space left on the device saving .*run\/(best|last): it needed [\d.]+ kB/,
      );
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
      assert.deepEqual(await Deno.readFile(`${out}/best/model.safetensors`), before.best);
      assert.deepEqual(await Deno.readFile(`${out}/last/model.safetensors`), before.last);
      const left = [...Deno.readDirSync(out)].map((e) => e.name).filter((n) => n.includes("tmp-"));
      assert.deepEqual(left, [], "the half-written temp directory is removed");
      assert.equal(await Deno.stat(`${out}/train.lock`).then(() => true, () => false), false);
    } finally {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
