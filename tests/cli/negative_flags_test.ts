import assert from "node:assert/strict";
import { joinNegativeValues, parseFlags } from "../../lib/cli/parse_flags.ts";
import { runScript } from "../_helpers/run_script.ts";

const OPTIONS = {
  lr: { type: "string" },
  seed: { type: "string", short: "s" },
  json: { type: "boolean" },
} as const;

Deno.test("joinNegativeValues() joins a negative number to the flag before it", () => {
  assert.deepEqual(joinNegativeValues(["--lr", "-1"], OPTIONS), ["--lr=-1"]);
  assert.deepEqual(joinNegativeValues(["--lr", "-0.5e-3"], OPTIONS), ["--lr=-0.5e-3"]);
  assert.deepEqual(joinNegativeValues(["--lr", "-.5"], OPTIONS), ["--lr=-.5"]);
  assert.deepEqual(joinNegativeValues(["-s", "-2"], OPTIONS), ["-s-2"]);
  assert.deepEqual(joinNegativeValues(["--lr", "-Infinity"], OPTIONS), ["--lr=-Infinity"]);
});

Deno.test("joinNegativeValues() leaves flags, boolean flags and words after -- alone", () => {
  assert.deepEqual(joinNegativeValues(["--lr", "--json"], OPTIONS), ["--lr", "--json"]);
  assert.deepEqual(joinNegativeValues(["--json", "-1"], OPTIONS), ["--json", "-1"]);
  assert.deepEqual(joinNegativeValues(["--", "--lr", "-1"], OPTIONS), ["--", "--lr", "-1"]);
  assert.deepEqual(joinNegativeValues(["--lr", "-x"], OPTIONS), ["--lr", "-x"]);
});

Deno.test("parseFlags() reads --lr -1 as the value -1 and stays strict", () => {
  assert.equal(parseFlags({ args: ["--lr", "-1"], options: OPTIONS }).values.lr, "-1");
  assert.throws(() => parseFlags({ args: ["--nope"], options: OPTIONS }), /Unknown option/);
});

for (
  const [script, args, message] of [
    ["train", ["--model", "gpt", "--preset", "tiny", "--lr", "-1"], /lr must be > 0; got -1/],
    ["train", ["--model", "gpt", "--preset", "tiny", "--max-iters", "-3"], /--max-iters must be/],
    ["generate", ["--checkpoint", "x", "--temperature", "-1"], /temperature must be a number ≥ 0/],
    ["chat", ["--checkpoint", "x", "--top-p", "-0.5"], /top-?p/i],
    ["notebooks", ["--budget", "-1"], /budget/],
  ] as const
) {
  Deno.test(`${script} ${args.join(" ")}: one line about the value, exit 2`, async () => {
    const r = await runScript(script, [...args]);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
    assert.doesNotMatch(lines[0], /ambiguous/);
  });
}
