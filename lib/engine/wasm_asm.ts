/**
 * A minimal WebAssembly assembler: the subset of the text format (WAT) the
 * engine's SIMD loops are written in, turned into a binary module at start-up
 * (no toolchain, no binary blobs in the repository).
 *
 * What it accepts: one `(module …)` of `(func $name (export "name") (param $p
 * t)… (result t)? (local $l t)… instructions…)` forms, with instructions in
 * flat (not folded) form; `block`/`loop`/`if` take an optional `$label` and no
 * result type; branches name labels; `call $f` calls a function by name. Types: `i32`, `f32`, `f64`, `v128`. The
 * module always imports one memory, `env.memory` (the wasm backend's heap).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assemble } from "./wasm_asm.ts";
 * const bytes = assemble(`(module
 *   (func $add (export "add") (param $a i32) (param $b i32) (result i32)
 *     local.get $a  local.get $b  i32.add))`);
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
 * assert.equal((exports.add as (a: number, b: number) => number)(2, 3), 5);
 * ```
 *
 * @module
 */

const TYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** `name hex name hex …` → a name-to-opcode table. */
function table(text: string): Record<string, number> {
  const words = text.trim().split(/\s+/);
  const out: Record<string, number> = {};
  for (let i = 0; i < words.length; i += 2) out[words[i]] = parseInt(words[i + 1], 16);
  return out;
}

/** Plain opcodes (no immediates). */
const PLAIN = table(`
  unreachable 00 nop 01 return 0f drop 1a select 1b i32.eqz 45 i32.eq 46 i32.ne 47 i32.lt_s 48
  i32.lt_u 49 i32.gt_s 4a i32.gt_u 4b i32.le_s 4c i32.le_u 4d i32.ge_s 4e i32.ge_u 4f f32.eq 5b
  f32.ne 5c f32.lt 5d f32.gt 5e f32.le 5f f32.ge 60 f64.eq 61 f64.ne 62 f64.lt 63 f64.gt 64
  f64.le 65 f64.ge 66 i32.add 6a i32.sub 6b i32.mul 6c i32.div_s 6d i32.div_u 6e i32.rem_s 6f
  i32.rem_u 70 i32.and 71 i32.or 72 i32.xor 73 i32.shl 74 i32.shr_s 75 i32.shr_u 76 f32.abs 8b
  f32.neg 8c f32.floor 8e f32.nearest 90 f32.sqrt 91 f32.add 92 f32.sub 93 f32.mul 94
  f32.div 95 f32.min 96 f32.max 97 f64.abs 99 f64.neg 9a f64.sqrt 9f f64.add a0 f64.sub a1
  f64.mul a2 f64.div a3 f64.min a4 f64.max a5 i32.trunc_f32_s a8 f32.convert_i32_s b2
  f32.demote_f64 b6 f64.convert_i32_s b7 f64.promote_f32 bb i32.reinterpret_f32 bc
  f32.reinterpret_i32 be
`);

/** SIMD opcodes (after the 0xfd prefix) without immediates. */
const SIMD = table(`
  i32x4.splat 11 f32x4.splat 13 i32x4.eq 37 i32x4.lt_s 39 i32x4.gt_s 3b i32x4.le_s 3d
  i32x4.ge_s 3f f32x4.eq 41 f32x4.ne 42 f32x4.lt 43 f32x4.gt 44 f32x4.le 45 f32x4.ge 46
  v128.not 4d v128.and 4e v128.andnot 4f v128.or 50 v128.xor 51 v128.bitselect 52 f32x4.ceil 67
  f32x4.floor 68 f32x4.trunc 69 f32x4.nearest 6a i32x4.shl ab i32x4.shr_s ac i32x4.shr_u ad
  i32x4.add ae i32x4.sub b1 i32x4.mul b5 f32x4.abs e0 f32x4.neg e1 f32x4.sqrt e3 f32x4.add e4
  f32x4.sub e5 f32x4.mul e6 f32x4.div e7 f32x4.min e8 f32x4.max e9 f32x4.pmin ea f32x4.pmax eb
  i32x4.trunc_sat_f32x4_s f8
  f32x4.convert_i32x4_s fa f32x4.relaxed_madd 105 f32x4.relaxed_nmadd 106
`);

/** SIMD opcodes followed by one lane index byte. */
const LANE = table(`
  i32x4.extract_lane 1b i32x4.replace_lane 1c f32x4.extract_lane 1f f32x4.replace_lane 20
`);

/** Loads and stores: opcode (SIMD ones as [0xfd, op]) and natural alignment (log2 bytes). */
const MEMORY: Record<string, [number[], number]> = {
  "i32.load": [[0x28], 2],
  "f32.load": [[0x2a], 2],
  "f64.load": [[0x2b], 3],
  "i32.store": [[0x36], 2],
  "f32.store": [[0x38], 2],
  "f64.store": [[0x39], 3],
  "v128.load": [[0xfd, 0x00], 4],
  "v128.store": [[0xfd, 0x0b], 4],
};

type Sexp = string | Sexp[];

