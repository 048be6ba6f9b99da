/**
 * The engine's SIMD softmax over rows of any length `v ≥ 4` (the logits of a
 * cross-entropy), in WebAssembly text with the macros of `simd_wat.ts`
 * (`loops.ts` says what each computes, `loops_js.ts` has the same loops in
 * TypeScript). A row that is not a whole number of vectors ends with one more
 * vector over its last four elements; the lanes already seen are masked out
 * of the sum (`$tailmask`), and storing them twice stores the same values.
 *
 * @module
 */
import { EXP_LOCALS, type Macro } from "./simd_wat.ts";

/** Macros of these loops. */
export const SOFTMAX_MACROS: Record<string, Macro> = {
  // $rb = bytes per row, $nb = bytes of its whole vectors, $tail = byte offset of its
  // last vector, $tailmask = the lanes of that vector not in a whole vector
  rowshape: {
    args: 0,
    expand: () => `
      local.get $v i32.const 4 i32.mul local.set $rb
      local.get $v i32.const -4 i32.and i32.const 4 i32.mul local.set $nb
      local.get $rb i32.const 16 i32.sub local.set $tail
      v128.const i32x4 0 1 2 3 i32.const 4 local.get $v i32.const 3 i32.and i32.sub i32x4.splat
      i32x4.ge_s local.set $tailmask`,
  },
};

const LOCALS = `(local $r i32) (local $j i32) (local $rb i32) (local $nb i32) (local $tail i32)
  (local $tailmask v128) (local $mx v128) (local $acc v128) (local $t v128) (local $e v128)
  (local $m f32) ${EXP_LOCALS}`;

/** The softmax loops' source (a sequence of `(func …)` forms). */
export const SOFTMAX_SOURCE = `
(func $row_softmax_stats (export "row_softmax_stats") (param $x i32) (param $rows i32)
  (param $v i32) (param $out i32)
  ${LOCALS}
  exp_init
  rowshape
  for $r 0 $rows 1
    ;; out[2r] = max of the row, out[2r + 1] = Σ exp(x − max)
    splat -Infinity local.set $mx
    for $j 0 $nb 16
      local.get $mx load $x $j f32x4.pmax local.set $mx
    next
    local.get $mx load $x $tail f32x4.pmax local.set $mx
    hmax $mx local.tee $m f32x4.splat local.set $mx
    splat 0 local.set $acc
    for $j 0 $nb 16
      load $x $j local.get $mx f32x4.sub local.set $t
      exp $t $e
      local.get $acc local.get $e f32x4.add local.set $acc
    next
    load $x $tail local.get $mx f32x4.sub local.set $t
    exp $t $e
    local.get $acc local.get $e splat 0 local.get $tailmask v128.bitselect f32x4.add local.set $acc
    local.get $out local.get $m f32.store
    local.get $out hsum $acc f32.store offset=4
    local.get $out i32.const 8 i32.add local.set $out
    local.get $x local.get $rb i32.add local.set $x
  next)

(func $row_softmax_scaled (export "row_softmax_scaled") (param $x i32) (param $lse i32)
  (param $rows i32) (param $v i32) (param $g i32) (param $c f32)
  ${LOCALS} (local $vc v128)
  exp_init
  rowshape
  local.get $c f32x4.splat local.set $vc
  for $r 0 $rows 1
    ;; g = c · exp(x − logsumexp of the row)
    local.get $lse f32.load f32x4.splat local.set $mx
    for $j 0 $nb 16
      load $x $j local.get $mx f32x4.sub local.set $t
      exp $t $e
      addr $g $j local.get $e local.get $vc f32x4.mul v128.store
    next
    load $x $tail local.get $mx f32x4.sub local.set $t
    exp $t $e
    addr $g $tail local.get $e local.get $vc f32x4.mul v128.store
    local.get $x local.get $rb i32.add local.set $x
    local.get $g local.get $rb i32.add local.set $g
    local.get $lse i32.const 4 i32.add local.set $lse
  next)
`;
