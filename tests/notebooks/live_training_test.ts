import assert from "node:assert/strict";
import type { DisplayOptions } from "../../lib/notebook/display.ts";
import { liveTraining, progressText } from "../../lib/notebook/live_training.ts";
import { VEGA_LITE_MIME } from "../../lib/plot/jupyter.ts";
import type { EvalEvent, StepEvent, TrainHooks } from "../../lib/train/train.ts";

type Call = { bundle: Record<string, unknown>; options?: DisplayOptions };

/** A display function that records its calls, optionally slowly. */
function fakeDisplay(delayMs = 0) {
  const calls: Call[] = [];
  const display = async (obj: unknown, options?: DisplayOptions) => {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    calls.push({ bundle: obj as Record<string, unknown>, options });
  };
  return { calls, display };
}

const step = (n: number, seconds = n / 10): StepEvent => ({
  step: n,
  loss: 4 / n,
  lr: 1e-3,
  tokensPerSecond: 2000,
  seconds,
});
const evaluation = (n: number, valLoss: number): EvalEvent => ({
  step: n,
  trainLoss: valLoss - 0.05,
  valLoss,
  bestValLoss: valLoss,
  improved: true,
});
const settle = () => new Promise((r) => setTimeout(r, 0));

Deno.test("liveTraining() shows one output, then updates it in place", async () => {
  const { calls, display } = fakeDisplay();
  const live = liveTraining(display, { title: "t", displayId: "run-1", minIntervalMs: 0 });
  for (let n = 1; n <= 3; n++) {
    live.onStep(step(n));
    await settle();
  }
  live.onEval(evaluation(3, 1.5));
  await live.close();
  assert.deepEqual(calls[0].options, { raw: true, display_id: "run-1" });
  assert.ok(calls.length >= 3);
  for (const call of calls.slice(1)) {
    assert.deepEqual(call.options, { raw: true, display_id: "run-1", update: true });
  }
  assert.equal(live.displayId, "run-1");
});

Deno.test("liveTraining() frames hold the loss plot with the progress line", async () => {
  const { calls, display } = fakeDisplay();
  const live = liveTraining(display, { title: "char-rnn", total: 4, minIntervalMs: 0 });
  live.onStep(step(1));
  live.onStep(step(2));
  await settle();
  live.onEval(evaluation(2, 2.25));
  await live.close();
  const first = calls[0].bundle;
  assert.deepEqual(Object.keys(first).sort(), [VEGA_LITE_MIME, "text/plain"]);
  assert.equal(first["text/plain"], "char-rnn: starting…");
  const last = calls.at(-1)!.bundle;
  assert.deepEqual(Object.keys(last).sort(), [VEGA_LITE_MIME, "image/png", "text/plain"]);
  assert.match(String(last["text/plain"]), /^char-rnn: step 2\/4 █████░░░░░ 50% · loss 2\.000 ·/);
  const spec = last[VEGA_LITE_MIME] as { title: { text: string; subtitle: string } };
  assert.equal(spec.title.text, "char-rnn");
  assert.match(spec.title.subtitle, /val 2\.250 \(best 2\.250\)/);
  const values = (spec as unknown as { data: { values: { series: string }[] } }).data.values;
  assert.deepEqual(values.map((v) => v.series), [
    "train (per step)",
    "train (per step)",
    "train",
    "val",
  ]);
  assert.equal(live.history.length, 3);
});

Deno.test("liveTraining() throttles step updates by steps and by time", async () => {
  const { calls, display } = fakeDisplay();
  let clock = 0;
  const live = liveTraining(display, { every: 5, minIntervalMs: 1000, now: () => clock });
  await settle();
  assert.equal(calls.length, 1); // the first frame
  for (let n = 1; n <= 40; n++) {
    clock += 100; // 0.1 s a step: time allows a frame every 10 steps
    live.onStep(step(n));
    await settle();
  }
  assert.equal(calls.length, 1 + 4); // steps 10, 20, 30, 40
  live.onEval(evaluation(40, 1.9)); // evaluations always redraw
  await settle();
  assert.equal(calls.length, 6);
  await live.close();
  assert.equal(calls.length, 7);
});

Deno.test("liveTraining() coalesces frames while the display is busy", async () => {
  const { calls, display } = fakeDisplay(30);
  const live = liveTraining(display, { minIntervalMs: 0 });
  for (let n = 1; n <= 50; n++) live.onStep(step(n)); // all while the first frame is in flight
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(calls.length, 2); // the first frame and one coalesced frame
  assert.match(String(calls[1].bundle["text/plain"]), /step 50 ·/);
  await live.close();
  assert.equal(calls.length, 3);
});

Deno.test("liveTraining().close() rethrows a display error and runs once", async () => {
  let n = 0;
  const live = liveTraining(() => {
    n++;
    return Promise.reject(new Error("display broke"));
  }, { minIntervalMs: 0 });
  live.onStep(step(1));
  await assert.rejects(live.close(), /display broke/);
  assert.equal(n, 1); // no more frames after the first failure
  await live.close();
});

Deno.test("liveTraining() hooks fit train()'s TrainHooks and rejects bad options", () => {
  const { display } = fakeDisplay();
  const live = liveTraining(display, { displayId: "x" });
  const hooks: TrainHooks = live;
  assert.equal(typeof hooks.onStep, "function");
  assert.throws(() => liveTraining(display, { every: 0 }), /every must be a positive integer/);
  assert.throws(() => liveTraining(display, { total: -1 }), /total must be a positive number/);
  assert.throws(() => liveTraining(display, { minIntervalMs: -1 }), /minIntervalMs/);
  return live.close();
});

Deno.test("liveTraining() starts from a resumed run's history", async () => {
  const { calls, display } = fakeDisplay();
  const live = liveTraining(display, { history: [{ step: 1, seconds: 0.1, loss: 4 }] });
  await live.close();
  const spec = calls.at(-1)!.bundle[VEGA_LITE_MIME] as { data: { values: unknown[] } };
  assert.equal(spec.data.values.length, 1);
});

Deno.test("progressText() shows step, losses, speed and time left", () => {
  assert.equal(
    progressText(step(10, 5), evaluation(10, 1.62), 40),
    "step 10/40 ███░░░░░░░ 25% · loss 0.400 · val 1.620 (best 1.620) · 2.0k tok/s · 5 s, ~15 s left",
  );
  assert.equal(
    progressText({ ...step(5, 125), tokensPerSecond: 1_500_000 }, undefined),
    "step 5 · loss 0.800 · 1.5M tok/s · 2 min 5 s",
  );
  assert.equal(
    progressText(undefined, evaluation(0, 4.17), 100).split(" · ")[0],
    "step 0/100 ░░░░░░░░░░ 0%",
  );
});
