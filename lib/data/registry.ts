/**
 * The datasets this project knows by name: where each file comes from, how big
 * it is, its SHA-256 where known, and its licence. Downloads check size and
 * checksum against these entries (see `download.ts`).
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** The name of one part of a dataset, e.g. the `train` part of a dataset. */
export type SplitName = "train" | "valid" | "test";

/** One file of a dataset. */
export interface DatasetFile {
  /** File name, both in `data/<dir>/` and on a mirror (`<mirror>/<dir>/<file>`). */
  readonly file: string;
  /** Canonical download address. */
  readonly url: string;
  /** Size in bytes, where known. */
  readonly bytes?: number;
  /** Lower-case hex SHA-256 of the file, where known. */
  readonly sha256?: string;
  /** Which split the file holds; absent when the split is made by fraction. */
  readonly split?: SplitName;
}

/** A named dataset. */
export interface DatasetInfo {
  /** The name used on the command line (`--data tinyshakespeare`). */
  readonly name: string;
  /** Other accepted spellings of the name. */
  readonly aliases: readonly string[];
  /** Directory under `data/` and on a mirror. */
  readonly dir: string;
  /** Human-readable title. */
  readonly title: string;
  /** Licence of the text. */
  readonly licence: string;
  /** One line on what it is and who made it. */
  readonly description: string;
  /** The files; a dataset with one file is split by `trainFraction`. */
  readonly files: readonly DatasetFile[];
  /** Fraction of a single-file dataset used for training (the rest validates). */
  readonly trainFraction?: number;
}

const WIKITEXT2 =
  "https://raw.githubusercontent.com/pytorch/examples/main/word_language_model/data/wikitext-2";

/** Every dataset known by name. */
export const DATASETS: readonly DatasetInfo[] = [
  {
    name: "tinyshakespeare",
    aliases: ["tiny-shakespeare", "shakespeare"],
    dir: "tinyshakespeare",
    title: "Tiny Shakespeare",
    licence: "public domain (Shakespeare's plays); collected by Andrej Karpathy for char-rnn",
    description: "40,000 lines of Shakespeare's plays in one 1.1 MB file",
    files: [{
      file: "input.txt",
      url:
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
      bytes: 1_115_394,
      sha256: "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
    }],
    trainFraction: 0.9,
  },
  {
    name: "wikitext2",
    aliases: ["wikitext-2", "wikitext"],
    dir: "wikitext-2",
    title: "WikiText-2 (tokenized, with <unk>)",
    licence: "CC BY-SA 3.0 (Merity et al., 2016, Pointer Sentinel Mixture Models)",
    description: "Good and featured Wikipedia articles, tokenized; 2M training words",
    files: [
      {
        file: "train.txt",
        url: `${WIKITEXT2}/train.txt`,
        split: "train",
      },
      {
        file: "valid.txt",
        url: `${WIKITEXT2}/valid.txt`,
        bytes: 1_121_681,
        sha256: "f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8",
        split: "valid",
      },
      {
        file: "test.txt",
        url: `${WIKITEXT2}/test.txt`,
        bytes: 1_256_449,
        sha256: "d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0",
        split: "test",
      },
    ],
  },
  {
    name: "tinystories",
    aliases: ["tiny-stories"],
    dir: "tinystories",
    title: "TinyStories",
    licence: "CDLA-Sharing-1.0 (Eldan and Li, 2023)",
    description: "Short stories in simple English written by GPT-3.5/4; about 2 GB of text",
    files: [
      {
        file: "TinyStories-train.txt",
        url:
          "https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/TinyStories-train.txt",
        split: "train",
      },
      {
        file: "TinyStories-valid.txt",
        url:
          "https://huggingface.co/datasets/roneneldan/TinyStories/resolve/main/TinyStories-valid.txt",
        split: "valid",
      },
    ],
  },
];

/** Names of all datasets, in registry order. */
export function datasetNames(): string[] {
  return DATASETS.map((d) => d.name);
}

/**
 * Finds a dataset by name or alias (case-insensitive), or returns undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findDataset } from "./registry.ts";
 * assert.ok(findDataset("WikiText-2")?.name === "wikitext2");
 * assert.ok(findDataset("nope") === undefined);
 * ```
 */
export function findDataset(name: string): DatasetInfo | undefined {
  const key = name.trim().toLowerCase();
  return DATASETS.find((d) => d.name === key || d.aliases.includes(key));
}

/**
 * Finds a dataset by name or alias, or throws an {@link InputError} that lists
 * the known names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getDataset } from "./registry.ts";
 * assert.ok(getDataset("tinyshakespeare").files[0].bytes === 1115394);
 * ```
 */
export function getDataset(name: string): DatasetInfo {
  const info = findDataset(name);
  if (!info) {
    throw new InputError(
      `unknown dataset "${name}": choose one of ${datasetNames().join(", ")}`,
    );
  }
  return info;
}
