import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const PLOT_DIR = fileURLToPath(new URL("../../lib/plot/", import.meta.url));

/** Source text without comments (docs may mention what code must not use). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

Deno.test("lib/plot never imports tfjs or touches Deno.jupyter", async () => {
  let files = 0;
  for await (const entry of Deno.readDir(PLOT_DIR)) {
    if (!entry.name.endsWith(".ts")) continue;
    files++;
    const source = code(await Deno.readTextFile(`${PLOT_DIR}${entry.name}`));
    assert.doesNotMatch(source, /@tensorflow|tfjs/, entry.name);
    assert.doesNotMatch(source, /Deno\.jupyter/, entry.name);
  }
  assert.ok(files > 5);
});

Deno.test("rendering prints nothing: no deprecation warnings from vega's dependencies", async () => {
  const mod = new URL("../../lib/plot/mod.ts", import.meta.url).href;
  const script = `
    import { comparisonBarsSpec, renderPng } from "${mod}";
    await renderPng(comparisonBarsSpec([{ name: "a", value: 1 }], { metric: "m" }));
  `;
  const config = fileURLToPath(new URL("../../deno.json", import.meta.url));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", "--config", config, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.equal(stderr, "");
  assert.equal(new TextDecoder().decode(output.stdout), "");
});
