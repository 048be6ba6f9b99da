import assert from "node:assert/strict";
import { InputError } from "../../lib/errors.ts";
import { Rng } from "../../lib/rng.ts";
import { generate } from "../../lib/sample/generate.ts";
import type { GenerateOptions } from "../../lib/sample/options.ts";
import { BigramModel } from "../_helpers/fake_models.ts";

const V = 11;
/** Id i ↦ the i-th letter. */
const letters = (ids: number[]): string => ids.map((i) => String.fromCharCode(97 + i)).join("");

function withBigram(fn: (model: BigramModel) => Promise<void>): () => Promise<void> {
  return async () => {
    const model = new BigramModel({ vocabSize: V, seed: 1, std: 2 });
    try {
      await fn(model);
    } finally {
      model.dispose();
    }
  };
}

async function ids(model: BigramModel, options: GenerateOptions, prompt = [0]): Promise<number[]> {
  return (await generate(model, prompt, options)).ids;
}

Deno.test(
  "generate() with topK 1 equals greedy",
  withBigram(async (model) => {
    const greedy = await ids(model, { maxNewTokens: 50, greedy: true });
    assert.equal(greedy.length, 50);
    for (const seed of [0, 1, 2]) {
      assert.deepEqual(await ids(model, { maxNewTokens: 50, topK: 1, seed }), greedy);
    }
    assert.deepEqual(await ids(model, { maxNewTokens: 50, temperature: 0 }), greedy);
    assert.deepEqual(await ids(model, { maxNewTokens: 50, temperature: 5, greedy: true }), greedy);
  }),
);

Deno.test(
  "generate() with topP 1 and topK 0 (or ≥ V) equals plain sampling with the same seed",
  withBigram(async (model) => {
    const plain = await ids(model, { maxNewTokens: 50, seed: 7, temperature: 1.3 });
    for (const extra of [{ topP: 1 }, { topK: 0 }, { topK: 0, topP: 1 }, { topK: V }]) {
      assert.deepEqual(
        await ids(model, { maxNewTokens: 50, seed: 7, temperature: 1.3, ...extra }),
        plain,
      );
    }
    // and sampling is not secretly greedy
    assert.notDeepEqual(plain, await ids(model, { maxNewTokens: 50, greedy: true }));
  }),
);

Deno.test(
  "generate() with temperature 1e-3 equals greedy over 50 tokens",
  withBigram(async (model) => {
    const greedy = await ids(model, { maxNewTokens: 50, greedy: true }, [3]);
    assert.deepEqual(
      await ids(model, { maxNewTokens: 50, temperature: 1e-3, seed: 4 }, [3]),
      greedy,
    );
  }),
);

Deno.test(
  "generate() with the same seed gives the same ids; other seeds differ",
  withBigram(async (model) => {
    const a = await generate(model, [1], { maxNewTokens: 40, seed: 123 });
    const b = await generate(model, [1], { maxNewTokens: 40, seed: 123 });
    assert.deepEqual(a.ids, b.ids);
    assert.equal(a.seed, 123);
    const others = await Promise.all(
      [1, 2, 3].map((seed) => ids(model, { maxNewTokens: 40, seed }, [1])),
    );
    assert.ok(others.some((o) => JSON.stringify(o) !== JSON.stringify(a.ids)));
  }),
);

Deno.test(
  "generate() without a seed reports the random seed it used, which repeats the run",
  withBigram(async (model) => {
    const first = await generate(model, [2], { maxNewTokens: 30 });
    assert.ok(Number.isSafeInteger(first.seed));
    assert.deepEqual(await ids(model, { maxNewTokens: 30, seed: first.seed }, [2]), first.ids);
  }),
);

Deno.test(
  "generate() with an rng continues its stream",
  withBigram(async (model) => {
    const rng = new Rng(9);
    const first = await generate(model, [0], { maxNewTokens: 10, rng });
    assert.equal(first.seed, undefined);
    const second = await ids(model, { maxNewTokens: 10, rng }, [0]);
    const together = await ids(model, { maxNewTokens: 10, seed: 9 }, [0]);
    assert.deepEqual(first.ids, together);
    assert.notDeepEqual(second, together); // the stream moved on
  }),
);

Deno.test(
  "generate() stops at a stop string and trims it; onToken never sees it",
  withBigram(async (model) => {
    const free = await generate(model, [0], { maxNewTokens: 60, seed: 3, decode: letters });
    assert.equal(free.text, letters(free.ids));
    // pick a two-letter string that first occurs well inside the free run
    const at = 5;
    const stop = free.text!.slice(at, at + 2);
    const cut = free.text!.indexOf(stop);
    const seen: number[] = [];
    const pieces: string[] = [];
    const result = await generate(model, [0], {
      maxNewTokens: 60,
      seed: 3,
      decode: letters,
      stopStrings: ["zzz", stop],
      onToken: (id, index, text) => {
        assert.equal(index, seen.length);
        seen.push(id);
        pieces.push(text!);
      },
    });
    assert.equal(result.stoppedBy, "stop");
    assert.equal(result.text, free.text!.slice(0, cut));
    assert.deepEqual(result.ids, free.ids.slice(0, cut));
    assert.deepEqual(seen, result.ids);
    assert.equal(pieces.join(""), result.text);
  }),
);

