import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };

Deno.test("bench --models trains each model for the budget and writes the table, JSON and chart", async () => {
  const out = await Deno.makeTempDir({ prefix: "lmfs_models_" });
  try {
    const r = await runScript("bench", [
      "--models",
      "--only",
      "char-rnn,gpt",
      "--preset",
      "tiny",
      "--budget",
      "1",
      "--out",
      out,
    ], env);
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(await Deno.readTextFile(`${out}/results.json`));
    assert.deepEqual(results.runs.map((x: { model: string }) => x.model), ["char-rnn", "gpt"]);
    for (const run of results.runs) {
      assert.equal(run.stoppedBy, "time-budget", "trained until the budget ran out");
      assert.ok(run.iters >= 1);
      assert.ok(run.curve.length >= 3, "evaluated along the way");
      assert.ok(run.curve.at(-1).bitsPerChar < run.curve[0].bitsPerChar, "learned something");
      assert.ok(Math.abs(run.perplexity - Math.exp(run.valLoss)) < 1e-9);
      assert.ok(run.sample.length > 0);
      assert.match(run.command, /^deno task train:\S+ --preset tiny --data tinyshakespeare/);
    }
    const md = await Deno.readTextFile(`${out}/results.md`);
    assert.match(
      md,
      /Made by `deno task bench --models --only char-rnn,gpt --budget 1 --preset tiny`/,
    );
    assert.equal(md.split("\n").filter((l) => /^\| (char-rnn|gpt) \|/.test(l)).length, 2);
    assert.ok((await Deno.readTextFile(`${out}/bpc_vs_seconds.svg`)).startsWith("<svg"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("bench --models rejects unknown models, bad budgets and stray flags in one line", async () => {
  for (
    const [args, reason] of [
      [["--models", "--only", "bert"], /unknown model "bert"/],
      [["--models", "--budget", "0"], /--budget must be > 0/],
      [["--budget", "10"], /--budget goes with --models/],
    ] as const
  ) {
    const r = await runScript("bench", [...args], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, reason);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

Deno.test("bench --only quality trains a preset with our loop (and PyTorch's where installed)", async () => {
  const r = await runScript("bench", ["--only", "quality", "--preset", "tiny", "--json"], env);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l)).filter((e) =>
    e.section === "quality"
  );
  assert.ok(rows.length >= 1);
  assert.equal(rows[0].name, "ours (train:gpt)");
  for (const row of rows) {
    assert.equal(row.iters, 20);
    assert.ok(row.valLoss < Math.log(65), `learned: ${row.valLoss}`);
  }
  const bad = await runScript("bench", ["--only", "quality", "--preset", "wikitext"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /char-level Tiny Shakespeare GPT preset/);
});
