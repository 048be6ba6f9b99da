/**
 * Macros for the engine's SIMD loops, expanded into the WebAssembly text that
 * `wasm_asm.ts` assembles, so each loop reads close to its formula. A macro is
 * a word followed by a fixed number of argument words (a local `$name` or a
 * number); expansions may use other macros.
 *
 * | macro | expands to |
 * |---|---|
 * | `for $j A B N` … `next` | `for (j = A; j < B; j += N)`; A, B a number or an i32 local |
 * | `load $p $j` | the vector at byte address `p + j` |
 * | `addr $p $j` | the address `p + j` (before the value of a `v128.store`) |
 * | `splat X` | the vector `[X, X, X, X]` |
 * | `hsum $v`, `hmax $v` | the f32 sum, maximum of `v`'s four lanes |
 * | `madd A B` | top of stack · A + B (A, B a number or a v128 local) |
 * | `exp_init` | sets up `exp`'s constants (once, before the loop; locals {@link EXP_LOCALS}) |
 * | `exp $x $y` | `y = exp(x)` lane by lane |
 *
 * Pointers are byte addresses; a vector holds four float32 lanes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expand } from "./simd_wat.ts";
 * assert.equal(expand("load $x $j"), "local.get $x local.get $j i32.add v128.load");
 * ```
 *
 * @module
 */

/** A macro: its argument count and its expansion. */
export interface Macro {
  readonly args: number;
  expand(...args: string[]): string;
}

const value = (a: string) => a.startsWith("$") ? `local.get ${a}` : `i32.const ${a}`;
const vector = (a: string) =>
  a.startsWith("$") ? `local.get ${a}` : `v128.const f32x4 ${a} ${a} ${a} ${a}`;

let loopId = 0;
const open: string[] = [];

/**
 * `exp` as Cephes' `expf`: x = k·ln2 + r with k = round(x·log₂e), a degree-6
 * polynomial for eʳ, and 2ᵏ built in the exponent bits. Relative error ~2e-7;
 * inputs are clamped to [−87.3, 88.3].
 */
const EXP_CONSTANTS = [
  -87.3,
  88.3,
  Math.LOG2E,
  12582912,
  0.693359375,
  -2.12194440e-4,
  1.9875691500e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  1,
];

/** Sets the v128 locals `$xc0` … `$xc12` to the constants of `exp` (V8 does not hoist them). */
const EXP_INIT = EXP_CONSTANTS.map((c, i) => `splat ${c} local.set $xc${i}`).join("\n");

// k = round(x·log₂e) by adding and subtracting 1.5·2²³ ($xc3): the sum's low
// mantissa bits are then k itself, so 2ᵏ's bits are (bits(sum) + 127) << 23.
const EXP = `
  local.get $xc0 local.get %X f32x4.pmax local.get $xc1 f32x4.pmin local.set %Y
  local.get %Y local.get $xc2 f32x4.mul local.get $xc3 f32x4.add local.tee $et
  local.get $xc3 f32x4.sub local.set $ek
  local.get %Y local.get $ek local.get $xc4 f32x4.mul f32x4.sub
  local.get $ek local.get $xc5 f32x4.mul f32x4.sub local.set $er
  local.get $xc6 madd $er $xc7 madd $er $xc8 madd $er $xc9 madd $er $xc10 madd $er $xc11
  local.get $er f32x4.mul madd $er $er local.get $xc12 f32x4.add
  local.get $et v128.const i32x4 127 127 127 127 i32x4.add i32.const 23 i32x4.shl
  f32x4.mul local.set %Y`;

/** The v128 locals `exp` needs. */
export const EXP_LOCALS = ["(local $ek v128) (local $er v128) (local $et v128)"]
  .concat(EXP_CONSTANTS.map((_, i) => `(local $xc${i} v128)`)).join(" ");

/** The macros every SIMD source can use. */
export const MACROS: Record<string, Macro> = {
  for: {
    args: 4,
    expand(j, from, to, step) {
      const id = `$L${loopId++}`;
      open.push(`local.get ${j} i32.const ${step} i32.add local.set ${j} br ${id}_next end end`);
      return `${value(from)} local.set ${j} block ${id}_done loop ${id}_next
        local.get ${j} ${value(to)} i32.ge_u br_if ${id}_done`;
    },
  },
  next: {
    args: 0,
    expand() {
      const close = open.pop();
      if (close === undefined) throw new Error("simd_wat: 'next' without 'for'");
      return close;
    },
  },
  load: { args: 2, expand: (p, j) => `local.get ${p} local.get ${j} i32.add v128.load` },
  addr: { args: 2, expand: (p, j) => `local.get ${p} local.get ${j} i32.add` },
  splat: { args: 1, expand: (x) => `v128.const f32x4 ${x} ${x} ${x} ${x}` },
  hsum: {
    args: 1,
    expand: (v) =>
      `local.get ${v} f32x4.extract_lane 0 local.get ${v} f32x4.extract_lane 1 f32.add
       local.get ${v} f32x4.extract_lane 2 local.get ${v} f32x4.extract_lane 3 f32.add f32.add`,
  },
  hmax: {
    args: 1,
    expand: (v) =>
      `local.get ${v} f32x4.extract_lane 0 local.get ${v} f32x4.extract_lane 1 f32.max
       local.get ${v} f32x4.extract_lane 2 local.get ${v} f32x4.extract_lane 3 f32.max f32.max`,
  },
  madd: { args: 2, expand: (a, b) => `${vector(a)} f32x4.mul ${vector(b)} f32x4.add` },
  exp_init: { args: 0, expand: () => EXP_INIT },
  exp: { args: 2, expand: (x, y) => EXP.replaceAll("%X", x).replaceAll("%Y", y) },
};

/**
 * `madd` as one fused multiply-add (`f32x4.relaxed_madd`, WebAssembly's
 * relaxed SIMD: fused where the CPU has FMA): for loops whose rounding may
 * differ from strict float32 by an ulp. Runtimes without relaxed SIMD take
 * {@link MACROS}' multiply-then-add.
 */
export const FMA_MACROS: Record<string, Macro> = {
  ...MACROS,
  madd: {
    args: 2,
    expand: (a, b) => `${vector(a)} ${vector(b)} f32x4.relaxed_madd`,
  },
};

/** Expands `macros` (default {@link MACROS}) in `text`, repeatedly, keeping everything else. */
export function expand(text: string, macros: Record<string, Macro> = MACROS): string {
  open.length = 0;
  const out = expandTokens(text, macros);
  if (open.length !== 0) throw new Error("simd_wat: 'for' without 'next'");
  return out;
}

function expandTokens(text: string, macros: Record<string, Macro>): string {
  const tokens = text.replace(/;;[^\n]*/g, "").match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const m = Object.hasOwn(macros, tokens[i]) ? macros[tokens[i]] : undefined;
    if (!m) {
      out.push(tokens[i]);
      continue;
    }
    const args = tokens.slice(i + 1, i + 1 + m.args);
    i += m.args;
    out.push(expandTokens(m.expand(...args), macros));
  }
  return out.join(" ");
}
