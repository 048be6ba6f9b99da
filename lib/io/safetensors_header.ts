/**
 * The header of a safetensors file, read and checked on its own: every
 * tensor's dtype, shape and byte range, bounds-checked against the file's
 * size. Loading reads it before the data, so a `config.json` can be checked
 * against the shapes stored before anything is allocated.
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** Bytes per element of the dtypes this project reads. */
export const DTYPE_SIZES: Readonly<Record<string, number>> = {
  F32: 4,
  I32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  U8: 1,
  F64: 8,
};

/** Largest header accepted (the format's own limit is 100 MB). */
const MAX_HEADER = 100_000_000;

/** One tensor's entry in the header. */
export interface HeaderEntry {
  /** Safetensors dtype code (`F32`, `BF16` …). */
  readonly dtype: string;
  /** Dimensions. */
  readonly shape: readonly number[];
  /** Byte range within the data section. */
  readonly begin: number;
  /** End of the byte range (exclusive). */
  readonly end: number;
}

/** A parsed, checked header. */
export interface SafetensorsHeader {
  /** Entries by tensor name, in header order. */
  readonly tensors: Record<string, HeaderEntry>;
  /** The `__metadata__` string map, if any. */
  readonly metadata: Record<string, string>;
  /** Offset of the data section in the file (8 + header length). */
  readonly dataStart: number;
}

/**
 * Parses and checks the header at the start of `prefix` (the file's first
 * bytes: at least 8 + header length) for a file of `fileLength` bytes. `what`
 * names the file in messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSafetensorsHeader } from "./safetensors_header.ts";
 * const json = new TextEncoder().encode('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}');
 * const bytes = new Uint8Array(8 + json.length + 8);
 * new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
 * bytes.set(json, 8);
 * assert.deepEqual(parseSafetensorsHeader(bytes, bytes.length).tensors.w.shape, [2]);
 * assert.throws(() => parseSafetensorsHeader(bytes, bytes.length - 4, "m.safetensors"), /truncated/);
 * ```
 */
export function parseSafetensorsHeader(
  prefix: Uint8Array,
  fileLength: number,
  what = "safetensors file",
): SafetensorsHeader {
  const bad = (why: string) => new InputError(`${what} is not a valid safetensors file: ${why}`);
  if (fileLength < 8 || prefix.length < 8) throw bad(`too short (${fileLength} bytes)`);
  const headerLength = headerLengthOf(prefix);
  if (headerLength > fileLength - 8 || headerLength > MAX_HEADER) {
    throw bad(`header of ${headerLength} bytes does not fit in ${fileLength} bytes (truncated?)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(prefix.subarray(8, 8 + headerLength)),
    );
  } catch {
    throw bad("its header is not JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw bad("its header is not a JSON object");
  }
  const dataStart = 8 + headerLength;
  const dataLength = fileLength - dataStart;
  const tensors: Record<string, HeaderEntry> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const code = String(e.dtype);
    if (!(code in DTYPE_SIZES)) throw bad(`tensor ${name} has unsupported dtype ${code}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw bad(`tensor ${name} has an invalid shape`);
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      throw bad(`tensor ${name} has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * DTYPE_SIZES[code] || begin < 0) {
      throw bad(
        `tensor ${name}: data_offsets [${begin}, ${end}] do not match shape [${e.shape}] ${code}`,
      );
    }
    if (end > dataLength) throw bad(`tensor ${name} ends past the end of the file (truncated?)`);
    tensors[name] = { dtype: code, shape: e.shape as number[], begin, end };
  }
  return { tensors, metadata, dataStart };
}

/**
 * Reads only the header of the safetensors file at `path` (its first 8 +
 * header-length bytes), checked against the file's size.
 */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    throw new InputError(`checkpoint file ${path} is missing or unreadable`);
  }
  try {
    const size = (await file.stat()).size;
    const head = await readUpTo(file, Math.min(8, size));
    if (head.length < 8) return parseSafetensorsHeader(head, size, path);
    const length = headerLengthOf(head);
    if (length > size - 8 || length > MAX_HEADER) return parseSafetensorsHeader(head, size, path);
    const prefix = new Uint8Array(8 + length);
    prefix.set(head);
    prefix.set(await readUpTo(file, length), 8);
    return parseSafetensorsHeader(prefix, size, path);
  } finally {
    file.close();
  }
}

function headerLengthOf(prefix: Uint8Array): number {
  return Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
}

async function readUpTo(file: Deno.FsFile, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const got = await file.read(out.subarray(at));
    if (got === null) break;
    at += got;
  }
  return out.subarray(0, at);
}
