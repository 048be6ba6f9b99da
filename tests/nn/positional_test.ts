import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { InputError } from "../../lib/errors.ts";
import { ParamStore } from "../../lib/nn/param_store.ts";
import { PositionalEncoding, sinusoidalTable } from "../../lib/nn/positional.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("sinusoidalTable follows the paper: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(…)", () => {
  const n = 50, d = 16;
  const pe = sinusoidalTable(n, d);
  for (let pos = 0; pos < n; pos++) {
    for (let i = 0; i < d / 2; i++) {
      const angle = pos / 10000 ** (2 * i / d);
      assert.ok(Math.abs(pe[pos * d + 2 * i] - Math.sin(angle)) < 1e-6);
      assert.ok(Math.abs(pe[pos * d + 2 * i + 1] - Math.cos(angle)) < 1e-6);
    }
  }
});

Deno.test("PositionalEncoding: sinusoidal is a constant, learned a parameter, none adds nothing", () => {
  const store = new ParamStore(new Rng(0));
  const sin = new PositionalEncoding(store, "a", { kind: "sinusoidal", nPositions: 8, dim: 4 });
  const learned = new PositionalEncoding(store, "pos_emb", {
    kind: "learned",
    nPositions: 8,
    dim: 4,
  });
  const none = new PositionalEncoding(store, "c", { kind: "none", nPositions: 8, dim: 4 });
  assert.deepEqual(store.list().map((p) => [p.name, p.variable.shape]), [["pos_emb.weight", [
    8,
    4,
  ]]]);
  const rows = sin.forward(3, 2)!;
  assert.deepEqual(Array.from(rows.dataSync()), Array.from(sinusoidalTable(8, 4).subarray(12, 20)));
  const lr = learned.forward(0, 8)!;
  assert.deepEqual(Array.from(lr.dataSync()), Array.from(store.get("pos_emb.weight").dataSync()));
  assert.equal(none.forward(0, 8), undefined);
  assert.throws(
    () => sin.forward(6, 3),
    (e: Error) => e instanceof InputError && /exceed the positional table \(8\)/.test(e.message),
  );
  assert.throws(
    () => new PositionalEncoding(store, "d", { kind: "alibi", nPositions: 8, dim: 4 }),
    InputError,
  );
  tf.dispose([rows, lr]);
  for (const p of [sin, learned, none]) p.dispose();
  store.dispose();
});
