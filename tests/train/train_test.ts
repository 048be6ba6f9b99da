import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";
import { DEFAULT_TRAIN, type TrainConfig } from "../../lib/train/config.ts";
import { DivergedError, type Snapshot, train } from "../../lib/train/train.ts";
import type { LanguageModel } from "../../lib/models/types.ts";
import { Bigram, charIds, TinyRnn } from "../_helpers/tiny_models.ts";
import { sharedText } from "../_helpers/paths.ts";

const text = (await sharedText("tinyshakespeare/input.txt")).slice(0, 20_000);
const { ids, vocab } = charIds(text);
const data = { train: ids.subarray(0, 18_000), val: ids.subarray(18_000) };
const base: TrainConfig = {
  ...DEFAULT_TRAIN,
  maxIters: 20,
  lrDecayIters: 20,
  warmupIters: 2,
  lr: 0.05,
  minLr: 0.005,
  batchSize: 4,
  evalInterval: 5,
  evalIters: 2,
};

function losses(snapshot: Snapshot): number[] {
  return snapshot.state.history.map((r) => r.loss ?? r.val_loss ?? 0);
}

/** History without wall-clock seconds (the only part that may differ). */
function curve(history: readonly { seconds: number }[]): unknown[] {
  return history.map(({ seconds: _s, ...rest }) => rest);
}

function weights(model: LanguageModel): number[][] {
  return model.params().list().map((p) => Array.from(p.variable.dataSync()));
}

Deno.test("train() lowers the loss of a bigram model from ln(vocab)", async () => {
  const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
  const evals: number[] = [];
  const result = await train(model, data, { ...base, maxIters: 60, lrDecayIters: 60 }, {
    onEval: (e) => evals.push(e.valLoss),
  });
  assert.equal(result.stoppedBy, "max-iters");
  assert.equal(result.state.step, 60);
  assert.ok(Math.abs(evals[0] - Math.log(vocab)) < 0.05, `starts at ln(${vocab}): ${evals[0]}`);
  assert.ok(evals.at(-1)! < evals[0] - 0.5, `fell: ${evals}`);
  assert.ok(result.tokensPerSecond > 0);
  model.dispose();
});

Deno.test("train() with the same seed gives the same loss curve", async () => {
  const run = async () => {
    const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
    const r = await train(model, data, base);
    model.dispose();
    return curve(r.state.history);
  };
  assert.deepEqual(await run(), await run());
});

for (
  const [label, make] of [
    ["bigram (random windows)", () => new Bigram({ vocabSize: vocab, blockSize: 16 })],
    ["tiny RNN (carried state)", () => new TinyRnn({ vocabSize: vocab, blockSize: 8, hidden: 8 })],
  ] as const
) {
  Deno.test(`resume is exact for a ${label}: 10 then 20 equals 20 straight`, async () => {
    const saves: Record<string, Snapshot> = {};
    const straight = make();
    const full = await train(straight, data, base, {
      save: (k, s) => void (saves[`full-${k}`] = s),
    });
    const first = make();
    await train(first, data, { ...base, maxIters: 10 }, {
      save: (k, s) => void (saves[`half-${k}`] = s),
    });
    const resumed = make();
    resumed.params().load(first.params().toStored());
    const half = saves["half-last"];
    const second = await train(resumed, data, base, {}, {
      state: half.state,
      optimizer: half.optimizer,
    });
    assert.deepEqual(curve(second.state.history), curve(full.state.history));
    assert.deepEqual(weights(resumed), weights(straight));
    assert.deepEqual(losses(saves["full-last"]), losses({ state: second.state, optimizer: {} }));
    for (const m of [straight, first, resumed]) m.dispose();
  });
}

