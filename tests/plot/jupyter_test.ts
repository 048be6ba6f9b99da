import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  bundleFor,
  JUPYTER_DISPLAY,
  plot,
  VEGA_LITE_MIME,
  VegaLitePlot,
} from "../../lib/plot/mod.ts";
import { sampleSpecs } from "./_samples.ts";

const MIME_TYPES = ["application/vnd.vegalite.v5+json", "image/png", "text/plain"];

Deno.test("bundleFor() gives exactly Vega-Lite JSON, PNG and plain text", async () => {
  const spec = sampleSpecs().curves;
  const bundle = await bundleFor(spec);
  assert.deepEqual(Object.keys(bundle).sort(), MIME_TYPES);
  assert.equal(VEGA_LITE_MIME, MIME_TYPES[0]);
  assert.equal(bundle[VEGA_LITE_MIME], spec);
  const png = Buffer.from(bundle["image/png"], "base64");
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.match(bundle["text/plain"], /^<Vega-Lite plot: RNN vs GRU \(\d+×\d+\)>$/);
  assert.doesNotMatch(JSON.stringify(Object.keys(bundle)), /text\/html/);
});

Deno.test("bundleFor() describes untitled plots by their description", async () => {
  const bundle = await bundleFor(sampleSpecs().lossEmpty);
  assert.match(bundle["text/plain"], /^<Vega-Lite plot: Training loss against step/);
});

Deno.test("VegaLitePlot uses the Deno Jupyter display symbol and renders once", async () => {
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
  const p = new VegaLitePlot(sampleSpecs().comparison);
  assert.equal(typeof p[Symbol.for("Jupyter.display") as typeof JUPYTER_DISPLAY], "function");
  const first = p[JUPYTER_DISPLAY]();
  assert.ok(first instanceof Promise);
  assert.equal(p.bundle(), first);
  assert.deepEqual(Object.keys(await first).sort(), MIME_TYPES);
});

Deno.test("VegaLitePlot copies the spec, so later edits do not change it", () => {
  const spec = sampleSpecs().comparison;
  const p = new VegaLitePlot(spec);
  spec.title = "changed";
  assert.equal(p.spec.title, "models");
});

Deno.test("plot() renders before it resolves", async () => {
  const p = await plot(sampleSpecs().scatter);
  const bundle = await p[JUPYTER_DISPLAY]();
  assert.ok(bundle["image/png"].length > 1000);
});
