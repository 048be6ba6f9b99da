import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";
import { GPT2_SMALL, writeGpt2StandIn } from "../../scripts/fixtures/gpt2_standin.ts";

Deno.test("deno task eval scores a whole split with sliding windows and reports loss, perplexity and bits/char", async () => {
  const root = await Deno.makeTempDir({ prefix: "lmfs_eval_" });
  try {
    const model = join(root, "gpt2");
    await writeGpt2StandIn(model, { shape: GPT2_SMALL });
    const text = join(root, "book.txt");
    await Deno.writeTextFile(
      text,
      "It was the best of times, it was the worst of times.\n".repeat(8),
    );
    const r = await runScript("eval", [
      "--checkpoint",
      model,
      "--data",
      text,
      "--stride",
      "16",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout.trim());
    assert.equal(e.context, 64);
    assert.equal(e.stride, 16);
    assert.equal(e.split, "all");
    assert.equal(e.characters, 8 * 53);
    assert.ok(e.windows > 1);
    // an untrained GPT-2 (weights ~N(0, 0.02)) is close to uniform over 50,257 tokens
    assert.ok(Math.abs(e.loss - Math.log(50257)) < 0.05, `loss ${e.loss}`);
    assert.ok(Math.abs(e.perplexity - Math.exp(e.loss)) < 1e-6 * e.perplexity);
    assert.ok(Math.abs(e.bits_per_char - (e.loss * e.tokens) / Math.LN2 / e.characters) < 1e-9);
    assert.equal(e.words, 8 * 12);
    assert.ok(Math.abs(Math.log(e.word_perplexity) - (e.loss * e.tokens) / e.words) < 1e-9);

    const wiki = await runScript("eval", [
      "--checkpoint",
      model,
      "--data",
      "wikitext2",
      "--max-tokens",
      "200",
      "--data-dir",
      join(root, "data"),
    ], { LMFS_DATA_MIRROR: SHARED_DATA });
    assert.equal(wiki.code, 0, wiki.stderr);
    assert.match(wiki.stderr, /on wikitext2 \(test\): 200 tokens/);
    assert.match(wiki.stderr, /perplexity \d+/);

    const help = await runScript("eval", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /sliding windows/);

    for (
      const [args, pattern] of [
        [["--data", text], /--checkpoint PATH is required/],
        [
          ["--checkpoint", model, "--data", text, "--stride", "0"],
          /--stride must be an integer ≥ 1/,
        ],
        [
          ["--checkpoint", model, "--data", text, "--stride", "65"],
          /--stride 65 is longer than the context \(64\)/,
        ],
        [
          ["--checkpoint", model, "--data", text, "--context", "65"],
          /--context 65 is longer than the model's context \(64\)/,
        ],
        [
          ["--checkpoint", model, "--data", text, "--split", "test"],
          /a text file has no test split/,
        ],
        [
          ["--checkpoint", model, "--data", "tinyshakespeare", "--split", "test"],
          /tinyshakespeare has no test split/,
        ],
        [
          ["--checkpoint", model, "--data", text, "--split", "dev"],
          /--split must be train, valid, test or all/,
        ],
        [["--checkpoint", join(root, "nope"), "--data", text], /does not exist/],
      ] as [string[], RegExp][]
    ) {
      const bad = await runScript("eval", args, { LMFS_DATA_MIRROR: SHARED_DATA });
      assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      const lines = bad.stderr.trim().split("\n");
      assert.match(lines.at(-1)!, pattern);
      assert.ok(lines.at(-1)!.startsWith("eval: "));
      assert.ok(!bad.stderr.includes("    at "), "no stack trace");
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
