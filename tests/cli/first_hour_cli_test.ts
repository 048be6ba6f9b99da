/**
 * A newcomer's first hour (issue 23): resume, run directories, Ctrl-C,
 * output in pipes and logs, first-run noise and the small truths, each
 * through the real scripts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT, SHARED_DATA } from "../_helpers/paths.ts";
import { readCheckpoint } from "../../lib/io/checkpoint.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };
const tiny = ["--model", "gpt", "--preset", "tiny", "--sample", "0", "--eval-iters", "1"];

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_first_hour_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function events(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

/** stderr without the engine and data lines every run starts with. */
function reasons(stderr: string): string[] {
  return stderr.trim().split("\n").filter((l) => l && !/^(engine|data): /.test(l));
}

/** Runs a script with text piped to its stdin. */
async function runWithStdin(name: string, args: string[], stdin: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `scripts/${name}.ts`, ...args],
    cwd: ROOT,
    env: { ...env, NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

// 1 ──────────────────────────────────────────────────────────────────────────

Deno.test("1. --resume takes model and data settings from the checkpoint; only contradicting flags are refused", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/mine`;
    const first = await runScript("train", [
      ...tiny,
      "--set",
      "nLayer=1",
      "--set",
      "dropout=0.1",
      "--out",
      out,
      "--max-iters",
      "2",
    ], env);
    assert.equal(first.code, 0, first.stderr);
    // README's form: only --out, --max-iters and --resume (no --preset, no --set)
    const again = await runScript("train", [
      "--model",
      "gpt",
      "--sample",
      "0",
      "--json",
      "--out",
      out,
      "--max-iters",
      "4",
      "--resume",
    ], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(events(again.stdout).at(-1)!.iters, 4);
    const last = await readCheckpoint(`${out}/last`);
    assert.equal(last.config.nLayer, 1);
    assert.equal(last.config.dropout, 0.1);
    assert.equal(last.config.nEmbd, 32, "the tiny preset's width, from the checkpoint");
    const same = await runScript(
      "train",
      [...tiny, "--out", out, "--resume", "--set", "nLayer=1"],
      env,
    );
    assert.equal(same.code, 0, `a flag that agrees is fine: ${same.stderr}`);
    const clash = await runScript(
      "train",
      [...tiny, "--out", out, "--resume", "--set", "nLayer=2"],
      env,
    );
    assert.equal(clash.code, 2);
    assert.deepEqual(reasons(clash.stderr).length, 1, clash.stderr);
    assert.match(clash.stderr, /--resume: nLayer is 1 in the checkpoint but 2 was asked for/);
    const data = await runScript("train", [
      ...tiny,
      "--out",
      out,
      "--resume",
      "--data",
      "wikitext2",
    ], env);
    assert.equal(data.code, 2);
    assert.match(data.stderr, /--resume: --data is "tinyshakespeare" in the checkpoint/);
  });
});

// 2 ──────────────────────────────────────────────────────────────────────────

Deno.test("2. a new run into a directory holding a run is refused; --overwrite replaces it", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/run`;
    const args = [...tiny, "--out", out, "--max-iters", "3", "--json"];
    assert.equal((await runScript("train", args, env)).code, 0);
    const before = await Deno.readTextFile(`${out}/last/trainer_state.json`);
    const again = await runScript("train", [...tiny, "--out", out, "--max-iters", "1"], env);
    assert.equal(again.code, 2);
    const lines = reasons(again.stderr);
    assert.equal(lines.length, 1, again.stderr);
    assert.match(lines[0], /already holds a run \(3 steps in last\/\).*--overwrite.*--resume/);
    assert.equal(await Deno.readTextFile(`${out}/last/trainer_state.json`), before, "untouched");
    const both = await runScript("train", [...tiny, "--out", out, "--resume", "--overwrite"], env);
    assert.equal(both.code, 2);
    const over = await runScript("train", [
      ...tiny,
      "--out",
      out,
      "--max-iters",
      "1",
      "--overwrite",
    ], env);
    assert.equal(over.code, 0, over.stderr);
    assert.equal((await readCheckpoint(`${out}/best`)).state?.step, 1, "no stale best/ survives");
  });
});

