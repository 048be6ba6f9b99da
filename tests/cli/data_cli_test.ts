import assert from "node:assert/strict";
import { runScript } from "../_helpers/run_script.ts";
import { SHARED_DATA } from "../_helpers/paths.ts";
import { serveSharedData } from "../_helpers/server.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lmfs_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0], pattern);
  assert.ok(!/\bat .*\.ts:\d+/.test(stderr), "no stack trace");
}

Deno.test("deno task data tinyshakespeare fetches through the mirror and verifies", async () => {
  await withTempDir(async (dir) => {
    const r = await runScript("data", ["tinyshakespeare", "--data-dir", dir, "--json"], {
      LMFS_DATA_MIRROR: SHARED_DATA,
    });
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events, [{
      event: "file",
      dataset: "tinyshakespeare",
      file: "input.txt",
      path: `${dir}/tinyshakespeare/input.txt`,
      bytes: 1115394,
    }]);
  });
});

Deno.test("deno task data over HTTP shows progress on stderr and fetches wikitext2's available splits", async () => {
  const server = serveSharedData();
  try {
    await withTempDir(async (dir) => {
      const r = await runScript("data", ["wikitext2", "--data-dir", dir, "--mirror", server.url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wikitext-2\/valid\.txt: 1\.1 MB, verified/);
      assert.match(r.stderr, /training split|train on valid/);
      assert.ok((await Deno.stat(`${dir}/wikitext-2/test.txt`)).isFile);
    });
  } finally {
    await server.close();
  }
});

Deno.test("deno task data: bad input exits 2 with one line and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const unknown = await runScript("data", ["imagenet", "--data-dir", dir]);
    assert.equal(unknown.code, 2);
    assertOneLineError(unknown.stderr, /^data: unknown dataset "imagenet": choose one of/);

    const flag = await runScript("data", ["--frobnicate"]);
    assert.equal(flag.code, 2);
    assertOneLineError(flag.stderr, /^data: Unknown option '--frobnicate'.*see --help/);

    const server = serveSharedData();
    const url = server.url;
    await server.close(); // nothing listens there now: "no network"
    const offline = await runScript("data", ["tinyshakespeare", "--data-dir", dir], {
      LMFS_DATA_MIRROR: url,
    });
    assert.equal(offline.code, 2);
    assert.match(offline.stderr, /cannot download tinyshakespeare\/input\.txt .*LMFS_DATA_MIRROR/);
    assert.ok(!offline.stderr.includes("    at "), "no stack trace");

    const badMirror = await runScript("data", ["tinyshakespeare", "--data-dir", dir], {
      LMFS_DATA_MIRROR: `${dir}/nope`,
    });
    assert.equal(badMirror.code, 2);
    assertOneLineError(badMirror.stderr, /is not a directory or an http\(s\) URL/);

    const left: string[] = [];
    for await (const e of Deno.readDir(dir)) left.push(e.name);
    assert.deepEqual(left, [], "nothing half-written");
  });
});

Deno.test("deno task data --help and --list exit 0", async () => {
  const help = await runScript("data", ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: deno task data/);
  await withTempDir(async (dir) => {
    const list = await runScript("data", ["--list", "--json", "--data-dir", dir]);
    assert.equal(list.code, 0);
    const rows = list.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.length, 6);
    assert.ok(rows.every((r) => r.cached === false));
  });
});

Deno.test("deno task doctor reports every check and exits 0 or 1", async () => {
  const r = await runScript("doctor", ["--json"]);
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  const names = r.stdout.trim().split("\n").map((l) => JSON.parse(l).name);
  assert.deepEqual(names, [
    "deno",
    "engine",
    "tfjs-node",
    "blas",
    "nbclient",
    "jupyter kernel",
    "jupyter app",
    "data",
  ]);
});
