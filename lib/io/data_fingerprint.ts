/**
 * What a run was trained on, recorded in `trainer_state.json` so `--resume`
 * can tell when the data changed: the byte size and SHA-256 of each split's
 * text and of the tokenizer's JSON. A resumed run on another text would mix
 * two datasets in one loss curve without a word; here it is refused unless
 * asked for (`--allow-data-change`).
 *
 * @module
 */

/** Size and hash of one piece of data. */
export interface Digest {
  /** UTF-8 bytes. */
  readonly bytes: number;
  /** SHA-256, lowercase hex. */
  readonly sha256: string;
}

/** The fingerprint of a run's data. */
export interface DataFingerprint {
  /** The training split's text. */
  readonly train: Digest;
  /** The validation split's text. */
  readonly val: Digest;
  /** The tokenizer's JSON. */
  readonly tokenizer: Digest;
}

/**
 * Size and SHA-256 of a text (its UTF-8 bytes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { digestText } from "./data_fingerprint.ts";
 * const d = await digestText("abc");
 * assert.equal(d.bytes, 3);
 * assert.equal(d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
 * ```
 */
export async function digestText(text: string): Promise<Digest> {
  const bytes = new TextEncoder().encode(text);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return {
    bytes: bytes.length,
    sha256: Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join(""),
  };
}

/** The fingerprint of a run's splits and tokenizer (its `toJSON()`). */
export async function dataFingerprint(
  text: { train: string; val: string },
  tokenizerJson: unknown,
): Promise<DataFingerprint> {
  return {
    train: await digestText(text.train),
    val: await digestText(text.val),
    tokenizer: await digestText(JSON.stringify(tokenizerJson)),
  };
}

/**
 * The first difference between the fingerprint saved with a run and the one
 * of the data now, as words for a message; `undefined` when they agree (or
 * the run predates fingerprints).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataFingerprint, fingerprintDifference } from "./data_fingerprint.ts";
 * const a = await dataFingerprint({ train: "abc", val: "d" }, { type: "char" });
 * const b = await dataFingerprint({ train: "abd", val: "d" }, { type: "char" });
 * assert.equal(fingerprintDifference(a, a), undefined);
 * assert.match(fingerprintDifference(a, b)!, /^the training text differs/);
 * ```
 */
export function fingerprintDifference(
  saved: DataFingerprint | undefined,
  now: DataFingerprint,
): string | undefined {
  if (!saved) return undefined;
  const what = { train: "training text", val: "validation text", tokenizer: "tokenizer" } as const;
  for (const key of ["train", "val", "tokenizer"] as const) {
    const a = saved[key];
    const b = now[key];
    if (a && (a.bytes !== b.bytes || a.sha256 !== b.sha256)) {
      return `the ${what[key]} differs from the one the run was trained on ` +
        `(${describe(a)} then, ${describe(b)} now)`;
    }
  }
  return undefined;
}

function describe(d: Digest): string {
  return `${d.bytes.toLocaleString("en")} bytes, SHA-256 ${d.sha256.slice(0, 12)}…`;
}