Deno.test("train() leaks no tensors", async () => {
  const model = new TinyRnn({ vocabSize: vocab, blockSize: 8, hidden: 8 });
  const before = tf.memory().numTensors;
  await train(model, data, { ...base, maxIters: 7, gradAccum: 2 });
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("train() stops on NaN with a one-line reason and does not save the bad step", async () => {
  const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
  const saved: number[] = [];
  const table = model.params().get("table.weight");
  let calls = 0;
  await assert.rejects(
    train(model, data, { ...base, evalInterval: 100 }, {
      save: (_k, s) => void saved.push(s.state.step),
      onStep: () => {
        if (++calls === 3) table.assign(tf.fill(table.shape, NaN)); // poison the weights
      },
    }),
    (err: Error) =>
      err instanceof DivergedError && /NaN or infinite at step 3.*lower --lr/.test(err.message),
  );
  assert.deepEqual(saved, [0, 0]); // best and last from step 0 only
  model.dispose();
});

Deno.test("train() stops early when patience runs out", async () => {
  const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
  const r = await train(model, data, {
    ...base,
    lr: 1e-9,
    minLr: 0,
    maxIters: 200,
    evalInterval: 2,
    patience: 2,
  });
  assert.equal(r.stoppedBy, "patience");
  assert.ok(r.state.step < 200);
  model.dispose();
});

Deno.test("train() honours the time budget and an abort signal", async () => {
  const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
  // a fake clock, so that a 0.35 s budget is used up after exactly 4 steps
  let ms = 0;
  const timed = await train(model, data, {
    ...base,
    maxIters: 1_000_000,
    timeBudget: 0.35,
    scheduleByTime: true,
  }, { now: () => (ms += 100) }); // each reading 100 ms after the last: a step takes 100 ms
  assert.equal(timed.stoppedBy, "time-budget");
  assert.equal(timed.state.step, 4);
  // after warm-up (2 steps, ending at 0.2 s) the cosine runs over the rest of the budget, from
  // the peak, so the rate does not jump where warmup ends; step 3 starts at 0.3 s
  const lrs = timed.state.history.filter((r) => r.lr !== undefined).map((r) => r.lr!);
  assert.equal(lrs[2], base.lr);
  const ratio = (0.3 - 0.2) / (0.35 - 0.2);
  const cosine = base.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (base.lr - base.minLr);
  assert.ok(Math.abs(lrs[3] - cosine) < 1e-12, `${lrs[3]} vs ${cosine}`);
  const controller = new AbortController();
  const kinds: string[] = [];
  const r = await train(model, data, { ...base, maxIters: 1000 }, {
    signal: controller.signal,
    onStep: (e) => e.step === 3 && controller.abort(),
    save: (k, s) => void kinds.push(`${k}@${s.state.step}`),
  });
  assert.equal(r.stoppedBy, "signal");
  assert.equal(r.state.step, 3);
  // the interrupted run is evaluated before it saves: best/ when better, then last/, at step 3;
  // off the books (no history row, the evaluation RNG untouched), so a resume stays exact
  assert.deepEqual(kinds.slice(0, 2), ["best@0", "last@0"]);
  assert.equal(kinds.at(-1), "last@3");
  assert.ok(kinds.length <= 4 && kinds.slice(2, -1).every((k) => k === "best@3"), kinds.join());
  assert.ok(r.final, "the final weights were evaluated");
  assert.equal(r.state.lastEvalStep, 0);
  assert.ok(r.state.history.every((h) => h.val_loss === undefined || h.step === 0));
  model.dispose();
});

Deno.test("train() also evaluates every evalSeconds of training time", async () => {
  const model = new Bigram({ vocabSize: vocab, blockSize: 16 });
  const evalSteps = async (evalSeconds: number) => {
    const steps: number[] = [];
    await train(model, data, { ...base, maxIters: 12, evalInterval: 1000, evalSeconds }, {
      onEval: (e) => steps.push(e.step),
    });
    return steps;
  };
  assert.deepEqual(await evalSteps(0), [0, 12], "off: the first and the last step only");
  // Any positive step takes more than a nanosecond: every step is then due.
  assert.deepEqual(await evalSteps(1e-9), Array.from({ length: 13 }, (_, i) => i));
  // A budget longer than the run adds nothing.
  assert.deepEqual(await evalSteps(3600), [0, 12]);
  model.dispose();
});
