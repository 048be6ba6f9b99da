/**
 * Learning byte-level BPE merges from text, as GPT-2's tokenizer was trained.
 *
 * Start with every pre-token (see `byte_level.ts`) written as its UTF-8 bytes,
 * ids 0..255. Then repeat: count every adjacent pair of ids, weighted by how
 * often the pre-token occurs; take the most frequent pair (ties: smallest left
 * id, then smallest right id); give it the next id (256, 257, …); replace it
 * everywhere. Each merge adds one token, so `vocabSize − 256 − specials`
 * merges fill the vocabulary. The list of merges, in order, *is* the tokenizer.
 *
 * Doing that literally recounts the whole corpus for every merge. Instead we
 * count each distinct pre-token once (Tiny Shakespeare's 298k pre-tokens are
 * 15k distinct words), keep a table of pair counts and, for each pair, the set
 * of words that contain it. A merge then only rewrites the words that contain
 * the pair and adjusts the counts of the pairs around it.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { preTokenize } from "./byte_level.ts";
import { PairQueue } from "./pair_queue.ts";
import { checkSpecialTokens, specialTokenSplitter } from "./special_tokens.ts";

/** Options for BPE training. */
export interface BpeTrainOptions {
  /** Total vocabulary size: 256 byte tokens + learned merges + special tokens. */
  vocabSize: number;
  /** Special tokens, given the last ids (default `["<|endoftext|>"]`, as GPT-2). */
  specialTokens?: readonly string[];
  /** Called after each merge with the merges done and the merges to do. */
  onProgress?: (done: number, total: number) => void;
}

/** GPT-2's one special token, which marks the boundary between documents. */
export const DEFAULT_SPECIAL_TOKENS: readonly string[] = Object.freeze(["<|endoftext|>"]);

/** Number of base tokens: one per byte value. */
export const BYTE_TOKENS = 256;

/**
 * Replaces every occurrence of the pair (`left`, `right`) in `ids` by `merged`,
 * scanning left to right (so "a a a" with pair (a, a) becomes "aa a").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergePair } from "./bpe_train.ts";
 * assert(mergePair([1, 1, 1, 2, 1, 1], 1, 1, 9).join() === "9,1,2,9");
 * ```
 */
export function mergePair(
  ids: readonly number[],
  left: number,
  right: number,
  merged: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === left && ids[i + 1] === right) {
      out.push(merged);
      i++;
    } else {
      out.push(ids[i]);
    }
  }
  return out;
}

/**
 * Learns the merges of a byte-level BPE tokenizer. Merge `i` joins the pair
 * `merges[i]` into the new id `256 + i`.
 *
 * Throws an {@link InputError} if `vocabSize` is not an integer, is smaller
 * than 256 + the number of special tokens, or is larger than the text
 * supports: training stops when no adjacent pair is left anywhere (every
 * pre-token is a single token), and then the message says how many tokens
 * this text supports at most.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { learnMerges } from "./bpe_train.ts";
 * // "aa" is the most frequent pair (97, 97) → 256; then "ab" (97, 98) → 257 …
 * const merges = learnMerges("aaabdaaabac", { vocabSize: 259, specialTokens: [] });
 * assert(JSON.stringify(merges) === "[[97,97],[97,98],[256,257]]");
 * ```
 */
export function learnMerges(text: string, options: BpeTrainOptions): Array<[number, number]> {
  const { vocabSize, specialTokens = DEFAULT_SPECIAL_TOKENS, onProgress } = options;
  checkSpecialTokens(specialTokens);
  const smallest = BYTE_TOKENS + specialTokens.length;
  if (!Number.isInteger(vocabSize)) {
    throw new InputError(`BPE vocabSize must be an integer; got ${vocabSize}`);
  }
  if (vocabSize < smallest) {
    const specials = specialTokens.length === 1
      ? "1 special token"
      : `${specialTokens.length} special tokens`;
    throw new InputError(
      `BPE vocabSize must be at least ${smallest} (256 byte tokens + ${specials}); got ${vocabSize}`,
    );
  }
  const numMerges = vocabSize - smallest;

  // 1. Count each distinct pre-token. Special tokens are cut out first, so no
  //    merge ever learns their characters.
  const wordCounts = new Map<string, number>();
  const parts = specialTokenSplitter(specialTokens)(text);
  for (let p = 0; p < parts.length; p += 2) {
    for (const word of preTokenize(parts[p])) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
  }
  const encoder = new TextEncoder();
  const words: number[][] = []; // each distinct pre-token as ids (bytes at first)
  const freqs: number[] = []; // how often it occurs
  for (const [word, count] of wordCounts) {
    words.push(Array.from(encoder.encode(word)));
    freqs.push(count);
  }

  // 2. Count every adjacent pair once. A pair (a, b) is stored under the single
  //    number a * vocabSize + b, so smaller keys mean smaller ids.
  const key = (a: number, b: number) => a * vocabSize + b;
  const pairCounts = new Map<number, number>();
  const wordsWith = new Map<number, Set<number>>(); // pair → the words that contain it
  const addPair = (k: number, w: number, delta: number) => {
    const count = (pairCounts.get(k) ?? 0) + delta;
    if (count === 0) {
      pairCounts.delete(k);
      wordsWith.delete(k);
    } else {
      pairCounts.set(k, count);
      if (delta > 0) {
        let set = wordsWith.get(k);
        if (set === undefined) wordsWith.set(k, set = new Set());
        set.add(w);
      } else {
        wordsWith.get(k)!.delete(w);
      }
    }
  };
  words.forEach((ids, w) => {
    for (let i = 0; i + 1 < ids.length; i++) addPair(key(ids[i], ids[i + 1]), w, freqs[w]);
  });
  const queue = new PairQueue();
  for (const [k, count] of pairCounts) queue.push(count, k);

  // 3. Merge the most frequent pair until the vocabulary is full.
  const merges: Array<[number, number]> = [];
  while (merges.length < numMerges) {
    const top = queue.pop();
    if (top === undefined) {
      const most = smallest + merges.length;
      throw new InputError(
        `this text supports at most ${most} BPE tokens (256 bytes, ${merges.length} merges, ` +
          `${specialTokens.length} special); ask for fewer than ${vocabSize}, or train on more text`,
      );
    }
    // Skip stale entries: the pair's count has changed since this one was pushed.
    if (pairCounts.get(top.key) !== top.count) continue;
    const left = Math.floor(top.key / vocabSize);
    const right = top.key % vocabSize;
    const merged = BYTE_TOKENS + merges.length;
    merges.push([left, right]);

    // Rewrite only the words that contain the pair: take away all their old
    // pairs, put back the pairs of the rewritten word.
    const touched = new Set<number>();
    for (const w of [...wordsWith.get(top.key)!]) {
      const before = words[w];
      const after = mergePair(before, left, right, merged);
      for (let i = 0; i + 1 < before.length; i++) {
        const k = key(before[i], before[i + 1]);
        addPair(k, w, -freqs[w]);
        touched.add(k);
      }
      for (let i = 0; i + 1 < after.length; i++) {
        const k = key(after[i], after[i + 1]);
        addPair(k, w, freqs[w]);
        touched.add(k);
      }
      words[w] = after;
    }
    for (const k of touched) {
      const count = pairCounts.get(k);
      if (count !== undefined) queue.push(count, k);
    }
    onProgress?.(merges.length, numMerges);
  }
  return merges;
}
