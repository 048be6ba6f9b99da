import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT, SHARED_DATA } from "../_helpers/paths.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };
const tiny = ["--model", "lstm-attention", "--preset", "tiny"];

Deno.test("train lstm-attention: bad input exits 2 with one line and leaves no run directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_lstm_" });
  try {
    const out = `${dir}/run`;
    const short = `${dir}/short.txt`;
    await Deno.writeTextFile(short, "to be or not to be, that is the question\n".repeat(50));
    const cases: Array<[string[], RegExp]> = [
      [
        ["--set", "attention=cosine"],
        /unknown attention "cosine": choose one of additive, dot, none/,
      ],
      [["--data", short, "--block-size", "500"], /too few for 8 streams of blockSize 500/],
      [["--set", "hidden=0"], /hidden must be a positive integer; got 0/],
      [["--set", "nLayer=3"], /nLayer must be 1 or 2; got 3/],
      [["--tokenizer", "bpe"], /cannot use --tokenizer bpe; choose char, word/],
    ];
    for (const [args, pattern] of cases) {
      const r = await runScript("train", [...tiny, "--out", out, ...args], env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n").filter((l) =>
        !/^(engine|data|model):/.test(l) && !l.startsWith("tinyshakespeare/")
      );
      assert.equal(lines.length, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(lines[0], pattern);
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, args.join(" "));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train:lstm-attention (tiny) trains, then generate and chat run on its checkpoint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_lstm_" });
  try {
    const out = `${dir}/run`;
    const r = await runScript("train", [...tiny, "--out", out, "--sample", "0", "--json"], env);
    assert.equal(r.code, 0, r.stderr);
    const done = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    assert.equal(done.event, "done");
    assert.equal(done.iters, 20);
    assert.ok(done.val_loss < Math.log(65), `val loss ${done.val_loss}`);
    const config = JSON.parse(await Deno.readTextFile(`${out}/best/config.json`));
    assert.equal(config.attention, "additive");
    const g = await runScript("generate", [
      "--checkpoint",
      out,
      "--prompt",
      "ROMEO:",
      "--length",
      "40",
      "--seed",
      "1",
    ]);
    assert.equal(g.code, 0, g.stderr);
    assert.ok(g.stdout.startsWith("ROMEO:") && g.stdout.length >= 40, g.stdout);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/chat.ts", "--checkpoint", out, "--length", "8", "--seed", "3"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("hello\n/quit\n"));
    await writer.close();
    const chat = await child.output();
    assert.equal(chat.code, 0, new TextDecoder().decode(chat.stderr));
    assert.ok(new TextDecoder().decode(chat.stdout).trim().length > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