function parse(text: string): Sexp[] {
  const tokens = text.replace(/;;[^\n]*/g, "").match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  const stack: Sexp[][] = [[]];
  for (const t of tokens) {
    if (t === "(") stack.push([]);
    else if (t === ")") {
      const done = stack.pop()!;
      if (stack.length === 0) throw new Error("wasm_asm: unbalanced ')'");
      stack[stack.length - 1].push(done);
    } else stack[stack.length - 1].push(t);
  }
  if (stack.length !== 1) throw new Error("wasm_asm: unbalanced '('");
  return stack[0];
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const utf8 = (
  s: string,
) => [...uleb(new TextEncoder().encode(s).length), ...new TextEncoder().encode(s)];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

function bytesOf(array: Float32Array | Float64Array | Int32Array): number[] {
  return [...new Uint8Array(array.buffer)];
}

interface Func {
  name: string;
  exportName?: string;
  params: string[];
  paramTypes: number[];
  result: number[];
  locals: string[];
  localTypes: number[];
  body: string[];
}

function readFunc(form: Sexp[]): Func {
  const f: Func = {
    name: "",
    params: [],
    paramTypes: [],
    result: [],
    locals: [],
    localTypes: [],
    body: [],
  };
  for (const item of form.slice(1)) {
    if (typeof item === "string") {
      if (f.name === "" && item.startsWith("$") && f.body.length === 0) f.name = item;
      else f.body.push(item);
      continue;
    }
    const [head, ...rest] = item as string[];
    const type = (t: string) => {
      if (!(t in TYPES)) throw new Error(`wasm_asm: unknown type ${t}`);
      return TYPES[t];
    };
    if (head === "export") f.exportName = rest[0].slice(1, -1);
    else if (head === "param") (f.params.push(rest[0]), f.paramTypes.push(type(rest[1])));
    else if (head === "result") f.result.push(type(rest[0]));
    else if (head === "local") (f.locals.push(rest[0]), f.localTypes.push(type(rest[1])));
    else throw new Error(`wasm_asm: unsupported form (${head} …) in ${f.name}`);
  }
  return f;
}

function encodeBody(f: Func, funcNames: string[]): number[] {
  const names = [...f.params, ...f.locals];
  const code: number[] = [];
  const labels: (string | null)[] = [];
  const toks = f.body;
  const err = (msg: string) => new Error(`wasm_asm: ${f.name}: ${msg}`);
  for (let i = 0; i < toks.length; i++) {
    const op = toks[i];
    const next = () => {
      if (i + 1 >= toks.length) throw err(`${op} needs an immediate`);
      return toks[++i];
    };
    if (op === "block" || op === "loop" || op === "if") {
      const label = toks[i + 1]?.startsWith("$") ? next() : null;
      labels.push(label);
      code.push(op === "block" ? 0x02 : op === "loop" ? 0x03 : 0x04, 0x40);
    } else if (op === "else") code.push(0x05);
    else if (op === "end") {
      if (labels.pop() === undefined) throw err("'end' without a block");
      code.push(0x0b);
    } else if (op === "br" || op === "br_if") {
      const label = next();
      const depth = labels.length - 1 - labels.lastIndexOf(label);
      if (depth >= labels.length) throw err(`unknown label ${label}`);
      code.push(op === "br" ? 0x0c : 0x0d, ...uleb(depth));
    } else if (op === "local.get" || op === "local.set" || op === "local.tee") {
      const name = next();
      const index = names.indexOf(name);
      if (index < 0) throw err(`unknown local ${name}`);
      code.push(op === "local.get" ? 0x20 : op === "local.set" ? 0x21 : 0x22, ...uleb(index));
    } else if (op === "call") {
      const index = funcNames.indexOf(next());
      if (index < 0) throw err(`unknown function ${toks[i]}`);
      code.push(0x10, ...uleb(index));
    } else if (op === "i32.const") code.push(0x41, ...sleb(Number(next())));
    else if (op === "f32.const") code.push(0x43, ...bytesOf(Float32Array.of(Number(next()))));
    else if (op === "f64.const") code.push(0x44, ...bytesOf(Float64Array.of(Number(next()))));
    else if (op === "v128.const") {
      const shape = next();
      const lanes = [next(), next(), next(), next()].map(Number);
      const array = shape === "f32x4" ? Float32Array.from(lanes) : Int32Array.from(lanes);
      code.push(0xfd, ...uleb(0x0c), ...bytesOf(array));
    } else if (op in MEMORY) {
      const [opcode, align] = MEMORY[op];
      let offset = 0;
      while (toks[i + 1]?.startsWith("offset=")) offset = Number(next().slice(7));
      code.push(
        ...opcode.slice(0, 1),
        ...opcode.slice(1).flatMap(uleb),
        ...uleb(align),
        ...uleb(offset),
      );
    } else if (op in LANE) code.push(0xfd, ...uleb(LANE[op]), Number(next()));
    else if (op in SIMD) code.push(0xfd, ...uleb(SIMD[op]));
    else if (op in PLAIN) code.push(PLAIN[op]);
    else throw err(`unknown instruction ${op}`);
  }
  if (labels.length !== 0) throw err("missing 'end'");
  const locals = f.localTypes.map((t) => [1, t]);
  const body = [...vec(locals), ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

/** Assembles `text` (see the module docs for the subset) into a WebAssembly binary. */
export function assemble(text: string): Uint8Array<ArrayBuffer> {
  const [module] = parse(text) as Sexp[][];
  if (!Array.isArray(module) || module[0] !== "module") {
    throw new Error("wasm_asm: expected (module …)");
  }
  const funcs = module.slice(1).map((form) => {
    if (!Array.isArray(form) || form[0] !== "func") {
      throw new Error("wasm_asm: only (func …) forms");
    }
    return readFunc(form);
  });
  const types = funcs.map((
    f,
  ) => [0x60, ...vec(f.paramTypes.map((t) => [t])), ...vec(f.result.map((t) => [t]))]);
  const memoryImport = [...utf8("env"), ...utf8("memory"), 0x02, 0x00, 0x00];
  const exports = funcs.flatMap((f, i) =>
    f.exportName ? [[...utf8(f.exportName), 0x00, ...uleb(i)]] : []
  );
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(funcs.map((f) => encodeBody(f, funcs.map((g) => g.name))))),
  ]);
}
