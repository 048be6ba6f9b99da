import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "../../lib/io/safetensors.ts";
import { InputError } from "../../lib/errors.ts";

function fileWith(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

Deno.test("safetensors round-trips float32 and int32 tensors with metadata", () => {
  const tensors = {
    "h.0.attn.c_attn.weight": {
      dtype: "float32" as const,
      shape: [2, 3],
      data: new Float32Array([1, -2, 3.5, 4, 5, 6]),
    },
    "step": { dtype: "int32" as const, shape: [], data: new Int32Array([42]) },
  };
  const bytes = encodeSafetensors(tensors, { format: "pt" });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0, "header padded to 8 bytes");
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { format: "pt" });
  assert.deepEqual(back.tensors["h.0.attn.c_attn.weight"].shape, [2, 3]);
  assert.deepEqual([...back.tensors["h.0.attn.c_attn.weight"].data], [1, -2, 3.5, 4, 5, 6]);
  assert.equal(back.tensors.step.dtype, "int32");
  assert.deepEqual([...back.tensors.step.data], [42]);
});

Deno.test("safetensors header follows the reference layout (dtype codes, sorted offsets)", () => {
  const bytes = encodeSafetensors({
    b: { dtype: "float32", shape: [1], data: new Float32Array([1]) },
    a: { dtype: "int32", shape: [2], data: new Int32Array([1, 2]) },
  });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header, {
    a: { dtype: "I32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
  });
});

Deno.test("safetensors reads F16 and BF16 as float32", () => {
  // 1.0, -2.0, 0.5, 65504 in half precision; 1.0, -2.0 in bfloat16
  const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff]).buffer);
  const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc000]).buffer);
  const data = new Uint8Array(12);
  data.set(f16, 0);
  data.set(bf16, 8);
  const file = fileWith({
    h: { dtype: "F16", shape: [4], data_offsets: [0, 8] },
    b: { dtype: "BF16", shape: [2], data_offsets: [8, 12] },
  }, data);
  const { tensors } = decodeSafetensors(file);
  assert.deepEqual([...tensors.h.data], [1, -2, 0.5, 65504]);
  assert.deepEqual([...tensors.b.data], [1, -2]);
});

Deno.test("a truncated or malformed safetensors file is a one-line InputError", () => {
  const good = encodeSafetensors({
    w: { dtype: "float32", shape: [4], data: new Float32Array(4) },
  });
  const cases: Array<[Uint8Array, RegExp]> = [
    [good.subarray(0, 5), /too short/],
    [good.subarray(0, good.length - 1), /ends past the end of the file \(truncated\?\)/],
    [good.subarray(0, 20), /does not fit/],
    [
      fileWith({ w: { dtype: "Q4", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)),
      /unsupported dtype Q4/,
    ],
    [
      fileWith({ w: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8)),
      /do not match shape/,
    ],
    [
      fileWith({ w: { dtype: "F32", shape: "x", data_offsets: [0, 4] } }, new Uint8Array(4)),
      /invalid shape/,
    ],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => decodeSafetensors(bytes, "model.safetensors"), (err: Error) => {
      assert.ok(err instanceof InputError, String(err));
      assert.match(err.message, /^model\.safetensors is not a valid safetensors file: /);
      assert.match(err.message, pattern);
      return true;
    });
  }
  const notJson = new Uint8Array(16);
  new DataView(notJson.buffer).setBigUint64(0, 8n, true);
  assert.throws(() => decodeSafetensors(notJson), /header is not JSON/);
});
