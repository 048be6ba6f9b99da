import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT, SHARED_DATA } from "../_helpers/paths.ts";
import { readCheckpoint } from "../../lib/io/checkpoint.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_train_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function events(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
}

const tiny = ["--model", "gpt", "--preset", "tiny", "--sample", "0", "--json"];

Deno.test("train --json prints start, step, eval and done events and writes the run directory", async () => {
  await withTempDir(async (out) => {
    const r = await runScript("train", [...tiny, "--out", out], env);
    assert.equal(r.code, 0, r.stderr);
    const ev = events(r.stdout);
    assert.deepEqual(Object.keys(ev[0]), ["event", "model", "preset", "params", "backend", "blas"]);
    assert.equal(ev[0].model, "gpt");
    assert.ok(ev.some((e) => e.event === "step" && typeof e.tokens_per_second === "number"));
    assert.deepEqual(ev.filter((e) => e.event === "eval").map((e) => e.step), [0, 10, 20]);
    const done = ev.at(-1)!;
    assert.deepEqual(Object.keys(done), [
      "event",
      "iters",
      "train_loss",
      "val_loss",
      "best_val_loss",
      "val_bits_per_char",
      "seconds",
      "tokens_per_second",
      "checkpoint",
      "backend",
      "stopped_by",
    ]);
    assert.equal(done.iters, 20);
    assert.equal(done.stopped_by, "max-iters");
    assert.ok((done.val_loss as number) < Math.log(65));
    assert.ok(
      Math.abs((done.val_bits_per_char as number) - (done.val_loss as number) / Math.LN2) < 1e-9,
    );
    for (
      const f of [
        "log.jsonl",
        "loss.svg",
        "loss.png",
        "best/model.safetensors",
        "last/trainer_state.json",
      ]
    ) {
      assert.ok((await Deno.stat(`${out}/${f}`)).isFile, f);
    }
    const log = events(await Deno.readTextFile(`${out}/log.jsonl`));
    assert.deepEqual(log.at(-1), done);
    const best = await readCheckpoint(out);
    assert.equal(best.dir, `${out}/best`);
    assert.equal(best.model, "gpt");
    assert.equal(best.state?.step, 20);
  });
});

Deno.test("train --resume continues exactly: 10 then 20 equals 20 straight", async () => {
  await withTempDir(async (dir) => {
    const straight = await runScript("train", [...tiny, "--out", `${dir}/a`], env);
    const first = await runScript(
      "train",
      [...tiny, "--out", `${dir}/b`, "--max-iters", "10"],
      env,
    );
    const second = await runScript("train", [
      ...tiny,
      "--out",
      `${dir}/b`,
      "--max-iters",
      "20",
      "--resume",
    ], env);
    for (const r of [straight, first, second]) assert.equal(r.code, 0, r.stderr);
    const evals = (s: string) =>
      events(s).filter((e) => e.event === "eval").map((e) => [e.step, e.val_loss]);
    assert.deepEqual([...evals(first.stdout), ...evals(second.stdout)], evals(straight.stdout));
    const a = await readCheckpoint(`${dir}/a/last`);
    const b = await readCheckpoint(`${dir}/b/last`);
    assert.deepEqual(b.weights["wte.weight"].data, a.weights["wte.weight"].data);
  });
});

