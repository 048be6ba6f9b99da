import assert from "node:assert/strict";
import { ROOT } from "../_helpers/paths.ts";
import { estimateMemory } from "../../lib/train/memory_estimate.ts";
import { checkEstimate, memoryAdvice, memoryLimits } from "../../lib/cli/memory_check.ts";

interface Probe {
  estimate: number;
  heapBefore: number;
  heapGrowth: number;
  peakTensorBytes: number;
}

/** Trains a preset for two steps in a child process and reads its estimate and measured peaks. */
async function probe(model: string, preset: string, batch: number): Promise<Probe> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tests/_helpers/memory_probe.ts", model, preset, String(batch)],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
}

for (
  const [model, preset, batch] of [
    ["gpt", "baby", 4],
    ["char-rnn", "default", 8],
    ["lstm-attention", "default", 8],
    ["transformer", "default", 4],
  ] as const
) {
  Deno.test(`estimateMemory() is within 2× of the measured peak: ${model} ${preset}, batch ${batch}`, async () => {
    const p = await probe(model, preset, batch);
    const heap = p.heapBefore + p.heapGrowth; // the wasm heap never shrinks: its size is the peak
    for (
      const [what, measured] of [["live tensors", p.peakTensorBytes], ["wasm heap", heap]] as const
    ) {
      const ratio = p.estimate / measured;
      assert.ok(
        ratio >= 0.5 && ratio <= 2,
        `${what}: estimate ${p.estimate}, measured ${measured}`,
      );
    }
  });
}

const gptConfig = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };

Deno.test("estimateMemory() grows with batch × context, context² for attention, and vocabulary", () => {
  const at = (over: Record<string, number>, batchSize = 12) =>
    estimateMemory({
      model: "gpt",
      config: { ...gptConfig, ...over },
      params: 800_000,
      batchSize,
      training: true,
    });
  const base = at({});
  assert.equal(at({}, 24).activations, 2 * base.activations);
  assert.equal(at({ blockSize: 128 }).attention, 4 * base.attention);
  assert.equal(at({ vocabSize: 650 }).logits, 10 * base.logits);
  const gen = estimateMemory({
    model: "gpt",
    config: gptConfig,
    params: 800_000,
    batchSize: 1,
    training: false,
  });
  assert.ok(gen.bytes < base.bytes, "generation keeps no tape or optimizer state");
});

Deno.test("checkEstimate(): refuses above a limit, warns near it, names the advice", () => {
  const limits = [
    { bytes: 4 * 1024 ** 3, owner: "the wasm backend" },
    { bytes: 16 * 1024 ** 3, owner: "the machine", available: true },
  ];
  const e = (gb: number) => ({
    bytes: gb * 1024 ** 3,
    params: 0,
    activations: gb * 1024 ** 3,
    attention: 0,
    logits: 0,
  });
  assert.equal(checkEstimate(e(1), limits, "x"), undefined);
  assert.match(
    checkEstimate(e(3.5), limits, "x")!,
    /^needs ~3\.5 GB of the 4 GB the wasm backend has; if it runs out: x$/,
  );
  assert.throws(
    () => checkEstimate(e(6.1), limits, "x"),
    /^InputError: needs ~6\.1 GB, the wasm backend has 4 GB: x$/,
  );
  assert.throws(
    () => checkEstimate(e(20), limits.slice(1), "x"),
    /the machine has 16\.0 GB available: x$/,
  );
});

Deno.test("memoryAdvice() says what to lower: the batch for activations, the model for parameters", () => {
  const big = { bytes: 10, params: 1, activations: 9, attention: 0, logits: 0 };
  assert.equal(
    memoryAdvice(big, gptConfig, { batchSize: 100000, training: true }),
    "lower --batch-size (now 100000) or --block-size (now 64)",
  );
  const wide = { bytes: 10, params: 9, activations: 1, attention: 0, logits: 0 };
  assert.match(
    memoryAdvice(wide, gptConfig, { batchSize: 1, training: true }),
    /lower nEmbd \(now 128\) or nLayer/,
  );
  assert.ok(memoryLimits("wasm").some((l) => l.bytes === 4 * 1024 ** 3));
});
