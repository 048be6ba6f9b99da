import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng.ts";
import {
  argmax,
  pickToken,
  sampleIndex,
  samplingDistribution,
  softmax,
  topKFilter,
  topPFilter,
} from "../../lib/sample/sampling.ts";

/** Ids with a non-zero probability. */
function support(probs: ArrayLike<number>): number[] {
  return Array.from(probs).flatMap((p, i) => p > 0 ? [i] : []);
}

function randomLogits(rng: Rng, n: number, scale = 3): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

Deno.test("softmax is stable for huge logits, sums to 1 and gives -Infinity zero probability", () => {
  assert.equal(Math.exp(1e4), Infinity); // a naive softmax would give NaN
  const p = softmax([1e4, 1e4 - 1, -Infinity]);
  assert.ok(p.every(Number.isFinite));
  assert.ok(Math.abs(p[0] + p[1] - 1) < 1e-12);
  assert.ok(Math.abs(p[0] / p[1] - Math.E) < 1e-9);
  assert.equal(p[2], 0);
  const q = softmax([1, 2, 3], 0.5);
  assert.ok(Math.abs(q[2] / q[1] - Math.exp(2)) < 1e-9);
});

Deno.test("argmax breaks ties by the lower id", () => {
  assert.equal(argmax([1, 7, 7, 3]), 1);
  assert.equal(argmax([-Infinity, -Infinity, 0]), 2);
});

Deno.test("topKFilter keeps exactly k tokens, ties by lower id; 0 and ≥ V keep all", () => {
  const logits = [0.5, 2, 2, 1, 2];
  assert.deepEqual(support(softmax(topKFilter(logits, 2))), [1, 2]);
  assert.deepEqual(support(softmax(topKFilter(logits, 3))), [1, 2, 4]);
  assert.deepEqual(support(softmax(topKFilter(logits, 4))), [1, 2, 3, 4]);
  assert.deepEqual([...topKFilter(logits, 0)], logits);
  assert.deepEqual([...topKFilter(logits, 5)], logits);
  assert.deepEqual([...topKFilter(logits, 99)], logits);
});

Deno.test("topPFilter keeps the smallest most-likely set whose probability reaches p", () => {
  const probs = [0.125, 0.5, 0.125, 0.25]; // sorted: id 1, id 3, then the tie ids 0 and 2
  assert.deepEqual(support(topPFilter(probs, 0.5)), [1]); // exactly at the first boundary
  assert.deepEqual(support(topPFilter(probs, 0.4)), [1]);
  assert.deepEqual(support(topPFilter(probs, 0.5000001)), [1, 3]);
  assert.deepEqual(support(topPFilter(probs, 0.75)), [1, 3]); // exactly at a boundary
  assert.deepEqual(support(topPFilter(probs, 0.7500001)), [0, 1, 3]); // tie: lower id first
  assert.deepEqual(support(topPFilter(probs, 0.875)), [0, 1, 3]);
  assert.deepEqual(support(topPFilter(probs, 0.8750001)), [0, 1, 2, 3]);
  assert.deepEqual(support(topPFilter(probs, 1e-9)), [1]); // never empty
  assert.deepEqual([...topPFilter(probs, 1)], probs);
  // the survivors are renormalised
  assert.deepEqual([...topPFilter(probs, 0.75)], [0, 2 / 3, 0, 1 / 3]);
});

Deno.test("topPFilter: float rounding in the running sum adds no token at an exact boundary", () => {
  assert.notEqual(0.7 + 0.2, 0.9); // 0.8999999999999999
  assert.deepEqual(support(topPFilter([0.7, 0.1, 0.2], 0.9)), [0, 2]);
  assert.deepEqual(support(topPFilter([0.3, 0.3, 0.4], 0.7)), [0, 2]); // tie between 0 and 1
});

Deno.test("topPFilter's set is minimal on random distributions", () => {
  const rng = new Rng(5);
  for (let trial = 0; trial < 200; trial++) {
    const probs = softmax(randomLogits(rng, 1 + rng.int(20)));
    const p = 0.05 + 0.95 * rng.next();
    const kept = support(topPFilter(probs, p));
    const mass = kept.reduce((s, i) => s + probs[i], 0);
    assert.ok(mass >= p - 1e-9, `kept mass ${mass} < p ${p}`);
    const smallest = Math.min(...kept.map((i) => probs[i]));
    assert.ok(mass - smallest < p, "a smaller set would have reached p");
    // every dropped token is no more likely than every kept one
    const dropped = probs.filter((_, i) => !kept.includes(i));
    assert.ok(dropped.every((q) => q <= smallest));
  }
});

Deno.test("samplingDistribution: topK 0 and topP 1 change nothing; topK 1 and temperature 0 are one-hot", () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const logits = randomLogits(rng, 13);
    const plain = samplingDistribution(logits, { temperature: 0.7 });
    assert.deepEqual(samplingDistribution(logits, { temperature: 0.7, topK: 0, topP: 1 }), plain);
    assert.deepEqual(samplingDistribution(logits, { temperature: 0.7, topK: 13 }), plain);
    const best = argmax(logits);
    for (const options of [{ topK: 1 }, { temperature: 0 }, { topP: 1e-6 }]) {
      assert.deepEqual(support(samplingDistribution(logits, options)), [best]);
    }
  }
});

Deno.test("samplingDistribution applies top-k before softmax and top-p after it", () => {
  const logits = [Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)];
  // top-k 3 keeps ids 1..3 → 0.2/0.9, 0.3/0.9, 0.4/0.9; top-p 0.7 then keeps ids 3 and 2
  const p = samplingDistribution(logits, { topK: 3, topP: 0.7 });
  assert.deepEqual(support(p), [2, 3]);
  assert.ok(Math.abs(p[3] - 4 / 7) < 1e-6);
});

Deno.test("sampleIndex draws in proportion to the probabilities and never a zero", () => {
  const probs = [0.1, 0, 0.6, 0.3];
  const counts = [0, 0, 0, 0];
  const rng = new Rng(3);
  const n = 20_000;
  for (let i = 0; i < n; i++) counts[sampleIndex(probs, rng)]++;
  assert.equal(counts[1], 0);
  for (const i of [0, 2, 3]) assert.ok(Math.abs(counts[i] / n - probs[i]) < 0.015);
  assert.equal(sampleIndex([0, 0, 5], new Rng(0)), 2); // unnormalised is fine
});

Deno.test("pickToken: temperature 1e-3 equals greedy; greedy draws no random number", () => {
  const rng = new Rng(8);
  for (let trial = 0; trial < 50; trial++) {
    const logits = randomLogits(rng, 17);
    assert.equal(pickToken(logits, { temperature: 1e-3 }, rng), argmax(logits));
  }
  const draws = new Rng(1);
  const before = draws.state;
  pickToken([1, 2, 3], { greedy: true, temperature: 2 }, draws);
  pickToken([1, 2, 3], { temperature: 0 }, draws);
  assert.deepEqual(draws.state, before);
});

Deno.test("logits with NaN or +Infinity are refused with a one-line InputError", () => {
  for (const bad of [[0, NaN, 1], [0, Infinity]]) {
    assert.throws(() => pickToken(bad, {}, new Rng(0)), (e: Error) => {
      return e instanceof InputError && !e.message.includes("\n");
    });
    assert.throws(() => pickToken(bad, { greedy: true }, new Rng(0)), InputError);
  }
  assert.throws(() => samplingDistribution([-Infinity, -Infinity]), RangeError);
});
