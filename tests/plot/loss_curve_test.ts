import assert from "node:assert/strict";
import { LOSS_SERIES, lossCurveSpec, PLOT_FONT, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { sampleHistory, valuesOf } from "./_samples.ts";

type Row = { step?: number; seconds?: number; loss: number; series: string };

Deno.test("lossCurveSpec() is a Vega-Lite v5 spec in the plot font", () => {
  const spec = lossCurveSpec(sampleHistory(), { title: "run" });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.equal((spec.config as { font: string }).font, PLOT_FONT);
  assert.equal(spec.title, "run");
  assert.equal(spec.width, 480);
  assert.equal((spec.layer as unknown[]).length, 2);
});

Deno.test("lossCurveSpec() splits history into per-step and estimate series", () => {
  const spec = lossCurveSpec([
    { step: 1, loss: 4.0 },
    { step: 2, loss: 3.5, train_loss: 3.6, val_loss: 3.7 },
    { step: 3, loss: 3.2 },
  ]);
  assert.deepEqual(valuesOf<Row>(spec), [
    { step: 1, loss: 4, series: "train (per step)" },
    { step: 2, loss: 3.5, series: "train (per step)" },
    { step: 3, loss: 3.2, series: "train (per step)" },
    { step: 2, loss: 3.6, series: "train" },
    { step: 2, loss: 3.7, series: "val" },
  ]);
  const encoding = spec.encoding as Record<string, { field: string; title?: unknown }> & {
    color: { scale: { domain: string[] } };
  };
  assert.equal(encoding.x.field, "step");
  assert.equal(encoding.y.field, "loss");
  assert.deepEqual(encoding.color.scale.domain, [...LOSS_SERIES]);
});

Deno.test("lossCurveSpec() draws per-step loss faint and estimates bold with points", () => {
  const [faint, bold] = lossCurveSpec(sampleHistory()).layer as {
    mark: { strokeWidth: number; point?: unknown };
    transform: { filter: { equal?: string; oneOf?: string[] } }[];
  }[];
  assert.equal(faint.transform[0].filter.equal, "train (per step)");
  assert.deepEqual(bold.transform[0].filter.oneOf, ["train", "val"]);
  assert.ok(bold.mark.strokeWidth > faint.mark.strokeWidth);
  assert.ok(bold.mark.point);
  assert.equal(faint.mark.point, undefined);
});

Deno.test("lossCurveSpec() against seconds uses only rows that have seconds", () => {
  const spec = lossCurveSpec([
    { step: 1, loss: 4 },
    { step: 2, seconds: 0.5, loss: 3, val_loss: 3.1 },
  ], { x: "seconds" });
  assert.deepEqual(valuesOf<Row>(spec), [
    { seconds: 0.5, loss: 3, series: "train (per step)" },
    { seconds: 0.5, loss: 3.1, series: "val" },
  ]);
  const x = (spec.encoding as { x: { field: string; title: string } }).x;
  assert.deepEqual([x.field, x.title], ["seconds", "training time (s)"]);
});

Deno.test("lossCurveSpec() skips non-finite losses and accepts an empty history", () => {
  const spec = lossCurveSpec([{ step: 1, loss: NaN }, { step: 2, loss: Infinity, val_loss: 2 }]);
  assert.deepEqual(valuesOf<Row>(spec), [{ step: 2, loss: 2, series: "val" }]);
  assert.deepEqual(valuesOf(lossCurveSpec([])), []);
});

Deno.test("lossCurveSpec() averages long per-step series down to maxPoints", () => {
  const history = Array.from({ length: 100 }, (_, i) => ({ step: i + 1, loss: i % 2 }));
  const values = valuesOf<Row>(lossCurveSpec(history, { maxPoints: 10 }));
  assert.equal(values.length, 10);
  assert.deepEqual(values[0], { step: 5.5, loss: 0.5, series: "train (per step)" });
  assert.deepEqual(values[9], { step: 95.5, loss: 0.5, series: "train (per step)" });
});

Deno.test("lossCurveSpec() keeps every estimate however long the run", () => {
  const history = Array.from({ length: 3000 }, (_, i) => ({
    step: i,
    loss: 2,
    ...(i % 100 === 0 ? { val_loss: 2.1 } : {}),
  }));
  const values = valuesOf<Row>(lossCurveSpec(history));
  assert.equal(values.filter((v) => v.series === "val").length, 30);
  assert.equal(values.filter((v) => v.series === "train (per step)").length, 1000);
});

Deno.test("lossCurveSpec() rejects bad options with a clear message", () => {
  assert.throws(() => lossCurveSpec([], { x: "epoch" as "step" }), /x must be "step" or "seconds"/);
  assert.throws(() => lossCurveSpec([], { maxPoints: 1 }), /maxPoints/);
  assert.throws(() => lossCurveSpec([], { width: -5 }), /width/);
});
