import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_transformer_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("train:transformer: bad configs exit 2 with one line and leave no run directory", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/run`;
    const cases: Array<[string[], RegExp]> = [
      [["--set", "nHead=3"], /nEmbd \(32\) must be divisible by nHead \(3\)/],
      [["--block-size", "65"], /blockSize 65 exceeds the positional table \(nPositions 64\)/],
      [
        ["--set", "positional=rotary"],
        /unknown positional encoding "rotary": choose sinusoidal, learned, none/,
      ],
      [["--set", "norm=middle"], /norm must be "post" or "pre"/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runScript("train", [
        "--model",
        "transformer",
        "--preset",
        "tiny",
        "--out",
        out,
        ...args,
      ], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(lines[0], pattern);
    }
    assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  });
});

Deno.test("train:transformer on WikiText-2 (BPE) says it trains on valid, then generate samples from its checkpoint", async () => {
  await withTempDir(async (dir) => {
    const r = await runScript("train", [
      "--model",
      "transformer",
      "--preset",
      "tiny",
      "--data",
      "wikitext2",
      "--tokenizer",
      "bpe",
      "--vocab-size",
      "300",
      "--max-iters",
      "3",
      "--eval-interval",
      "3",
      "--sample",
      "0",
      "--data-dir",
      `${dir}/data`,
      "--out",
      `${dir}/run`,
    ], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /training split unavailable .*trains on "valid" and evaluates on "test"/,
    );
    assert.match(r.stderr, /bpe tokenizer \(300 tokens\)/);
    const g = await runScript("generate", [
      "--checkpoint",
      `${dir}/run`,
      "--prompt",
      "The game",
      "--length",
      "40",
      "--seed",
      "1",
      "--json",
    ]);
    assert.equal(g.code, 0, g.stderr);
    const done = JSON.parse(g.stdout.trim().split("\n").at(-1)!);
    assert.equal((done.ids as number[]).length, 40); // 8-token prompt + 40 > blockSize 32: cropped
    assert.equal(typeof done.text, "string");
  });
});
