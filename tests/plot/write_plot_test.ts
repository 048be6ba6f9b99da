import assert from "node:assert/strict";
import { writePlot } from "../../lib/plot/mod.ts";
import { sampleSpecs } from "./_samples.ts";

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("writePlot() writes base.svg and base.png and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writePlot(sampleSpecs().loss, `${dir}/run/loss`);
    assert.deepEqual(files, { svg: `${dir}/run/loss.svg`, png: `${dir}/run/loss.png` });
    assert.deepEqual(await listDir(`${dir}/run`), ["loss.png", "loss.svg"]);
    assert.ok((await Deno.readTextFile(files.svg)).startsWith("<svg"));
    const png = await Deno.readFile(files.png);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writePlot() replaces existing files and accepts a path with an extension", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/loss.svg`, "old");
    await Deno.writeTextFile(`${dir}/loss.png`, "old");
    await writePlot(sampleSpecs().loss, `${dir}/loss.png`, { scale: 1 });
    assert.deepEqual(await listDir(dir), ["loss.png", "loss.svg"]);
    assert.notEqual(await Deno.readTextFile(`${dir}/loss.svg`), "old");
    assert.ok((await Deno.stat(`${dir}/loss.png`)).size > 1000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writePlot() fails cleanly when the target cannot be written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/loss.svg`); // a directory where the SVG should go
    await assert.rejects(() => writePlot(sampleSpecs().loss, `${dir}/loss`), /cannot write plot/);
    assert.deepEqual(await listDir(dir), ["loss.svg"]);
    await assert.rejects(() => writePlot(sampleSpecs().loss, `${dir}/`), /without extension/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
