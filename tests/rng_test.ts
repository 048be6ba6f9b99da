import assert from "node:assert/strict";
import { Rng } from "../lib/rng.ts";

Deno.test("Rng: the same seed gives the same stream; nearby seeds differ", () => {
  const a = new Rng(1);
  const b = new Rng(1);
  const c = new Rng(2);
  const sa = Array.from({ length: 10 }, () => a.nextUint32());
  assert.deepEqual(sa, Array.from({ length: 10 }, () => b.nextUint32()));
  assert.notDeepEqual(sa, Array.from({ length: 10 }, () => c.nextUint32()));
});

Deno.test("Rng: int(n) stays in range and is close to uniform", () => {
  const rng = new Rng(123);
  const counts = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) counts[rng.int(10)]++;
  for (const c of counts) assert.ok(Math.abs(c - n / 10) < 500, `count ${c}`); // ~5 sigma
  for (let i = 0; i < 1000; i++) {
    const v = rng.next();
    assert.ok(v >= 0 && v < 1);
  }
});

Deno.test("Rng: state round-trips through JSON", () => {
  const rng = new Rng(42);
  rng.next();
  const saved = JSON.parse(JSON.stringify(rng.state));
  const expected = [rng.next(), rng.next()];
  const other = new Rng(0);
  other.state = saved;
  assert.deepEqual([other.next(), other.next()], expected);
});

Deno.test("Rng rejects bad seeds, bounds and states", () => {
  assert.throws(() => new Rng(1.5), RangeError);
  assert.throws(() => new Rng(0).int(0), RangeError);
  const rng = new Rng(0);
  assert.throws(() => (rng.state = [0, 0, 0, 0]), RangeError);
  assert.throws(
    () => (rng.state = [1, 2, 3] as unknown as [number, number, number, number]),
    RangeError,
  );
});
