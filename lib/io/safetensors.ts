/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then
 * the raw little-endian data. It is what PyTorch users load with
 * `safetensors.torch.load_file`, so checkpoints written here open there.
 *
 * Reading validates everything a truncated or foreign file could get wrong
 * and throws a one-line {@link InputError}; it converts F16 and BF16 to
 * float32 (GPT-2's published weights are F32, others are often half precision).
 *
 * @module
 */
import { InputError } from "../errors.ts";

/** A tensor as stored: flat data in row-major order and its shape. */
export interface StoredTensor {
  /** Element type. */
  readonly dtype: "float32" | "int32";
  /** Dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Row-major values. */
  readonly data: Float32Array | Int32Array;
}

const CODES = { float32: "F32", int32: "I32" } as const;
const SIZES: Record<string, number> = { F32: 4, I32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, F64: 8 };

/**
 * Serialises named tensors (and optional string metadata) to safetensors
 * bytes. Tensors are laid out in name order, the header padded with spaces to
 * a multiple of 8 bytes, as the reference implementation does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors({ "wte.weight": { dtype: "float32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } });
 * const back = decodeSafetensors(bytes);
 * assert.deepEqual([...back.tensors["wte.weight"].data], [1, 2, 3, 4]);
 * ```
 */
export function encodeSafetensors(
  tensors: Record<string, StoredTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new RangeError(
        `tensor ${name}: shape [${t.shape}] needs ${count} values, has ${t.data.length}`,
      );
    }
    const size = t.data.length * 4;
    header[name] = {
      dtype: CODES[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + size],
    };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at); // little-endian hosts
    at += d.byteLength;
  }
  return out;
}

/** A decoded safetensors file. */
export interface SafetensorsFile {
  /** Tensors by name. */
  readonly tensors: Record<string, StoredTensor>;
  /** The `__metadata__` string map, if any. */
  readonly metadata: Record<string, string>;
}

/**
 * Parses safetensors bytes. `what` names the file in error messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeSafetensors } from "./safetensors.ts";
 * assert.throws(() => decodeSafetensors(new Uint8Array(3), "model.safetensors"), /too short/);
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, what = "safetensors file"): SafetensorsFile {
  const bad = (why: string) => new InputError(`${what} is not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw bad(`too short (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8 || headerLength > 100_000_000) {
    throw bad(`header of ${headerLength} bytes does not fit in ${bytes.length} bytes (truncated?)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch {
    throw bad("its header is not JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw bad("its header is not a JSON object");
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors: Record<string, StoredTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const code = String(e.dtype);
    if (!(code in SIZES)) throw bad(`tensor ${name} has unsupported dtype ${code}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw bad(`tensor ${name} has an invalid shape`);
    }
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isInteger)) {
      throw bad(`tensor ${name} has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * SIZES[code] || begin < 0) {
      throw bad(
        `tensor ${name}: data_offsets [${begin}, ${end}] do not match shape [${e.shape}] ${code}`,
      );
    }
    if (end > dataLength) throw bad(`tensor ${name} ends past the end of the file (truncated?)`);
    tensors[name] = {
      shape: e.shape as number[],
      ...convert(bytes.subarray(dataStart + begin, dataStart + end), code, count),
    };
  }
  return { tensors, metadata };
}

function convert(
  raw: Uint8Array,
  code: string,
  count: number,
): { dtype: "float32" | "int32"; data: Float32Array | Int32Array } {
  const copy = raw.slice(); // aligned, owned
  const view = new DataView(copy.buffer);
  switch (code) {
    case "F32":
      return { dtype: "float32", data: new Float32Array(copy.buffer, 0, count) };
    case "I32":
      return { dtype: "int32", data: new Int32Array(copy.buffer, 0, count) };
    case "F64":
      return { dtype: "float32", data: Float32Array.from(new Float64Array(copy.buffer, 0, count)) };
    case "U8":
      return { dtype: "int32", data: Int32Array.from(copy) };
    case "I64": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return { dtype: "int32", data: out };
    }
    case "BF16": {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return { dtype: "float32", data: out };
    }
    default: { // F16
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return { dtype: "float32", data: out };
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