Deno.test("train: bad input exits 2 with one line and leaves no run directory", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/run`;
    const cases: Array<[string[], RegExp]> = [
      [["--preset", "huge"], /model gpt has no preset "huge": choose one of tiny, baby, default/],
      [["--set", "nHead=3"], /nEmbd \(32\) must be divisible by nHead \(3\)/],
      [["--set", "colour=blue"], /--set: unknown field "colour"/],
      [["--set", "nLayer=two"], /--set nLayer: expected a number/],
      [["--lr", "fast"], /--lr must be a number/],
      [["--max-iters=-3"], /--max-iters must be an integer ≥ 0/],
      [
        ["--tokenizer", "char", "--vocab-size", "100"],
        /--vocab-size does not apply to the char tokenizer/,
      ],
      [["--data", `${dir}/missing.txt`], /cannot read data file .*missing\.txt: no such file/],
      [["--resume"], /--resume: no run to continue/],
      [["--backend", "quantum"], /--backend must be auto, tensorflow, wasm, cpu or webgpu/],
      [["--frobnicate"], /Unknown option '--frobnicate'/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runScript("train", [
        "--model",
        "gpt",
        "--preset",
        "tiny",
        "--out",
        out,
        ...args,
      ], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n").filter((l) =>
        !l.startsWith("engine:") && !l.startsWith("data:")
      );
      assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(lines[0], pattern);
    }
    assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  });
});

Deno.test("train --resume refuses a run whose model or data differ", async () => {
  await withTempDir(async (out) => {
    const r = await runScript("train", [
      ...tiny,
      "--out",
      out,
      "--max-iters",
      "2",
      "--eval-interval",
      "1",
    ], env);
    assert.equal(r.code, 0, r.stderr);
    const bad = await runScript(
      "train",
      [...tiny, "--out", out, "--resume", "--block-size", "16"],
      env,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--resume: blockSize is \d+ in the checkpoint but 16 was asked for/);
  });
});

Deno.test("train: Ctrl-C finishes the step, saves last/ and exits 130; --resume then continues exactly", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/interrupted`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "scripts/train.ts",
        ...tiny,
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
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes('"event":"step"')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    while (!(await reader.read()).done);
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.code, 130);
    const last = await readCheckpoint(`${out}/last`);
    const stopped = last.state!.step;
    assert.ok(stopped >= 1, "saved after at least one step");
    assert.ok(last.optimizer, "optimizer state saved");

    // What it left continues exactly: the same losses, step by step, and the same weights as
    // an uninterrupted run.
    const end = ["--max-iters", String(stopped + 3), "--eval-interval", "100000"];
    const resumed = await runScript("train", [...tiny, "--out", out, ...end, "--resume"], env);
    const straight = await runScript("train", [...tiny, "--out", `${dir}/straight`, ...end], env);
    for (const r of [resumed, straight]) assert.equal(r.code, 0, r.stderr);
    const a = await readCheckpoint(`${dir}/straight/last`);
    const b = await readCheckpoint(`${out}/last`);
    assert.equal(b.state!.step, stopped + 3);
    const losses = (c: typeof a) =>
      c.state!.history.map((r) => [r.step, r.loss ?? null, r.val_loss ?? null]);
    assert.equal(losses(b).length, 1 + stopped + 3 + 1, "eval at 0, every step, final eval");
    assert.deepEqual(losses(b), losses(a));
    assert.equal(events(resumed.stdout).at(-1)!.val_loss, events(straight.stdout).at(-1)!.val_loss);
    assert.deepEqual(b.weights["wte.weight"].data, a.weights["wte.weight"].data);
  });
});

Deno.test("train --data tinystories runs on a small sample through the mirror, with BPE", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/mirror/tinystories`, { recursive: true });
    const story = (i: number) =>
      `Once upon a time there was a little ${["cat", "dog", "bird"][i % 3]} named ${
        ["Tom", "Lily", "Max"][i % 3]
      }. ` +
      `It liked to play in the park with its friends.\n<|endoftext|>\n`;
    const text = (n: number, off: number) =>
      Array.from({ length: n }, (_, i) => story(i + off)).join("");
    await Deno.writeTextFile(`${dir}/mirror/tinystories/TinyStories-train.txt`, text(200, 0));
    await Deno.writeTextFile(`${dir}/mirror/tinystories/TinyStories-valid.txt`, text(40, 1));
    const r = await runScript("train", [
      ...tiny,
      "--data",
      "tinystories",
      "--tokenizer",
      "bpe",
      "--vocab-size",
      "300",
      "--max-iters",
      "4",
      "--out",
      `${dir}/run`,
      "--mirror",
      `${dir}/mirror`,
      "--data-dir",
      `${dir}/cache`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const done = events(r.stdout).at(-1)!;
    assert.equal(done.iters, 4);
    const best = await readCheckpoint(`${dir}/run`);
    assert.equal((best.tokenizer as { model: { type: string } }).model.type, "BPE");
    assert.ok(
      (await Deno.stat(`${dir}/cache/tinystories/TinyStories-train.txt`)).isFile,
      "cached in --data-dir",
    );
  });
});
