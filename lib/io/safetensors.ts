/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then
 * the raw little-endian data. It is what PyTorch users load with
 * `safetensors.torch.load_file`, so checkpoints written here open there.
 *
 * Reading validates everything a truncated or foreign file could get wrong
 * and throws a one-line `InputError`; it converts F16 and BF16 to
 * float32 (GPT-2's published weights are F32, others are often half precision).
 *
 * @module
 */
import { parseSafetensorsHeader } from "./safetensors_header.ts";

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
  const header = parseSafetensorsHeader(bytes, bytes.length, what);
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, e] of Object.entries(header.tensors)) {
    const count = e.shape.reduce((a, b) => a * b, 1);
    const raw = bytes.subarray(header.dataStart + e.begin, header.dataStart + e.end);
    tensors[name] = { shape: e.shape, ...convert(raw, e.dtype, count) };
  }
  return { tensors, metadata: header.metadata };
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