Deno.test("2. the default run directory names the data when it is not the preset's own", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/my_book.txt`, "to be or not to be\n".repeat(200));
    // --resume with no run there fails before writing anything, naming the directory it looked in
    const r = await runScript("train", [...tiny, "--data", `${dir}/my_book.txt`, "--resume"], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no run to continue in \S*data\/checkpoints\/gpt\/tiny-my_book /);
    const own = await runScript("train", [...tiny, "--data", "shakespeare", "--resume"], env);
    assert.match(own.stderr, /no run to continue in \S*data\/checkpoints\/gpt\/tiny /);
  });
});

// 3 ──────────────────────────────────────────────────────────────────────────

Deno.test("3. Ctrl-C evaluates before saving: best/ is the best evaluated state, not step 0's", async () => {
  await withTempDir(async (out) => {
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
    while (!seen.includes('"step":30,')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += r.value;
    const status = await child.status;
    await child.stderr.cancel();
    assert.equal(status.code, 130);
    const evals = events(seen).filter((e) => e.event === "eval");
    const last = await readCheckpoint(`${out}/last`);
    assert.equal(evals.at(-1)!.step, last.state!.step, "the interrupted step was evaluated");
    assert.ok(last.state!.step >= 30);
    const best = await readCheckpoint(`${out}/best`);
    const min = evals.reduce((a, e) => (e.val_loss as number) < (a.val_loss as number) ? e : a);
    assert.equal(best.state!.step, min.step, "best/ holds the lowest evaluated validation loss");
    assert.ok((min.step as number) > 0, "30 steps of training beat the untrained weights");
  });
});

// 4 ──────────────────────────────────────────────────────────────────────────

Deno.test("4. train:transformer's step-0 loss is near ln V untied, and above it tied (explained in README)", async () => {
  await withTempDir(async (dir) => {
    const run = (extra: string[], out: string) =>
      runScript("train", [
        "--model",
        "transformer",
        "--preset",
        "tiny",
        "--max-iters",
        "0",
        "--eval-iters",
        "4",
        "--sample",
        "0",
        "--json",
        "--out",
        out,
        ...extra,
      ], env);
    const untied = await run(["--set", "tieWeights=false"], `${dir}/untied`);
    assert.equal(untied.code, 0, untied.stderr);
    const step0 = (stdout: string) =>
      events(stdout).find((e) => e.event === "eval" && e.step === 0)!.val_loss as number;
    assert.ok(Math.abs(step0(untied.stdout) - Math.log(65)) < 0.3, `${step0(untied.stdout)}`);
    const tied = await run([], `${dir}/tied`);
    assert.ok(step0(tied.stdout) > Math.log(65) + 0.3, `${step0(tied.stdout)}`);
  });
});

// 5 ──────────────────────────────────────────────────────────────────────────

Deno.test("5. doctor reports whether JupyterLab, Notebook or VS Code is there", async () => {
  await withTempDir(async (dir) => {
    const check = async (path: string) => {
      const r = await runScript("doctor", ["--json"], { ...env, PATH: path });
      return events(r.stdout).find((e) => e.name === "jupyter app")!;
    };
    const none = await check(dir);
    assert.equal(none.status, "warn");
    assert.match(none.detail as string, /none of JupyterLab, Jupyter Notebook or VS Code/);
    assert.match(none.fix as string, /pip install jupyterlab/);
    await Deno.writeTextFile(`${dir}/jupyter-lab`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/jupyter-lab`, 0o755);
    const lab = await check(dir);
    assert.equal(lab.status, "ok");
    assert.match(lab.detail as string, /^JupyterLab \(/);
  });
});

// 6 ──────────────────────────────────────────────────────────────────────────

Deno.test("6. unseen characters: the error names --set unknownToken=true, which works", async () => {
  await withTempDir(async (dir) => {
    const plain = `${dir}/plain`;
    const unk = `${dir}/unk`;
    assert.equal(
      (await runScript("train", [...tiny, "--max-iters", "1", "--out", plain], env)).code,
      0,
    );
    const refused = await runScript("generate", [
      "--checkpoint",
      plain,
      "--prompt",
      "€",
      "--length",
      "3",
    ]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--set unknownToken=true/);
    const r = await runScript("train", [
      ...tiny,
      "--max-iters",
      "1",
      "--out",
      unk,
      "--set",
      "unknownToken=true",
    ], env);
    assert.equal(r.code, 0, r.stderr);
    const ok = await runScript("generate", ["--checkpoint", unk, "--prompt", "€", "--length", "3"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(ok.stdout.startsWith("€"));
    const bpe = await runScript("train", [
      ...tiny,
      "--tokenizer",
      "bpe",
      "--set",
      "unknownToken=true",
    ], env);
    assert.equal(bpe.code, 2);
    assert.match(bpe.stderr, /unknownToken applies to the char tokenizer only/);
  });
});

// 7 ──────────────────────────────────────────────────────────────────────────

Deno.test("7. --help prints on stdout for every script", async () => {
  for (const name of ["train", "generate", "chat", "data", "doctor", "bench", "notebooks"]) {
    const r = await runScript(name, name === "train" ? ["--model", "gpt", "--help"] : ["--help"]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: deno task /, name);
    assert.equal(r.stderr, "", name);
  }
});

Deno.test("7. with --time-budget, logs get a progress line every ~10% of the budget, not one per step", async () => {
  await withTempDir(async (out) => {
    const r = await runScript("train", [...tiny, "--time-budget", "3", "--out", out], env);
    assert.equal(r.code, 0, r.stderr);
    const steps = r.stderr.split("\n").filter((l) => / tok\/s/.test(l));
    const state = (await readCheckpoint(`${out}/last`)).state!;
    assert.ok(state.step > 30, `${state.step} steps: too few to tell`);
    assert.ok(
      steps.length >= 3 && steps.length <= 12,
      `${steps.length} lines:\n${steps.join("\n")}`,
    );
    assert.match(steps.at(-1)!, /% of the time budget/);
  });
});

Deno.test("7. piped chat echoes each turn, so replies do not run together", async () => {
  await withTempDir(async (out) => {
    assert.equal(
      (await runScript("train", [...tiny, "--max-iters", "1", "--out", out], env)).code,
      0,
    );
    const r = await runWithStdin(
      "chat",
      ["--checkpoint", out, "--length", "5", "--seed", "1"],
      "ROMEO:\nJULIET:\n/quit\n",
    );
    assert.equal(r.code, 0, r.stderr);
    const turns = r.stdout.split("\n").filter((l) => l.startsWith("> "));
    assert.deepEqual(turns, ["> ROMEO:", "> JULIET:"]);
    assert.ok(r.stdout.indexOf("> JULIET:") > r.stdout.indexOf("> ROMEO:") + "> ROMEO:\n".length);
  });
});

// 8 ──────────────────────────────────────────────────────────────────────────

Deno.test("8. the tfjs-node note is doctor's, once; --backend tensorflow names the fix", async () => {
  await withTempDir(async (out) => {
    const r = await runScript("train", [...tiny, "--max-iters", "1", "--out", out], env);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /tfjs-node|tfjs_binding|engine: tensorflow/);
    const doc = await runScript("doctor", ["--json"], env);
    const tfjsNode = events(doc.stdout).find((e) => e.name === "tfjs-node")!;
    assert.ok(tfjsNode, doc.stdout);
    if (tfjsNode.status !== "ok") {
      assert.match(tfjsNode.fix as string, /--allow-scripts=npm:@tensorflow\/tfjs-node/);
    }
    const tf = await runScript(
      "train",
      [...tiny, "--backend", "tensorflow", "--out", `${out}/tf`],
      env,
    );
    if (tf.code !== 0) {
      assert.equal(tf.code, 2);
      const lines = reasons(tf.stderr);
      assert.equal(lines.length, 1, tf.stderr);
      assert.match(lines[0], /deno install --allow-scripts=npm:@tensorflow\/tfjs-node/);
    }
  });
});

// 9 ──────────────────────────────────────────────────────────────────────────

Deno.test("9. generate without --checkpoint suggests the directory runs create", async () => {
  const r = await runScript("generate", []);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /data\/checkpoints\/gpt\/default/);
});

