import assert from "node:assert/strict";
import { curvesSpec, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { valuesOf } from "./_samples.ts";

const axes = { xTitle: "training time (s)", yTitle: "val bits per char" };

Deno.test("curvesSpec() puts every series in long form, legend in the order given", () => {
  const spec = curvesSpec([
    { name: "GRU", points: [{ x: 1, y: 2 }, { x: 2, y: 1.5 }] },
    { name: "RNN", points: [{ x: 1, y: 2.2 }] },
  ], axes);
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.deepEqual(valuesOf(spec), [
    { series: "GRU", x: 1, y: 2, order: 0 },
    { series: "GRU", x: 2, y: 1.5, order: 1 },
    { series: "RNN", x: 1, y: 2.2, order: 0 },
  ]);
  const enc = spec.encoding as {
    x: { title: string };
    y: { title: string };
    color: { field: string; scale: { domain: string[] } };
  };
  assert.equal(enc.x.title, "training time (s)");
  assert.equal(enc.y.title, "val bits per char");
  assert.deepEqual(enc.color.scale.domain, ["GRU", "RNN"]);
});

Deno.test("curvesSpec() supports log axes and draws points for short series", () => {
  const spec = curvesSpec([{ name: "gpt", points: [{ x: 1e5, y: 3 }, { x: 1e6, y: 2 }] }], {
    ...axes,
    logX: true,
  });
  const enc = spec.encoding as { x: { scale: { type?: string } } };
  assert.equal(enc.x.scale.type, "log");
  assert.equal((spec.mark as { point?: boolean }).point, true);
  const long = curvesSpec([{
    name: "a",
    points: Array.from({ length: 60 }, (_, i) => ({ x: i, y: i })),
  }], axes);
  assert.equal((long.mark as { point?: boolean }).point, undefined);
});

Deno.test("curvesSpec() rejects duplicate names, non-finite points and log of ≤ 0", () => {
  const p = [{ x: 1, y: 1 }];
  assert.throws(
    () => curvesSpec([{ name: "a", points: p }, { name: "a", points: p }], axes),
    /unique/,
  );
  assert.throws(() => curvesSpec([{ name: "a", points: [{ x: 1, y: NaN }] }], axes), /finite/);
  assert.throws(
    () => curvesSpec([{ name: "a", points: [{ x: 0, y: 1 }] }], { ...axes, logX: true }),
    /log x axis needs x > 0/,
  );
});
