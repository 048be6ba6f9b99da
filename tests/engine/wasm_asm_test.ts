import assert from "node:assert/strict";
import { assemble } from "../../lib/engine/wasm_asm.ts";
import { expand, FMA_MACROS, MACROS } from "../../lib/engine/simd_wat.ts";

function instantiate(text: string) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const bytes = assemble(text);
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { exports: exports as Record<string, (...args: number[]) => number>, memory };
}

Deno.test("wasm_asm: loops, branches, calls, locals and constants", () => {
  const { exports } = instantiate(`(module
    (func $twice (param $x i32) (result i32) local.get $x i32.const 2 i32.mul)
    (func $sum (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
      block $done
        loop $next
          local.get $i local.get $n i32.ge_s br_if $done
          local.get $s local.get $i call $twice i32.add local.set $s
          local.get $i i32.const 1 i32.add local.set $i
          br $next
        end
      end
      local.get $s)
    (func $pick (export "pick") (param $c i32) (result f32) (local $r f32)
      local.get $c
      if
        f32.const 1.5 local.set $r
      else
        f32.const -2.25 local.set $r
      end
      local.get $r))`);
  assert.equal(exports.sum(5), 20); // 2·(0 + 1 + 2 + 3 + 4)
  assert.equal(exports.pick(1), 1.5);
  assert.equal(exports.pick(0), -2.25);
});

Deno.test("wasm_asm: SIMD loads, stores, lanes and memory offsets", () => {
  const { exports, memory } = instantiate(`(module
    (func $axpy (export "axpy") (param $x i32) (param $y i32) (param $a f32)
      local.get $y
      local.get $x v128.load local.get $a f32x4.splat f32x4.mul
      local.get $y v128.load f32x4.add
      v128.store)
    (func $lane2 (export "lane2") (param $x i32) (result f32)
      local.get $x v128.load f32x4.extract_lane 2)
    (func $second (export "second") (param $x i32) (result f32)
      local.get $x f32.load offset=4))`);
  const heap = new Float32Array(memory.buffer);
  heap.set([1, 2, 3, 4], 0);
  heap.set([10, 20, 30, 40], 4);
  exports.axpy(0, 16, 2);
  assert.deepEqual([...heap.subarray(4, 8)], [12, 24, 36, 48]);
  assert.equal(exports.lane2(16), 36);
  assert.equal(exports.second(0), 2);
});

Deno.test("wasm_asm: errors name the function and the problem", () => {
  const fn = (body: string) => `(module (func $f (param $x i32) ${body}))`;
  assert.throws(
    () => assemble(fn("local.get $x i32.frobnicate drop")),
    /\$f: unknown instruction i32\.frobnicate/,
  );
  assert.throws(() => assemble(fn("br $nowhere")), /\$f: unknown label \$nowhere/);
  assert.throws(() => assemble(fn("local.get $y drop")), /\$f: unknown local \$y/);
  assert.throws(() => assemble(fn("block $b")), /\$f: missing 'end'/);
  assert.throws(() => assemble(fn("end")), /\$f: 'end' without a block/);
  assert.throws(() => assemble("(module (func $f (param $x i33)))"), /unknown type i33/);
  assert.throws(() => assemble("(module (func $f)"), /unbalanced '\('/);
});

Deno.test("simd_wat: for/next, exp, and madd with and without fused multiply-add", () => {
  const source = (macros: typeof MACROS) =>
    expand(
      `(module (func $exps (export "exps") (param $x i32) (param $n i32)
        (local $j i32) (local $v v128) (local $e v128) (local $ek v128) (local $er v128)
        (local $et v128) ${Array.from({ length: 13 }, (_, i) => `(local $xc${i} v128)`).join(" ")}
        exp_init
        for $j 0 $n 16
          load $x $j local.set $v
          exp $v $e
          addr $x $j local.get $e splat 2 madd 1 0 f32x4.mul v128.store
        next))`,
      macros,
    );
  for (const macros of [MACROS, FMA_MACROS]) {
    const { exports, memory } = instantiate(source(macros));
    const heap = new Float32Array(memory.buffer);
    const xs = [-80, -5, -1e-3, 0, 0.5, 1, 10, 80];
    heap.set(xs, 0);
    exports.exps(0, xs.length * 4);
    xs.forEach((x, i) => {
      const e = 2 * Math.exp(x); // madd 1 0: ·2·1 + 0
      assert.ok(Math.abs(heap[i] - e) <= 3e-7 * e, `exp(${x}): ${heap[i] / 2} vs ${e / 2}`);
    });
  }
  assert.throws(() => expand("next"), /'next' without 'for'/);
  assert.throws(() => expand("for $j 0 4 1 nop"), /'for' without 'next'/);
});
