/**
 * The text of one split, for evaluation over a whole split: a dataset's own
 * split file (WikiText-2's `test.txt`), the part of a single-file dataset
 * that training validates on, or a user's file (whole, or split as training
 * splits it).
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { ensureDatasetFile, type FetchOptions } from "./download.ts";
import { readTextFile, splitText } from "./load_text.ts";
import { findDataset, type SplitName } from "./registry.ts";

/** A split to evaluate; `all` is a whole file. */
export type EvalSplit = SplitName | "all";

/**
 * Loads the text of `split` of `data` (a dataset name or a file path).
 * Without a split: a dataset's `test` split where it has one, else `valid`;
 * a file's whole text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadEvalText } from "./eval_text.ts";
 * const mirror = new URL("../../../shared/data", import.meta.url).pathname;
 * const dataDir = await Deno.makeTempDir();
 * const t = await loadEvalText("wikitext2", undefined, { mirror, dataDir });
 * assert.equal(t.split, "test");
 * assert.equal(new TextEncoder().encode(t.text).length, 1256449); // the whole test.txt
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function loadEvalText(
  data: string,
  split: EvalSplit | undefined,
  options: FetchOptions = {},
): Promise<{ text: string; split: EvalSplit; source: string }> {
  if (split !== undefined && !["train", "valid", "test", "all"].includes(split)) {
    throw new InputError(`--split must be train, valid, test or all; got "${split}"`);
  }
  const info = findDataset(data);
  if (!info) {
    const { text } = await readTextFile(data);
    if (split === undefined || split === "all") return { text, split: "all", source: data };
    if (split === "test") {
      throw new InputError(`a text file has no test split: use --split valid, train or all`);
    }
    const parts = splitText(text, 0.9);
    return { text: split === "train" ? parts.train : parts.val, split, source: data };
  }
  const files = new Map(info.files.map((f) => [f.split, f]));
  if (info.files.length === 1) {
    const want = split ?? "valid";
    if (want === "test") {
      throw new InputError(`${info.name} has no test split: use --split valid, train or all`);
    }
    const path = await ensureDatasetFile(info, info.files[0], options);
    const { text } = await readTextFile(path);
    if (want === "all") return { text, split: want, source: info.name };
    const parts = splitText(text, info.trainFraction ?? 0.9);
    return { text: want === "train" ? parts.train : parts.val, split: want, source: info.name };
  }
  const want = split ?? (files.has("test") ? "test" : "valid");
  const file = want === "all" ? undefined : files.get(want);
  if (!file) {
    throw new InputError(
      `${info.name} has no "${want}" split: use --split ${[...files.keys()].join(", ")}`,
    );
  }
  const path = await ensureDatasetFile(info, file, options);
  return { text: (await readTextFile(path)).text, split: want, source: info.name };
}
