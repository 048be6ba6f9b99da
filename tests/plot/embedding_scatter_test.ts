import assert from "node:assert/strict";
import { embeddingScatterSpec, VEGA_LITE_SCHEMA } from "../../lib/plot/mod.ts";
import { valuesOf } from "./_samples.ts";

Deno.test("embeddingScatterSpec() plots labelled points with visible whitespace", () => {
  const spec = embeddingScatterSpec([
    { x: 1, y: 2, label: "a" },
    { x: -1, y: 0.5, label: " " },
    { x: 0, y: 0, label: "\n" },
  ]);
  assert.equal(spec.$schema, VEGA_LITE_SCHEMA);
  assert.deepEqual(valuesOf(spec), [
    { x: 1, y: 2, label: "a" },
    { x: -1, y: 0.5, label: "␣" },
    { x: 0, y: 0, label: "⏎" },
  ]);
  const layers = spec.layer as { mark: { type: string } }[];
  assert.deepEqual(layers.map((l) => l.mark.type), ["point", "text"]);
  const enc = spec.encoding as { x: { title: string }; y: { title: string } };
  assert.deepEqual([enc.x.title, enc.y.title], ["PC 1", "PC 2"]);
});

Deno.test("embeddingScatterSpec() colours by group when points have one", () => {
  const spec = embeddingScatterSpec([
    { x: 0, y: 0, label: "a", group: "vowel" },
    { x: 1, y: 1, label: "b", group: "consonant" },
  ]);
  const dots = (spec.layer as { encoding: { color?: { field: string } } }[])[0];
  assert.equal(dots.encoding.color?.field, "group");
  assert.equal(valuesOf<{ group: string }>(spec)[0].group, "vowel");
});

Deno.test("embeddingScatterSpec() drops labels for crowded plots and rejects NaN", () => {
  const many = Array.from({ length: 300 }, (_, i) => ({ x: i, y: i, label: `t${i}` }));
  assert.equal((embeddingScatterSpec(many).layer as unknown[]).length, 1);
  assert.throws(() => embeddingScatterSpec([{ x: NaN, y: 0, label: "a" }]), /point 0 x/);
});
