import assert from "node:assert/strict";
import { compileToVega, PLOT_FONT, renderPng, renderSvg } from "../../lib/plot/mod.ts";
import { sampleSpecs } from "./_samples.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

function svgSize(svg: string): [number, number] {
  const m = svg.match(/^<svg[^>]* width="(\d+)" height="(\d+)"/);
  assert.ok(m, "SVG has width and height");
  return [Number(m[1]), Number(m[2])];
}

Deno.test("every spec kind compiles without Vega-Lite warnings and renders to SVG", async () => {
  for (const [name, spec] of Object.entries(sampleSpecs())) {
    const warnings: string[] = [];
    const vega = await compileToVega(spec, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(warnings, [], `${name}: ${warnings.join("; ")}`);
    assert.equal(vega.$schema, "https://vega.github.io/schema/vega/v5.json");
    const svg = await renderSvg(spec);
    assert.ok(svg.startsWith("<svg"), name);
    const [w, h] = svgSize(svg);
    assert.ok(w > 100 && w < 1500 && h > 100 && h < 1500, `${name}: ${w}×${h}`);
  }
});

Deno.test("renderSvg() draws the title, axis titles, legend and marks in DejaVu Sans", async () => {
  const svg = await renderSvg(sampleSpecs().loss);
  for (const text of ["loss by step", "loss (nats/token)", "step", "train (per step)", "val"]) {
    assert.ok(svg.includes(`>${text}</text>`), `missing text "${text}"`);
  }
  assert.ok(svg.includes(`font-family="${PLOT_FONT}"`));
  assert.ok(svg.includes('aria-roledescription="line mark"'));
  assert.ok(svg.includes("<path"));
});

Deno.test("renderSvg() shows tokens with visible whitespace", async () => {
  const svg = await renderSvg(sampleSpecs().probabilities);
  for (const label of ["␣", "b", "a", "⏎"]) assert.ok(svg.includes(`>${label}</text>`), label);
});

Deno.test("renderPng() makes a PNG of the SVG's size times the scale", async () => {
  const spec = sampleSpecs().comparison;
  const svg = await renderSvg(spec);
  const [w, h] = svgSize(svg);
  const png2 = await renderPng(spec);
  assert.deepEqual([...png2.subarray(0, 8)], PNG_SIGNATURE);
  assert.deepEqual(pngSize(png2), [2 * w, 2 * h]);
  const png1 = await renderPng(svg, { scale: 1 });
  assert.deepEqual(pngSize(png1), [w, h]);
});

Deno.test("rendering the same spec twice gives identical SVG and PNG bytes", async () => {
  const spec = sampleSpecs().attention;
  const [svgA, svgB] = [await renderSvg(spec), await renderSvg(spec)];
  assert.equal(svgA, svgB);
  // Vega's process-wide gradient/clip counters are renumbered per document.
  assert.ok(svgA.includes('id="gradient_0"') && svgA.includes("url(#gradient_0)"));
  const [pngA, pngB] = [await renderPng(spec), await renderPng(spec)];
  assert.deepEqual(pngA, pngB);
});

Deno.test("renderPng() draws text: a spec with a title has more ink than one without", async () => {
  const base = sampleSpecs().comparison;
  const titled = await renderPng({ ...base, title: "A LONG TITLE WITH MANY GLYPHS IN IT" });
  const plain = await renderPng({ ...base, title: "" });
  assert.notDeepEqual(titled, plain);
  assert.ok(titled.length > plain.length, `${titled.length} vs ${plain.length}`);
});

Deno.test("renderSvg() reports Vega-Lite warnings and rejects invalid specs", async () => {
  const warnings: string[] = [];
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    data: { values: [{ a: 1 }] },
    mark: "bar",
    encoding: { x: { field: "a", type: "quantitative" }, shape: { field: "a", type: "nominal" } },
  };
  assert.ok((await renderSvg(spec, { onWarning: (w) => warnings.push(w) })).startsWith("<svg"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /shape/);
  await assert.rejects(() => renderSvg({ $schema: spec.$schema, mark: "no-such-mark" }));
});

Deno.test("renderPng() rejects a bad scale and input that is not SVG", async () => {
  await assert.rejects(() => renderPng("<svg/>", { scale: 0 }), /scale/);
  await assert.rejects(() => renderPng("not svg"), /SVG document/);
});
