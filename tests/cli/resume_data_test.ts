import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { sharedText } from "../_helpers/paths.ts";
import { digestText } from "../../lib/io/data_fingerprint.ts";

const tiny = ["--model", "gpt", "--preset", "tiny", "--sample", "0", "--eval-iters", "1"];

Deno.test("train --resume on a changed text is refused in one line unless --allow-data-change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_resume_data_" });
  try {
    const text = (await sharedText("tinyshakespeare/input.txt")).slice(0, 20_000);
    const data = `${dir}/text.txt`;
    await Deno.writeTextFile(data, text);
    const args = [...tiny, "--data", data, "--out", `${dir}/run`];
    const first = await runScript("train", [...args, "--max-iters", "1"]);
    assert.equal(first.code, 0, first.stderr);
    const state = JSON.parse(await Deno.readTextFile(`${dir}/run/last/trainer_state.json`));
    const fp = state.settings.dataFingerprint;
    assert.equal(fp.train.bytes + fp.val.bytes, new TextEncoder().encode(text).length);
    assert.match(fp.train.sha256, /^[0-9a-f]{64}$/);
    assert.match(fp.tokenizer.sha256, /^[0-9a-f]{64}$/);

    const same = await runScript("train", [...args, "--resume", "--max-iters", "2"]);
    assert.equal(same.code, 0, same.stderr);

    await Deno.writeTextFile(data, text.replace("First Citizen", "Second Citizen"));
    const changed = await runScript("train", [...args, "--resume", "--max-iters", "3"]);
    assert.equal(changed.code, 2, changed.stderr);
    const lines = changed.stderr.trim().split("\n").filter((l) => !l.startsWith("engine:"));
    assert.equal(lines.length, 1, changed.stderr);
    assert.match(lines[0], /--resume: the training text differs .*--allow-data-change/);

    const allowed = await runScript("train", [
      ...args,
      "--resume",
      "--max-iters",
      "3",
      "--allow-data-change",
    ]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /note: --allow-data-change: the training text differs/);
    const after = JSON.parse(await Deno.readTextFile(`${dir}/run/last/trainer_state.json`));
    assert.equal(after.step, 3);
    const now = await digestText(text.replace("First Citizen", "Second Citizen"));
    assert.equal(
      after.settings.dataFingerprint.train.bytes + after.settings.dataFingerprint.val.bytes,
      now.bytes,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train --allow-data-change without --resume exits 2", async () => {
  const r = await runScript("train", [...tiny, "--allow-data-change"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--allow-data-change goes with --resume/);
});
