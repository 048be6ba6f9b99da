import assert from "node:assert/strict";
import { attentionHeatmapSpec, renderSvg, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { sampleAttention, valuesOf } from "./_samples.ts";

type Cell = { query: number; key: number; queryToken: string; keyToken: string; weight: number };
type Axis = { labelExpr: string };
type Encoding = {
  x: { field: string; type: string; scale: { domain: number[] }; axis: Axis };
  y: { field: string; type: string; scale: { domain: number[] }; axis: Axis };
};

Deno.test("attentionHeatmapSpec() has one cell per (query, key) addressed by position", () => {
  const tokens = ["the", " cat", "the"];
  const spec = attentionHeatmapSpec(sampleAttention(tokens), {
    queryTokens: tokens,
    keyTokens: tokens,
  });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  const cells = valuesOf<Cell>(spec);
  assert.equal(cells.length, 9);
  assert.deepEqual(cells[5], {
    query: 1,
    key: 2,
    queryToken: "␣cat",
    keyToken: "the",
    weight: 0,
  });
  const enc = spec.encoding as Encoding;
  assert.deepEqual([enc.x.field, enc.x.type, enc.y.field, enc.y.type], [
    "key",
    "ordinal",
    "query",
    "ordinal",
  ]);
  assert.deepEqual(enc.x.scale.domain, [0, 1, 2]);
  assert.equal(enc.x.axis.labelExpr, '["the","␣cat","the"][datum.value]');
});

Deno.test("attentionHeatmapSpec() rows of the weights sum to one in the data", () => {
  const tokens = ["a", "b", "c", "d"];
  const cells = valuesOf<Cell>(
    attentionHeatmapSpec(sampleAttention(tokens), { queryTokens: tokens, keyTokens: tokens }),
  );
  for (let q = 0; q < 4; q++) {
    const sum = cells.filter((c) => c.query === q).reduce((s, c) => s + c.weight, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `row ${q} sums to ${sum}`);
  }
});

Deno.test("attentionHeatmapSpec() renders token labels in order, duplicates included", async () => {
  const queries = ["to", " ", "be", " ", "or"];
  const keys = ["<k0>", "<k1>", "<k2>"];
  const weights = queries.map(() => [0.5, 0.25, 0.25]);
  const svg = await renderSvg(
    attentionHeatmapSpec(weights, { queryTokens: queries, keyTokens: keys }),
  );
  const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  const yLabels = labels.filter((t) => ["to", "␣", "be", "or"].includes(t));
  assert.deepEqual(yLabels, ["to", "␣", "be", "␣", "or"]);
  const xLabels = labels.filter((t) => t.startsWith("&lt;k"));
  assert.deepEqual(xLabels, ["&lt;k0&gt;", "&lt;k1&gt;", "&lt;k2&gt;"]);
});

Deno.test("attentionHeatmapSpec() prints values only on small maps unless asked", () => {
  const small = ["a", "b"];
  const spec = attentionHeatmapSpec([[1, 0], [0.5, 0.5]], { queryTokens: small, keyTokens: small });
  const layers = spec.layer as { mark: { type: string }; transform?: { filter: string }[] }[];
  assert.deepEqual(layers.map((l) => l.mark.type), ["rect", "text"]);
  assert.equal(layers[1].transform?.[0].filter, "datum.weight !== 0"); // masked cells stay blank
  const big = Array.from({ length: 20 }, (_, i) => `t${i}`);
  const bigSpec = attentionHeatmapSpec(sampleAttention(big), { queryTokens: big, keyTokens: big });
  assert.equal((bigSpec.layer as unknown[]).length, 1);
  const forced = attentionHeatmapSpec(sampleAttention(big), {
    queryTokens: big,
    keyTokens: big,
    showValues: true,
  });
  assert.equal((forced.layer as unknown[]).length, 2);
});

Deno.test("attentionHeatmapSpec() supports cross-attention shapes (queries ≠ keys)", () => {
  const spec = attentionHeatmapSpec([[0.2, 0.3, 0.5]], {
    queryTokens: ["q"],
    keyTokens: ["x", "y", "z"],
  });
  assert.equal(valuesOf(spec).length, 3);
});

Deno.test("attentionHeatmapSpec() rejects shapes that do not match the tokens", () => {
  assert.throws(
    () => attentionHeatmapSpec([[1]], { queryTokens: ["a", "b"], keyTokens: ["a"] }),
    /1 rows but 2 query tokens/,
  );
  assert.throws(
    () => attentionHeatmapSpec([[1, 0]], { queryTokens: ["a"], keyTokens: ["a"] }),
    /row 0 has 2 weights but there are 1 key tokens/,
  );
  assert.throws(
    () => attentionHeatmapSpec([[NaN]], { queryTokens: ["a"], keyTokens: ["a"] }),
    /attention weight \[0\]\[0\] must be a finite number/,
  );
});

Deno.test("attentionHeatmapSpec() with omitZeros leaves a causal mask's zeros out of the data", () => {
  const weights = [[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]];
  const tokens = ["a", "b", "c"];
  const full = JSON.stringify(
    attentionHeatmapSpec(weights, { queryTokens: tokens, keyTokens: tokens }),
  );
  const spec = attentionHeatmapSpec(weights, {
    queryTokens: tokens,
    keyTokens: tokens,
    omitZeros: true,
  });
  const values = (JSON.stringify(spec).match(/"weight":/g) ?? []).length;
  const allValues = (full.match(/"weight":/g) ?? []).length;
  assert.equal(allValues - values, 3);
});
