/**
 * `deno task data gpt2` through a mirror and a stand-in hub serving the small
 * GPT-2 stand-in (GPT-2's vocabulary and names, 2 layers), then generate and
 * chat on what it fetched; and every bad input of the download and the load.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../_helpers/run_script.ts";
import { ROOT } from "../_helpers/paths.ts";
import { GPT2_SMALL, writeGpt2StandIn } from "../../scripts/fixtures/gpt2_standin.ts";

const FILES = ["config.json", "generation_config.json", "tokenizer.json", "model.safetensors"];

async function withStandIn(fn: (root: string, mirror: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "lmfs_gpt2_" });
  try {
    const mirror = join(root, "mirror");
    await writeGpt2StandIn(join(mirror, "models", "gpt2"), { shape: GPT2_SMALL });
    await fn(root, mirror);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
}

async function listing(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch {
    // absent: nothing written
  }
  return names.sort();
}

/** A stand-in for the hub: serves `<repo>/resolve/main/<file>` from `dir`, or what `override` says. */
function serveHub(dir: string, override?: (file: string) => Response | undefined) {
  const requests: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    requests.push(path);
    const m = path.match(/^\/openai-community\/gpt2\/resolve\/main\/([\w.]+)$/);
    if (!m) return new Response("not found", { status: 404 });
    const custom = override?.(m[1]);
    if (custom) return custom;
    try {
      const bytes = await Deno.readFile(join(dir, m[1]));
      return new Response(bytes, { headers: { "content-length": String(bytes.length) } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const { port } = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => server.shutdown() };
}

Deno.test("deno task data gpt2 fetches the stand-in through the mirror, verifies it, and generate and chat run on it", async () => {
  await withStandIn(async (root, mirror) => {
    const dataDir = join(root, "data");
    const r = await runScript("data", ["gpt2", "--data-dir", dataDir, "--json"], {
      LMFS_DATA_MIRROR: mirror,
    });
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.file), FILES);
    for (const e of events) {
      const want = (await Deno.stat(join(mirror, "models", "gpt2", e.file))).size;
      assert.equal(e.bytes, want);
      assert.equal(e.path, join(dataDir, "models", "gpt2", e.file));
    }
    // cached: a second run needs neither the mirror nor the hub
    const again = await runScript("data", ["gpt2", "--data-dir", dataDir], {
      LMFS_DATA_MIRROR: "",
      HF_ENDPOINT: "http://127.0.0.1:9",
    });
    assert.equal(again.code, 0, again.stderr);

    const ckpt = join(dataDir, "models", "gpt2");
    const gen = await runScript("generate", [
      "--checkpoint",
      ckpt,
      "--prompt",
      "Hello, world",
      "--length",
      "4",
      "--seed",
      "3",
      "--json",
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const done = JSON.parse(gen.stdout.trim());
    assert.equal(done.ids.length, 4);
    assert.ok(done.ids.every((id: number) => id >= 0 && id < 50257));

    const chat = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/chat.ts", "--checkpoint", ckpt, "--length", "3", "--seed", "1"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = chat.stdin.getWriter();
    await w.write(new TextEncoder().encode("Hello there\n/quit\n"));
    await w.close();
    const out = await chat.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.ok(new TextDecoder().decode(out.stdout).length > 0, "chat answered");
  });
});

Deno.test("deno task data gpt2 downloads from the hub address, with progress; a cut-short or foreign file is refused and nothing is left", async () => {
  await withStandIn(async (root, mirror) => {
    const src = join(mirror, "models", "gpt2");
    const hub = serveHub(src);
    try {
      const dataDir = join(root, "data");
      const r = await runScript("data", ["gpt2", "--data-dir", dataDir], {
        HF_ENDPOINT: hub.url,
        LMFS_DATA_MIRROR: "",
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /models\/gpt2\/model\.safetensors: from http:\/\/127\.0\.0\.1:\d+\/openai-community\/gpt2\/resolve\/main\/model\.safetensors/,
      );
      assert.match(r.stderr, /model\.safetensors: 6\.\d MB, verified/);
      assert.deepEqual(await listing(join(dataDir, "models", "gpt2")), [...FILES].sort());
      // cached: nothing is requested again
      const before = hub.requests.length;
      const cached = await runScript("data", ["gpt2", "--data-dir", dataDir], {
        HF_ENDPOINT: hub.url,
        LMFS_DATA_MIRROR: "",
      });
      assert.equal(cached.code, 0, cached.stderr);
      assert.equal(hub.requests.length, before);
    } finally {
      await hub.close();
    }

    // a truncated model.safetensors (the server's length agrees, so only the contents tell)
    const whole = await Deno.readFile(join(src, "model.safetensors"));
    const cut = serveHub(
      src,
      (file) =>
        file === "model.safetensors"
          ? new Response(whole.subarray(0, whole.length - 1000), {
            headers: { "content-length": String(whole.length - 1000) },
          })
          : undefined,
    );
    try {
      const dataDir = join(root, "data-cut");
      const r = await runScript("data", ["gpt2", "--data-dir", dataDir], {
        HF_ENDPOINT: cut.url,
        LMFS_DATA_MIRROR: "",
      });
      assert.equal(r.code, 2);
      assert.match(
        r.stderr.trim().split("\n").at(-1)!,
        /^data: model\.safetensors is not a complete safetensors file: .*truncated/,
      );
      const left = await listing(join(dataDir, "models", "gpt2"));
      assert.ok(!left.some((f) => f.startsWith("model.safetensors")), `left ${left}`);
    } finally {
      await cut.close();
    }

    // another architecture's config.json
    const llama = serveHub(
      src,
      (file) =>
        file === "config.json"
          ? Response.json({ model_type: "llama", hidden_size: 4096 })
          : undefined,
    );
    try {
      const dataDir = join(root, "data-llama");
      const r = await runScript("data", ["gpt2", "--data-dir", dataDir], {
        HF_ENDPOINT: llama.url,
        LMFS_DATA_MIRROR: "",
      });
      assert.equal(r.code, 2);
      assertOneLine(
        r.stderr.split("\n").filter((l) => l.startsWith("data: ")).join("\n"),
        /config\.json describes model_type "llama", not gpt2/,
      );
      assert.deepEqual(await listing(join(dataDir, "models", "gpt2")), []);
    } finally {
      await llama.close();
    }
  });
});

Deno.test("deno task data gpt2 with the hub unreachable and no mirror says how to download by hand, exit 2", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "lmfs_gpt2_" });
  try {
    const closed = serveHub(dataDir);
    const url = closed.url;
    await closed.close(); // nothing listens there now
    const r = await runScript("data", ["gpt2", "--data-dir", dataDir], {
      HF_ENDPOINT: url,
      LMFS_DATA_MIRROR: "",
    });
    assert.equal(r.code, 2);
    assertOneLine(
      r.stderr,
      new RegExp(
        `^data: cannot download models/gpt2/config\\.json .*; download config\\.json, tokenizer\\.json, ` +
          `model\\.safetensors by hand from https://huggingface\\.co/openai-community/gpt2/tree/main ` +
          `into ${dataDir}/models/gpt2/, or set LMFS_DATA_MIRROR`,
      ),
    );
    assert.deepEqual(await listing(join(dataDir, "models")), []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("generate refuses a truncated model.safetensors and another architecture's config.json with one line", async () => {
  await withStandIn(async (_root, mirror) => {
    const dir = join(mirror, "models", "gpt2");
    const path = join(dir, "model.safetensors");
    const whole = await Deno.readFile(path);
    await Deno.writeFile(path, whole.subarray(0, whole.length - 4096));
    const cut = await runScript("generate", ["--checkpoint", dir, "--length", "2"]);
    assert.equal(cut.code, 2);
    assert.match(
      cut.stderr.trim().split("\n").at(-1)!,
      /^generate: .*model\.safetensors is not a valid safetensors file: .*truncated/,
    );
    assert.ok(!cut.stderr.includes("    at "), "no stack trace");

    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify({ model_type: "llama" }));
    const llama = await runScript("generate", ["--checkpoint", dir, "--length", "2"]);
    assert.equal(llama.code, 2);
    assert.match(
      llama.stderr.trim().split("\n").at(-1)!,
      /is a Hugging Face "llama" model: only GPT-2/,
    );
  });
});