Deno.test(
  "generate() stops at a stop sequence of ids and drops it",
  withBigram(async (model) => {
    const free = await ids(model, { maxNewTokens: 40, seed: 5 });
    const sequence = free.slice(6, 8);
    const first = free.findIndex((_, i) => free[i] === sequence[0] && free[i + 1] === sequence[1]);
    const result = await generate(model, [0], {
      maxNewTokens: 40,
      seed: 5,
      stopSequences: [sequence],
    });
    assert.equal(result.stoppedBy, "stop");
    assert.deepEqual(result.ids, free.slice(0, first));
    assert.equal(result.text, undefined);
  }),
);

Deno.test(
  "generate() stops when stopWhen says so",
  withBigram(async (model) => {
    const result = await generate(model, [0], {
      maxNewTokens: 40,
      seed: 5,
      decode: letters,
      stopWhen: (text) => text.length === 7,
    });
    assert.equal(result.stoppedBy, "stop");
    assert.equal(result.ids.length, 7);
    assert.equal(result.text, letters(result.ids));
  }),
);

Deno.test(
  "generate() streams every token in order and stops when onToken returns false",
  withBigram(async (model) => {
    const all = await ids(model, { maxNewTokens: 20, seed: 2 });
    const seen: [number, number][] = [];
    const result = await generate(model, [0], {
      maxNewTokens: 20,
      seed: 2,
      onToken: (id, index) => {
        seen.push([id, index]);
        return index < 4;
      },
    });
    assert.equal(result.stoppedBy, "callback");
    assert.deepEqual(result.ids, all.slice(0, 5));
    assert.deepEqual(seen, all.slice(0, 5).map((id, i) => [id, i]));
    // an async callback is awaited
    const order: string[] = [];
    await generate(model, [0], {
      maxNewTokens: 3,
      seed: 2,
      onToken: async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        order.push(`token ${index}`);
      },
    });
    assert.deepEqual(order, ["token 0", "token 1", "token 2"]);
  }),
);

Deno.test(
  "generate() reports length when it runs to maxNewTokens",
  withBigram(async (model) => {
    const result = await generate(model, [4, 5], { maxNewTokens: 1, seed: 0, decode: letters });
    assert.deepEqual(result.ids.length, 1);
    assert.equal(result.stoppedBy, "length");
    assert.equal(result.promptCropped, false);
    assert.equal(result.text, letters(result.ids));
  }),
);

Deno.test(
  "generate() stops between tokens when its signal is aborted",
  withBigram(async (model) => {
    const aborted = AbortSignal.abort();
    const none = await generate(model, [0], { maxNewTokens: 5, signal: aborted, decode: letters });
    assert.deepEqual([none.ids, none.stoppedBy, none.text], [[], "signal", ""]);

    const controller = new AbortController();
    const fromCallback = await generate(model, [0], {
      maxNewTokens: 50,
      seed: 1,
      signal: controller.signal,
      onToken: (_, index) => void (index === 3 && controller.abort()),
    });
    assert.equal(fromCallback.stoppedBy, "signal");
    assert.equal(fromCallback.ids.length, 4);

    // a timer fires while generating: the loop lets the event loop run
    const timed = new AbortController();
    setTimeout(() => timed.abort(), 0);
    const result = await generate(model, [0], { maxNewTokens: 100_000, signal: timed.signal });
    assert.equal(result.stoppedBy, "signal");
    assert.ok(result.ids.length < 100_000);
  }),
);

Deno.test(
  "generate() refuses every bad option with a one-line InputError",
  withBigram(async (model) => {
    const bad: [number[], Partial<GenerateOptions>][] = [
      [[0], { topP: 0 }],
      [[0], { topP: -0.1 }],
      [[0], { topP: 1.5 }],
      [[0], { topP: NaN }],
      [[0], { temperature: -1 }],
      [[0], { temperature: NaN }],
      [[0], { temperature: Infinity }],
      [[0], { maxNewTokens: 0 }],
      [[0], { maxNewTokens: -3 }],
      [[0], { maxNewTokens: 2.5 }],
      [[0], { maxNewTokens: NaN }],
      [[0], { topK: -1 }],
      [[0], { topK: 1.5 }],
      [[0], { seed: 0.5 }],
      [[0], { stopStrings: [""] }],
      [[0], { stopStrings: ["x"] }], // no decode
      [[0], { stopWhen: () => true }], // no decode
      [[0], { stopSequences: [[]] }],
      [[], {}], // empty prompt
      [[V], {}], // id outside the vocabulary
      [[-1], {}],
      [[1.5], {}],
    ];
    for (const [prompt, options] of bad) {
      await assert.rejects(
        generate(model, prompt, { maxNewTokens: 5, ...options } as GenerateOptions),
        (e: Error) => e instanceof InputError && e.message.length > 0 && !e.message.includes("\n"),
        `expected an InputError for prompt ${JSON.stringify(prompt)} with ${
          JSON.stringify(options)
        }`,
      );
    }
    assert.equal(model.calls.length, 0); // refused before touching the model
  }),
);
