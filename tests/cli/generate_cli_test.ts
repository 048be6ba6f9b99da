import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT } from "../_helpers/paths.ts";
import { Gpt, type GptConfig } from "../../lib/models/gpt.ts";
import { CharTokenizer } from "../../lib/tokenizers/mod.ts";
import { writeCheckpoint } from "../../lib/io/checkpoint.ts";

const dir = await Deno.makeTempDir({ prefix: "lmfs_gen_" });
const tokenizer = CharTokenizer.train(
  "abcdefghij klmnopqrstuvwxyz\n.,!?ABCDEFGHIJKLMNOPQRSTUVWXYZ",
);
const config: GptConfig = {
  vocabSize: tokenizer.vocabSize,
  blockSize: 16,
  nLayer: 1,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: false,
  tieWeights: true,
};
const model = new Gpt(config, 3);
await writeCheckpoint(`${dir}/run/best`, {
  model: "gpt",
  config: config as unknown as Record<string, unknown>,
  weights: model.params().toStored(),
  tokenizer: tokenizer.toJSON(),
});
model.dispose();
const ckpt = `${dir}/run`;

function done(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

Deno.test({
  name: "generate: the same seed gives the same text; greedy is deterministic",
  async fn() {
    const a = await runScript("generate", [
      "--checkpoint",
      ckpt,
      "--prompt",
      "hello",
      "--length",
      "20",
      "--seed",
      "7",
      "--json",
    ]);
    const b = await runScript("generate", [
      "--checkpoint",
      ckpt,
      "--prompt",
      "hello",
      "--length",
      "20",
      "--seed",
      "7",
      "--json",
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(done(a.stdout).text, done(b.stdout).text);
    assert.equal((done(a.stdout).ids as number[]).length, 20);
    const g1 = await runScript("generate", [
      "--checkpoint",
      ckpt,
      "--greedy",
      "--length",
      "10",
      "--json",
      "--seed",
      "1",
    ]);
    const g2 = await runScript("generate", [
      "--checkpoint",
      ckpt,
      "--greedy",
      "--length",
      "10",
      "--json",
      "--seed",
      "2",
    ]);
    assert.equal(done(g1.stdout).text, done(g2.stdout).text);
  },
});

Deno.test("generate streams the prompt and continuation to stdout", async () => {
  const r = await runScript("generate", [
    "--checkpoint",
    `${ckpt}/best`,
    "--prompt",
    "abc",
    "--length",
    "5",
    "--seed",
    "1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.startsWith("abc"));
  assert.equal([...r.stdout.trimEnd()].length <= 8, true);
});

Deno.test("generate crops a prompt longer than the context and says so once", async () => {
  const r = await runScript("generate", [
    "--checkpoint",
    ckpt,
    "--prompt",
    "a".repeat(40),
    "--length",
    "3",
    "--seed",
    "1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.match(/kept its last 16 tokens/g)?.length, 1);
});

Deno.test("generate and chat: bad input exits 2 with one line", async () => {
  await Deno.mkdir(`${dir}/broken/best`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/broken/best/config.json`,
    JSON.stringify({ model: "gpt", ...config }),
  );
  await Deno.writeFile(`${dir}/broken/best/model.safetensors`, new Uint8Array(20));
  await Deno.writeTextFile(`${dir}/broken/best/tokenizer.json`, JSON.stringify(tokenizer.toJSON()));
  const cases: Array<[string, string[], RegExp]> = [
    ["generate", ["--checkpoint", ckpt, "--top-p", "1.5"], /top-p must be in \(0, 1\]/],
    ["generate", ["--checkpoint", ckpt, "--temperature=-1"], /temperature must be/],
    [
      "generate",
      ["--checkpoint", ckpt, "--length", "0"],
      /length \(maxNewTokens\) must be a positive integer/,
    ],
    ["generate", ["--checkpoint", ckpt, "--top-k=-2"], /topK|top-k/],
    ["generate", ["--checkpoint", `${dir}/nope`], /checkpoint path .*nope does not exist/],
    ["generate", ["--checkpoint", dir], /holds no checkpoint/],
    [
      "generate",
      ["--checkpoint", `${dir}/broken`],
      /model\.safetensors is not a valid safetensors file/,
    ],
    ["generate", ["--checkpoint", ckpt, "--prompt", "héllo"], /"é"/],
    ["generate", ["--prompt", "x"], /--checkpoint is required/],
    ["chat", ["--checkpoint", ckpt, "--top-p", "0"], /top-p must be in \(0, 1\]/],
    ["chat", ["--checkpoint", `${dir}/nope`], /does not exist/],
  ];
  for (const [script, args, pattern] of cases) {
    const r = await runScript(script, args);
    assert.equal(r.code, 2, `${script} ${args.join(" ")}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n").filter((l) => !/^(engine|model|chatting):? /.test(l));
    assert.equal(lines.length, 1, `${script} ${args.join(" ")}:\n${r.stderr}`);
    assert.match(lines[0], pattern);
  }
});

Deno.test("chat: commands change the knobs, text gets a streamed reply, /quit ends", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/chat.ts", "--checkpoint", ckpt, "--length", "8", "--seed", "3"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode("/temp 0\nhello\n/topp 7\n/reset\nabc\n/quit\nnever\n"),
  );
  await writer.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stderr);
  assert.match(stderr, /temperature = 0/);
  assert.match(stderr, /top-p must be in \(0, 1\]/);
  assert.match(stderr, /conversation cleared/);
  assert.equal(stdout.trim().split("\n").length >= 2, true, stdout);
});

Deno.test({
  name: "generate tests clean up",
  sanitizeResources: false,
  fn: async () => await Deno.remove(dir, { recursive: true }),
});
