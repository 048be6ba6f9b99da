import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";
import { readCheckpoint } from "../../lib/io/checkpoint.ts";
import { resolveTrainSettings } from "../../lib/cli/train_settings.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };
const tiny = ["--model", "word-rnn", "--preset", "tiny", "--sample", "0"];

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

Deno.test("train:word-rnn --preset tiny trains a GRU on words; generate continues a prompt", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_word_rnn_" });
  try {
    const r = await runScript("train", [...tiny, "--json", "--out", dir], env);
    assert.equal(r.code, 0, r.stderr);
    const done = lastJson(r.stdout);
    assert.equal(done.event, "done");
    assert.equal(done.iters, 20);
    assert.ok((done.val_loss as number) < Math.log(500), `${done.val_loss}`);
    const ckpt = await readCheckpoint(dir);
    assert.equal(ckpt.model, "word-rnn");
    assert.equal((ckpt.tokenizer as { type: string }).type, "word");
    assert.deepEqual(Object.keys(ckpt.weights).sort(), [
      "decoder.bias",
      "encoder.weight",
      "rnn.bias_hh_l0",
      "rnn.bias_ih_l0",
      "rnn.weight_hh_l0",
      "rnn.weight_ih_l0",
    ]);

    const g = await runScript("generate", [
      "--checkpoint",
      dir,
      "--prompt",
      "KING",
      "--length",
      "5",
      "--greedy",
      "--json",
    ], env);
    assert.equal(g.code, 0, g.stderr);
    const out = lastJson(g.stdout);
    assert.equal((out.ids as number[]).length, 5);
    assert.match(out.text as string, /^[\s,.;:!?']/); // continues the line: a space or punctuation first
    const empty = await runScript("generate", ["--checkpoint", dir, "--length", "5"], env);
    assert.equal(empty.code, 0, empty.stderr); // empty prompt: starts from <eos>
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train:word-rnn: bad input exits 2 with one line and leaves no run directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_word_rnn_" });
  try {
    const out = `${dir}/run`;
    const cases: Array<[string[], RegExp]> = [
      [["--tokenizer", "char"], /model word-rnn cannot use --tokenizer char; choose word/],
      [["--vocab-size", "0"], /--vocab-size must be an integer ≥ 1; got "0"/],
      [["--vocab-size", "2"], /--vocab-size must be at least 3 for the word tokenizer/],
      [["--set", "minFreq=1000000"], /vocabulary would hold only <unk> and <eos>: lower minFreq/],
      [["--set", "minFreq=0"], /--set minFreq must be an integer ≥ 1; got 0/],
      [["--set", "cell=lstm"], /cell must be "rnn" or "gru"; got "lstm"/],
      [["--set", "hidden=64"], /tieWeights needs hidden == embedDim; got hidden 64, embedDim 32/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runScript("train", [...tiny, "--out", out, ...args], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n").filter((l) =>
        !l.startsWith("engine:") && !l.startsWith("data:")
      );
      assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(lines[0], pattern);
      await assert.rejects(Deno.stat(out), Deno.errors.NotFound, `${args.join(" ")} wrote ${out}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("word tokenizer settings: minFreq via --set, whitespace split for WikiText-2", () => {
  const tokenizer = (args: string[], model = "word-rnn") =>
    JSON.parse(JSON.stringify(resolveTrainSettings(args, model).tokenizer)); // as saved
  assert.deepEqual(tokenizer(["--set", "minFreq=3"]), { kind: "word", minFreq: 3 });
  assert.deepEqual(tokenizer(["--preset", "tiny"]), {
    kind: "word",
    vocabSize: 500,
  });
  assert.deepEqual(tokenizer(["--data", "wikitext-2"]), {
    kind: "word",
    minFreq: 2,
    split: "whitespace",
  });
  assert.deepEqual(tokenizer(["--preset", "wikitext"]), {
    kind: "word",
    split: "whitespace",
  });
  assert.throws(
    () => tokenizer(["--set", "minFreq=2"], "char-rnn"),
    /--set minFreq applies to the word tokenizer only, not char/,
  );
});
