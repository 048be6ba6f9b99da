import assert from "node:assert/strict";
import { SHARED_DATA } from "../_helpers/paths.ts";
import { runScriptMeasured } from "../_helpers/peak_rss.ts";

const env = { LMFS_DATA_MIRROR: SHARED_DATA };
const root = await Deno.makeTempDir({ prefix: "lmfs_mem_" });
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));
const MAX_RSS = 1.5e9; // refused before allocating (the issue saw 3.4 and 4.3 GB, and a segfault)

for (
  const [preset, flags, message] of [
    ["baby", ["--batch-size", "100000"], /lower --batch-size \(now 100000\) or --block-size/],
    [
      "baby",
      ["--block-size", "100000"],
      /lower --batch-size \(now 12\) or --block-size \(now 100000\)/,
    ],
    [
      "tiny",
      ["--set", "nEmbd=65536", "--set", "nHead=1"],
      /use a smaller model: lower nEmbd \(now 65536\)/,
    ],
  ] as const
) {
  Deno.test(`train:gpt --preset ${preset} ${flags.join(" ")}: exit 2, one line, before allocating`, async () => {
    const r = await runScriptMeasured("train", [
      "--model",
      "gpt",
      "--preset",
      preset,
      ...flags,
      "--sample",
      "0",
      "--json",
      "--out",
      `${root}/${preset}-${flags.join("")}`,
    ], env);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "", "nothing started");
    assert.deepEqual([...Deno.readDirSync(root)], [], "nothing written");
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^train: needs ~[\d,.]+ GB, the (wasm backend|machine) has/);
    assert.match(lines[0], message);
    if (r.peakRss !== undefined) assert.ok(r.peakRss < MAX_RSS, `peak RSS ${r.peakRss} bytes`);
  });
}

Deno.test("train:gpt with a config above the limits exits 2 naming the limit", async () => {
  const r = await runScriptMeasured("train", [
    "--model",
    "gpt",
    "--preset",
    "tiny",
    "--set",
    "nLayer=5000",
  ], env);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr.trim(),
    /^train: model config .*: nLayer 5000 is above the depth limit of 1,024/,
  );
});
