import assert from "node:assert/strict";
import { heatmapSpec, renderSvg, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";

Deno.test("heatmapSpec() has one cell per value, a symmetric colour domain and readable labels", async () => {
  const spec = heatmapSpec([[0.5, -2], [0, 1]], {
    columnLabels: ["a", " "],
    rowLabels: ["u0", "u1"],
  });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  const values = (spec.data as { values: { r: number; c: number; v: number }[] }).values;
  assert.deepEqual(values, [{ r: 0, c: 0, v: 0.5 }, { r: 0, c: 1, v: -2 }, { r: 1, c: 0, v: 0 }, {
    r: 1,
    c: 1,
    v: 1,
  }]);
  const enc = spec.encoding as {
    color: { scale: { domain: number[] } };
    x: { axis: { labelExpr: string } };
  };
  assert.deepEqual(enc.color.scale.domain, [-2, 2]);
  assert.match(enc.x.axis.labelExpr, /␣/);
  assert.match(await renderSvg(spec), /<svg/);
});

Deno.test("heatmapSpec() rejects ragged rows, label mismatches and non-finite values", () => {
  assert.throws(() => heatmapSpec([[1, 2], [3]]), /same length/);
  assert.throws(
    () => heatmapSpec([[1, 2]], { columnLabels: ["a"] }),
    /2 columns but 1 column labels/,
  );
  assert.throws(() => heatmapSpec([[NaN]]), /is NaN/);
});