Deno.test("9. data: names and folders agree in --list; no offline hint when the mirror is set", async () => {
  await withTempDir(async (dir) => {
    const list = await runScript("data", ["--list", "--data-dir", dir]);
    assert.match(list.stdout + list.stderr, /^wikitext2\s+wikitext-2\/valid\.txt/m);
    const fetched = await runScript("data", ["wikitext-2", "--data-dir", dir], env);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stderr, /mirror has no wikitext-2\/train\.txt/);
    assert.doesNotMatch(fetched.stderr, /offline\?/);
  });
});

Deno.test("9. a WikiText run that evaluates on test says test tokens, not validation tokens", async () => {
  await withTempDir(async (dir) => {
    const r = await runScript("train", [
      ...tiny,
      "--data",
      "wikitext2",
      "--max-iters",
      "1",
      "--data-dir",
      `${dir}/cache`,
      "--out",
      `${dir}/run`,
    ], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /training and [\d,]+ test tokens/);
    assert.doesNotMatch(r.stderr, /validation tokens/);
  });
});

Deno.test("9. relative paths are read from the caller's directory (INIT_CWD under deno task)", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/notebooks`);
    await Deno.writeTextFile(`${dir}/my_book.txt`, "to be or not to be, that is it\n".repeat(300));
    const caller = { ...env, INIT_CWD: `${dir}/notebooks` };
    const r = await runScript("train", [
      ...tiny,
      "--data",
      "../my_book.txt",
      "--max-iters",
      "1",
      "--out",
      "run",
    ], caller);
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await Deno.stat(`${dir}/notebooks/run/last/model.safetensors`)).isFile);
    const missing = await runScript("train", [...tiny, "--data", "../nope.txt"], caller);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, new RegExp(`${dir}/nope\\.txt`), "says where it looked");
  });
});

Deno.test("9. README cites nothing outside the repository", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  assert.doesNotMatch(readme, /\.\.\/shared/);
});

Deno.test("9. with a short --time-budget the learning rate does not jump where warmup ends", async () => {
  await withTempDir(async (out) => {
    const r = await runScript("train", [
      ...tiny,
      "--time-budget",
      "2",
      "--set",
      "warmupIters=5",
      "--out",
      out,
    ], env);
    assert.equal(r.code, 0, r.stderr);
    const history = (await readCheckpoint(`${out}/last`)).state!.history;
    const lr = (step: number) => history.find((h) => h.step === step && h.lr !== undefined)!.lr!;
    assert.ok(Math.abs(lr(5) - 3e-3 * 5 / 6) < 1e-12, "warmup by steps");
    assert.ok(Math.abs(lr(6) - 3e-3) < 1e-12, `first step after warmup at the peak: ${lr(6)}`);
    const after = history.filter((h) => h.lr !== undefined && h.step > 6).map((h) => h.lr!);
    assert.ok(after.every((x, i) => i === 0 || x <= after[i - 1] + 1e-15), "then decays");
  });
});
