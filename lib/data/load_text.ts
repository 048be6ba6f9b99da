/**
 * Loading text for training: a dataset by name (fetched and cached on first
 * use) or the user's own UTF-8 file, split into the parts a model trains and
 * evaluates on.
 *
 * @module
 */
import { InputError } from "../errors.ts";
import { DataUnavailableError, ensureDatasetFile, type FetchOptions } from "./download.ts";
import { type DatasetFile, type DatasetInfo, findDataset, type SplitName } from "./registry.ts";

/** Text split for training and evaluation. */
export interface TextSplits {
  /** Dataset name, or the path of the user's file. */
  readonly source: string;
  /** Text to train on. */
  readonly train: string;
  /** Text to validate on (early stopping, best checkpoint). */
  readonly val: string;
  /** Held-out test text, where the dataset has one. */
  readonly test?: string;
  /** Which split `val` is: `"test"` where a missing training split moved `valid` to training. */
  readonly valSplit?: "valid" | "test";
  /** Things the user should know about how the text was split or cut. */
  readonly notes: readonly string[];
}

/** Options for {@link loadText}. */
export interface LoadTextOptions extends FetchOptions {
  /** Fraction used for training when a single text is split (default 0.9). */
  trainFraction?: number;
  /** Read at most this many bytes of each file (TinyStories is ~2 GB). */
  maxBytes?: number;
}

/** Default byte limit for files too large to hold as one string. */
const LARGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Loads a dataset by name, or a UTF-8 text file by path, and splits it.
 * Single-file texts split first `trainFraction` / rest by characters (as
 * nanoGPT does for Tiny Shakespeare). WikiText-2 uses its own splits; where
 * its training split cannot be had, it trains on `valid`, evaluates on `test`
 * and says so in `notes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadText } from "./load_text.ts";
 * const mirror = new URL("../../../shared/data", import.meta.url).pathname;
 * const dataDir = await Deno.makeTempDir();
 * const text = await loadText("tinyshakespeare", { mirror, dataDir });
 * assert.ok(text.train.length === 1003854 && text.val.length === 111540);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function loadText(data: string, options: LoadTextOptions = {}): Promise<TextSplits> {
  const fraction = options.trainFraction ?? 0.9;
  if (!(fraction > 0 && fraction < 1)) {
    throw new InputError(`trainFraction must be between 0 and 1; got ${fraction}`);
  }
  const info = findDataset(data);
  if (!info) {
    if (!looksLikePath(data)) {
      throw new InputError(
        `unknown dataset "${data}": choose tinyshakespeare, wikitext2 or tinystories, ` +
          `or give the path of a UTF-8 text file`,
      );
    }
    const text = await readTextFile(data, { maxBytes: options.maxBytes });
    return { source: data, ...splitText(text.text, fraction), notes: text.notes };
  }
  const bySplit = new Map(info.files.map((f) => [f.split, f]));
  const read = async (file: DatasetFile) => {
    const path = await ensureDatasetFile(info, file, options);
    const maxBytes = options.maxBytes ?? (file.bytes === undefined ? LARGE_FILE_BYTES : undefined);
    return await readTextFile(path, { maxBytes });
  };
  if (info.files.length === 1) {
    const text = await read(info.files[0]);
    return { source: info.name, ...splitText(text.text, fraction), notes: text.notes };
  }
  return await loadSplitFiles(info, bySplit, read);
}

async function loadSplitFiles(
  info: DatasetInfo,
  bySplit: Map<SplitName | undefined, DatasetFile>,
  read: (file: DatasetFile) => Promise<{ text: string; notes: string[] }>,
): Promise<TextSplits> {
  const notes: string[] = [];
  const part = async (split: SplitName) => {
    const file = bySplit.get(split);
    if (!file) return undefined;
    const text = await read(file);
    notes.push(...text.notes);
    return text.text;
  };
  const val = await part("valid");
  if (val === undefined) throw new Error(`dataset ${info.name} has no valid split`);
  const test = await part("test");
  let train: string | undefined;
  try {
    train = await part("train");
  } catch (err) {
    if (!(err instanceof DataUnavailableError) || test === undefined) throw err;
    notes.push(
      `${info.title}: training split unavailable (${err.message.split(";")[0]}), ` +
        `so this run trains on "valid" and evaluates on "test"`,
    );
    return { source: info.name, train: val, val: test, valSplit: "test", notes };
  }
  if (train === undefined) throw new Error(`dataset ${info.name} has no train split`);
  return { source: info.name, train, val, test, notes };
}

function looksLikePath(data: string): boolean {
  if (/[\\/]/.test(data) || /\.[A-Za-z0-9]+$/.test(data)) return true;
  try {
    Deno.statSync(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a UTF-8 text file, with one-line {@link InputError}s for a missing
 * path, a directory, an empty file and bytes that are not UTF-8. With
 * `maxBytes`, reads only that much (cut at a character boundary) and notes it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTextFile } from "./load_text.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "héllo wörld");
 * assert.ok((await readTextFile(path, { maxBytes: 3 })).text === "hé");
 * await Deno.remove(path);
 * ```
 */
export async function readTextFile(
  path: string,
  options: { maxBytes?: number } = {},
): Promise<{ text: string; notes: string[] }> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such file" : errorLine(err);
    throw new InputError(`cannot read data file ${path}: ${why}`);
  }
  const notes: string[] = [];
  let bytes: Uint8Array;
  try {
    const info = await file.stat();
    if (info.isDirectory) throw new InputError(`data path ${path} is a directory, not a text file`);
    const limit = options.maxBytes;
    if (limit !== undefined && info.size > limit) {
      bytes = new Uint8Array(limit);
      let off = 0;
      while (off < limit) {
        const n = await file.read(bytes.subarray(off));
        if (n === null) break;
        off += n;
      }
      bytes = trimPartialUtf8(bytes.subarray(0, off));
      notes.push(`using the first ${bytes.length.toLocaleString("en")} bytes of ${path}`);
    } else {
      bytes = new Uint8Array(await new Response(file.readable).arrayBuffer());
    }
  } finally {
    try {
      file.close();
    } catch {
      // closed by reading its stream
    }
  }
  if (bytes.length === 0) throw new InputError(`data file ${path} is empty`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputError(`data file ${path} is not UTF-8 text: convert it to UTF-8 first`);
  }
  if (text.trim().length === 0) throw new InputError(`data file ${path} holds only whitespace`);
  return { text, notes };
}

/** Drops an incomplete UTF-8 sequence at the end of a byte prefix. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let i = bytes.length;
  let back = 0;
  while (i > 0 && back < 4 && (bytes[i - 1] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i === 0) return bytes;
  const lead = bytes[i - 1];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? bytes.subarray(0, i - 1) : bytes;
}

/**
 * Splits a text into its first `fraction` and the rest, by characters (never
 * between the two halves of a surrogate pair).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitText } from "./load_text.ts";
 * const { train, val } = splitText("abcdefghij", 0.9);
 * assert.ok(train === "abcdefghi" && val === "j");
 * ```
 */
export function splitText(text: string, fraction: number): { train: string; val: string } {
  let cut = Math.floor(text.length * fraction);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const train = text.slice(0, cut);
  const val = text.slice(cut);
  if (train.length === 0 || val.length === 0) {
    throw new InputError(
      `text of ${text.length} characters is too short to split into training and validation parts`,
    );
  }
  return { train, val };
}

function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}
