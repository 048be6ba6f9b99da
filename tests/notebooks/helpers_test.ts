import assert from "node:assert/strict";
import { isQuick, pick } from "../../lib/notebook/quick.ts";
import { showEngine, showMarkdown, showText } from "../../lib/notebook/display.ts";
import { kernelSpec, writeKernelSpec } from "../../lib/notebook_runner/kernelspec.ts";
import { findNotebooks, notebooksRequired } from "../../lib/notebook_runner/availability.ts";

Deno.test("isQuick() and pick() follow LMFS_QUICK=1 exactly", () => {
  for (const [value, quick] of [["1", true], ["0", false], ["true", false], [undefined, false]]) {
    const env = { LMFS_QUICK: value as string | undefined };
    assert.equal(isQuick(env), quick, String(value));
    assert.equal(pick(10, 1000, { env }), quick ? 10 : 1000);
  }
});

Deno.test("isQuick() reads the process environment by default", () => {
  const before = Deno.env.get("LMFS_QUICK");
  try {
    Deno.env.set("LMFS_QUICK", "1");
    assert.equal(isQuick(), true);
    Deno.env.delete("LMFS_QUICK");
    assert.equal(isQuick(), false);
  } finally {
    if (before === undefined) Deno.env.delete("LMFS_QUICK");
    else Deno.env.set("LMFS_QUICK", before);
  }
});

Deno.test("show helpers send raw MIME bundles to the display function", async () => {
  const calls: unknown[] = [];
  const display = (obj: unknown, options?: unknown) => {
    calls.push([obj, options]);
    return Promise.resolve();
  };
  await showText(display, "a");
  await showMarkdown(display, "*b*");
  await showEngine(display, "  wasm · tfjs 4.22.0\n");
  assert.deepEqual(calls, [
    [{ "text/plain": "a" }, { raw: true }],
    [{ "text/markdown": "*b*", "text/plain": "*b*" }, { raw: true }],
    [{ "text/plain": "engine: wasm · tfjs 4.22.0" }, { raw: true }],
  ]);
});

Deno.test("the kernelspec runs this Deno as `deno jupyter --kernel`", async () => {
  const spec = kernelSpec();
  assert.deepEqual(spec.argv, [
    Deno.execPath(),
    "jupyter",
    "--kernel",
    "--conn",
    "{connection_file}",
  ]);
  assert.equal(spec.language, "typescript");
  const dir = await Deno.makeTempDir();
  try {
    const file = await writeKernelSpec(dir, spec, "k");
    assert.equal(file, `${dir}/kernels/k/kernel.json`);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(file)), spec);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findNotebooks() lists .ipynb files only, and none for a missing directory", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/.ipynb_checkpoints`);
    await Deno.writeTextFile(`${dir}/.ipynb_checkpoints/01-checkpoint.ipynb`, "{}");
    await Deno.writeTextFile(`${dir}/.hidden.ipynb`, "{}");
    await Deno.writeTextFile(`${dir}/01.ipynb`, "{}");
    assert.deepEqual(await findNotebooks(dir), [`${dir}/01.ipynb`]);
    assert.deepEqual(await findNotebooks(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebooksRequired() follows LMFS_REQUIRE_NOTEBOOKS=1", () => {
  assert.equal(notebooksRequired({ LMFS_REQUIRE_NOTEBOOKS: "1" }), true);
  assert.equal(notebooksRequired({ LMFS_REQUIRE_NOTEBOOKS: "yes" }), false);
});
