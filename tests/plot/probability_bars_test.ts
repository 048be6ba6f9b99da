import assert from "node:assert/strict";
import { probabilityBarsSpec, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { valuesOf } from "./_samples.ts";

type Bar = { rank: number; id: number; token: string; probability: number };

Deno.test("probabilityBarsSpec() shows the topN tokens, most probable first", () => {
  const spec = probabilityBarsSpec(["a", " ", "b", "\n", "c"], [0.1, 0.5, 0.2, 0.15, 0.05], {
    topN: 3,
  });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.deepEqual(valuesOf<Bar>(spec), [
    { rank: 0, id: 1, token: "␣", probability: 0.5 },
    { rank: 1, id: 2, token: "b", probability: 0.2 },
    { rank: 2, id: 3, token: "⏎", probability: 0.15 },
  ]);
  const y = (spec.encoding as { y: { field: string; axis: { labelExpr: string } } }).y;
  assert.equal(y.field, "rank");
  assert.equal(y.axis.labelExpr, '["␣","b","⏎"][datum.value]');
});

Deno.test("probabilityBarsSpec() keeps look-alike tokens apart and ties in vocabulary order", () => {
  const spec = probabilityBarsSpec(["x", "x", "y"], [0.25, 0.25, 0.5]);
  assert.deepEqual(valuesOf<Bar>(spec).map((b) => [b.id, b.token]), [[2, "y"], [0, "x"], [1, "x"]]);
});

Deno.test("probabilityBarsSpec() takes a whole vocabulary", () => {
  const vocab = Array.from({ length: 65 }, (_, i) => String.fromCharCode(32 + i));
  const probs = vocab.map(() => 1 / 65);
  assert.equal(valuesOf(probabilityBarsSpec(vocab, probs)).length, 10);
});

Deno.test("probabilityBarsSpec() rejects mismatched or impossible input", () => {
  assert.throws(() => probabilityBarsSpec(["a"], [0.5, 0.5]), /1 tokens but 2 probabilities/);
  assert.throws(() => probabilityBarsSpec(["a"], [1.5]), /must be in \[0, 1\]/);
  assert.throws(() => probabilityBarsSpec(["a"], [NaN]), /finite/);
  assert.throws(() => probabilityBarsSpec(["a"], [1], { topN: 0 }), /topN/);
});
