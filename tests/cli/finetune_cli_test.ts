/**
 * `deno task train:gpt --init DIR`: fine-tuning the small GPT-2 stand-in
 * (GPT-2's vocabulary and names, 2 layers) on a user's text, resuming it, and
 * every refusal (shapes, tokenizer, context, memory) with one line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT } from "../_helpers/paths.ts";
import { maxAbsDiff } from "../_helpers/tensors.ts";
import { decodeSafetensors } from "../../lib/io/safetensors.ts";
import { GPT2_SMALL, writeGpt2StandIn } from "../../scripts/fixtures/gpt2_standin.ts";

const WORDS = "the king and queen of a far land went to see the sea where ships sail at night"
  .split(" ");

async function setup(root: string): Promise<{ model: string; book: string }> {
  const model = join(root, "gpt2");
  await writeGpt2StandIn(model, { shape: GPT2_SMALL });
  const book = join(root, "book.txt");
  const lines = Array.from(
    { length: 60 },
    (_, i) => Array.from({ length: 12 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(" "),
  );
  await Deno.writeTextFile(book, lines.join("\n") + "\n");
  return { model, book };
}

const TINY = [
  "--eval-interval",
  "2",
  "--eval-iters",
  "1",
  "--batch-size",
  "2",
  "--block-size",
  "32",
];

async function tensors(path: string) {
  return decodeSafetensors(await Deno.readFile(path)).tensors;
}

Deno.test("train:gpt --init fine-tunes the GPT-2 stand-in from its weights and tokenizer, and resumes", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_ft_" });
  try {
    const { model, book } = await setup(root);
    const out = join(root, "run");
    const args = [
      "--init",
      model,
      "--data",
      book,
      ...TINY,
      "--out",
      out,
      "--json",
      "--sample",
      "0",
    ];
    const r = await runScript("train", ["--model", "gpt", ...args, "--max-iters", "4"]);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(events[0].preset, "finetune");
    const done = events.at(-1);
    assert.equal(done.event, "done");
    assert.equal(done.iters, 4);
    // the run started from the pretrained model: near-uniform loss over GPT-2's 50,257 tokens
    assert.ok(Math.abs(done.val_loss - Math.log(50257)) < 0.1, `val loss ${done.val_loss}`);
    const config = JSON.parse(await Deno.readTextFile(join(out, "last", "config.json")));
    assert.deepEqual(
      [config.vocabSize, config.nLayer, config.nEmbd, config.blockSize, config.bias],
      [50257, 2, 32, 32, true],
    );
    const tok = JSON.parse(await Deno.readTextFile(join(out, "last", "tokenizer.json")));
    assert.equal(Object.keys(tok.model.vocab).length, 50257);
    // its weights moved a little from the stand-in's (lr 6e-5 for 4 steps), not from a fresh init
    const before = await tensors(join(model, "model.safetensors"));
    const after = await tensors(join(out, "last", "model.safetensors"));
    const diff = maxAbsDiff(after["wte.weight"].data, before["wte.weight"].data);
    assert.ok(diff > 0 && diff < 2e-3, `wte moved by ${diff}`);
    assert.deepEqual(after["wpe.weight"].shape, [32, 32]); // the position table cropped to the context
    const wpe = maxAbsDiff(
      after["wpe.weight"].data,
      before["wpe.weight"].data.subarray(0, 32 * 32),
    );
    assert.ok(wpe < 2e-3, `the kept rows are the stand-in's first 32 (moved by ${wpe})`);

    const again = await runScript("train", [
      "--model",
      "gpt",
      ...args,
      "--max-iters",
      "6",
      "--resume",
    ]);
    assert.equal(again.code, 0, again.stderr);
    const last = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
    assert.equal(last.iters, 6);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train:gpt --init refuses contradicting shapes, tokenizers, contexts and runs that do not fit in memory, with one line and nothing written", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_ft_" });
  try {
    const { model, book } = await setup(root);
    const cases: [string[], RegExp][] = [
      [
        ["--set", "nLayer=12"],
        /--set nLayer=12 contradicts the pretrained model in .* \(nLayer 2\)/,
      ],
      [["--set", "bias=false"], /--set bias=false contradicts the pretrained model/],
      [["--block-size", "128"], /--block-size 128 is longer than the pretrained context \(64\)/],
      [["--tokenizer", "char"], /--tokenizer and --vocab-size do not apply with --init/],
      [
        ["--batch-size", "200000"],
        /needs ~[\d,.]+ GB, the wasm backend has 4 GB: lower --batch-size \(now 200000\)/,
      ],
      [["--init", join(root, "nope")], /checkpoint path .*nope does not exist/],
    ];
    for (const [extra, pattern] of cases) {
      const out = join(root, "run");
      const r = await runScript("train", [
        "--model",
        "gpt",
        "--init",
        model,
        "--data",
        book,
        "--max-iters",
        "1",
        "--out",
        out,
        ...extra,
      ]);
      assert.equal(r.code, 2, `${extra.join(" ")}: ${r.stderr}`);
      const errors = r.stderr.trim().split("\n").filter((l) => l.startsWith("train"));
      assert.equal(errors.length, 1, r.stderr);
      assert.match(errors[0], pattern);
      assert.ok(!r.stderr.includes("    at "), "no stack trace");
      assert.ok(!(await Deno.stat(out).then(() => true, () => false)), `${extra}: nothing written`);
    }
    const noInit = await runScript("train", ["--model", "gpt", "--preset", "finetune"]);
    assert.equal(noInit.code, 2);
    assert.match(noInit.stderr, /--preset finetune starts from a trained model: give --init DIR/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("train:gpt --init: Ctrl-C saves last/ and exits 130, and --resume continues it", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_ft_" });
  try {
    const { model, book } = await setup(root);
    const out = join(root, "run");
    const args = [
      "--init",
      model,
      "--data",
      book,
      ...TINY,
      "--out",
      out,
      "--json",
      "--sample",
      "0",
    ];
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/train.ts", "--model", "gpt", ...args, "--max-iters", "100000"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
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
    const state = JSON.parse(await Deno.readTextFile(join(out, "last", "trainer_state.json")));
    assert.ok(state.step >= 1);
    const again = await runScript("train", [
      "--model",
      "gpt",
      ...args,
      "--max-iters",
      String(state.step + 1),
      "--resume",
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout.trim().split("\n").at(-1)!).iters, state.step + 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
