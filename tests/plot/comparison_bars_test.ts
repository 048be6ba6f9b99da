import assert from "node:assert/strict";
import { comparisonBarsSpec, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { valuesOf } from "./_samples.ts";

const rows = [
  { name: "char-rnn", value: 2.1 },
  { name: "gpt", value: 1.5 },
  { name: "lstm-attention", value: 1.8 },
];

Deno.test("comparisonBarsSpec() keeps the given order and titles the metric", () => {
  const spec = comparisonBarsSpec(rows, { metric: "val bits per char" });
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.deepEqual(valuesOf(spec), rows);
  const enc = spec.encoding as { x: { field: string; title: string }; y: { sort: string[] } };
  assert.equal(enc.x.title, "val bits per char");
  assert.deepEqual(enc.y.sort, ["char-rnn", "gpt", "lstm-attention"]);
});

Deno.test("comparisonBarsSpec() sorts when asked", () => {
  const spec = comparisonBarsSpec(rows, { metric: "bpc", sort: "ascending" });
  const names = valuesOf<{ name: string }>(spec).map((r) => r.name);
  assert.deepEqual(names, ["gpt", "lstm-attention", "char-rnn"]);
});

Deno.test("comparisonBarsSpec() rejects duplicate names and non-finite values", () => {
  assert.throws(
    () => comparisonBarsSpec([{ name: "a", value: 1 }, { name: "a", value: 2 }], { metric: "m" }),
    /unique names/,
  );
  assert.throws(() => comparisonBarsSpec([{ name: "a", value: NaN }], { metric: "m" }), /finite/);
});
