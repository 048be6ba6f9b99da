/**
 * The engine's row-wise SIMD loops, in WebAssembly text with the macros of
 * `simd_wat.ts`: layer norm and its gradient, the causal softmax and its
 * gradient, and a bias added to every row and its gradient, the column sums
 * (`loops.ts` says what each computes, `loops_js.ts` has the same loops in
 * TypeScript). Rows are a multiple of four floats long; `$rb` is a
 * row's length in bytes.
 *
 * @module
 */
import { EXP_LOCALS, type Macro } from "./simd_wat.ts";

/** Macros of these loops: row statistics and the causal lane mask. */
export const ROW_MACROS: Record<string, Macro> = {
  // $vm = splat(mean of the row at $x), $vr = splat(1/√(variance + eps))
  rowstats: {
    args: 1,
    expand: (x) => `
      splat 0 local.set $acc
      for $j 0 $rb 16
        local.get $acc load ${x} $j f32x4.add local.set $acc
      next
      hsum $acc local.get $cols f32.convert_i32_s f32.div f32x4.splat local.set $vm
      splat 0 local.set $acc
      for $j 0 $rb 16
        load ${x} $j local.get $vm f32x4.sub local.tee $d local.get $d f32x4.mul
        local.get $acc f32x4.add local.set $acc
      next
      f32.const 1
      hsum $acc local.get $cols f32.convert_i32_s f32.div local.get $eps f32.add f32.sqrt
      f32.div f32x4.splat local.set $vr`,
  },
  // $keep = the lanes of the vector at byte $j of a row whose column is ≤ $i
  keeplanes: {
    args: 0,
    expand: () => `
      local.get $j i32.const 2 i32.shr_u i32x4.splat v128.const i32x4 0 1 2 3 i32x4.add
      local.get $i i32x4.splat i32x4.le_s local.set $keep`,
  },
  // for every row of count·t rows: $i = row within its [t, t] block, $nb = bytes of
  // its first i + 1 entries rounded up to whole vectors; zeros after them; $s steps a row
  causalrows: {
    args: 0,
    expand: () => `
      local.get $t i32.const 4 i32.mul local.set $rb
      local.get $count local.get $t i32.mul local.set $rows
      for $r 0 $rows 1
        local.get $r local.get $t i32.rem_u local.set $i
        local.get $i i32.const 4 i32.add i32.const -4 i32.and i32.const 4 i32.mul local.set $nb`,
  },
  endrows: {
    args: 0,
    expand: () => `
        for $j $nb $rb 16
          addr $s $j splat 0 v128.store
        next
        local.get $s local.get $rb i32.add local.set $s
      next`,
  },
};

const ROW_LOCALS = `(local $r i32) (local $j i32) (local $rb i32) (local $acc v128)
  (local $vm v128) (local $vr v128) (local $d v128)`;

const CAUSAL_LOCALS = `(local $r i32) (local $rows i32) (local $i i32) (local $j i32)
  (local $rb i32) (local $nb i32) (local $acc v128) (local $v v128) (local $keep v128)`;

/** The row loops' source (a sequence of `(func …)` forms). */
export const ROWS_SOURCE = `
(func $layer_norm (export "layer_norm") (param $x i32) (param $w i32) (param $b i32)
  (param $y i32) (param $st i32) (param $rows i32) (param $cols i32) (param $eps f32)
  (param $hasB i32)
  ${ROW_LOCALS} (local $o v128)
  local.get $cols i32.const 4 i32.mul local.set $rb
  for $r 0 $rows 1
    rowstats $x
    ;; keep μ and r for the backward pass
    local.get $st local.get $vm f32x4.extract_lane 0 f32.store
    local.get $st local.get $vr f32x4.extract_lane 0 f32.store offset=4
    local.get $st i32.const 8 i32.add local.set $st
    for $j 0 $rb 16
      ;; o = (x − mean)·rstd·w (+ b)
      load $x $j local.get $vm f32x4.sub local.get $vr f32x4.mul load $w $j f32x4.mul local.set $o
      local.get $hasB
      if
        local.get $o load $b $j f32x4.add local.set $o
      end
      addr $y $j local.get $o v128.store
    next
    local.get $x local.get $rb i32.add local.set $x
    local.get $y local.get $rb i32.add local.set $y
  next)

(func $layer_norm_grad (export "layer_norm_grad") (param $dy i32) (param $x i32) (param $w i32)
  (param $st i32) (param $dx i32) (param $dw i32) (param $db i32) (param $rows i32)
  (param $cols i32)
  ${ROW_LOCALS} (local $xh v128) (local $g v128) (local $sg v128) (local $sgx v128)
  (local $dyv v128)
  local.get $cols i32.const 4 i32.mul local.set $rb
  for $j 0 $rb 16
    addr $dw $j splat 0 v128.store
    addr $db $j splat 0 v128.store
  next
  for $r 0 $rows 1
    local.get $st f32.load f32x4.splat local.set $vm
    local.get $st f32.load offset=4 f32x4.splat local.set $vr
    local.get $st i32.const 8 i32.add local.set $st
    splat 0 local.set $sg
    splat 0 local.set $sgx
    for $j 0 $rb 16
      ;; x̂ = (x − mean)·rstd, g = dy·w; Σg, Σg·x̂ over the row; dw += dy·x̂, db += dy
      load $x $j local.get $vm f32x4.sub local.get $vr f32x4.mul local.set $xh
      load $dy $j local.tee $dyv load $w $j f32x4.mul local.set $g
      local.get $sg local.get $g f32x4.add local.set $sg
      local.get $sgx local.get $g local.get $xh f32x4.mul f32x4.add local.set $sgx
      addr $dw $j load $dw $j local.get $dyv local.get $xh f32x4.mul f32x4.add v128.store
      addr $db $j load $db $j local.get $dyv f32x4.add v128.store
    next
    hsum $sg local.get $cols f32.convert_i32_s f32.div f32x4.splat local.set $sg
    hsum $sgx local.get $cols f32.convert_i32_s f32.div f32x4.splat local.set $sgx
    for $j 0 $rb 16
      ;; dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
      addr $dx $j
      load $dy $j load $w $j f32x4.mul local.get $sg f32x4.sub
      load $x $j local.get $vm f32x4.sub local.get $vr f32x4.mul local.get $sgx f32x4.mul
      f32x4.sub local.get $vr f32x4.mul v128.store
    next
    local.get $x local.get $rb i32.add local.set $x
    local.get $dy local.get $rb i32.add local.set $dy
    local.get $dx local.get $rb i32.add local.set $dx
  next)

(func $causal_softmax (export "causal_softmax") (param $s i32) (param $count i32) (param $t i32)
  (param $scale f32)
  ${CAUSAL_LOCALS} (local $vs v128) (local $mx v128) (local $e v128) ${EXP_LOCALS}
  exp_init
  local.get $scale f32x4.splat local.set $vs
  causalrows
    ;; max of scale·s over the allowed columns
    splat -Infinity local.set $mx
    for $j 0 $nb 16
      keeplanes
      load $s $j local.get $vs f32x4.mul splat -Infinity local.get $keep v128.bitselect
      local.get $mx f32x4.max local.set $mx
    next
    hmax $mx f32x4.splat local.set $mx
    ;; e = exp(scale·s − max) on allowed columns, 0 elsewhere; their sum
    splat 0 local.set $acc
    for $j 0 $nb 16
      keeplanes
      load $s $j local.get $vs f32x4.mul local.get $mx f32x4.sub local.set $v
      exp $v $e
      local.get $e splat 0 local.get $keep v128.bitselect local.set $e
      addr $s $j local.get $e v128.store
      local.get $acc local.get $e f32x4.add local.set $acc
    next
    f32.const 1 hsum $acc f32.div f32x4.splat local.set $v
    for $j 0 $nb 16
      addr $s $j load $s $j local.get $v f32x4.mul v128.store
    next
  endrows)

(func $causal_softmax_grad (export "causal_softmax_grad") (param $p i32) (param $s i32)
  (param $count i32) (param $t i32) (param $scale f32)
  ${CAUSAL_LOCALS} (local $vs v128)
  local.get $scale f32x4.splat local.set $vs
  causalrows
    ;; ds = scale·p·(dp − Σ p·dp); p is exactly 0 above the diagonal
    splat 0 local.set $acc
    for $j 0 $nb 16
      local.get $acc load $p $j load $s $j f32x4.mul f32x4.add local.set $acc
    next
    hsum $acc f32x4.splat local.set $v
    for $j 0 $nb 16
      addr $s $j load $p $j load $s $j local.get $v f32x4.sub f32x4.mul local.get $vs f32x4.mul
      v128.store
    next
    local.get $p local.get $rb i32.add local.set $p
  endrows)

(func $add_bias (export "add_bias") (param $y i32) (param $b i32) (param $rows i32) (param $cols i32)
  (local $r i32) (local $j i32) (local $rb i32)
  local.get $cols i32.const 4 i32.mul local.set $rb
  for $r 0 $rows 1
    for $j 0 $rb 16
      addr $y $j load $y $j load $b $j f32x4.add v128.store
    next
    local.get $y local.get $rb i32.add local.set $y
  next)

(func $sum_rows (export "sum_rows") (param $x i32) (param $rows i32) (param $cols i32)
  (param $out i32)
  (local $r i32) (local $j i32) (local $rb i32)
  local.get $cols i32.const 4 i32.mul local.set $rb
  for $j 0 $rb 16
    addr $out $j splat 0 v128.store
  next
  for $r 0 $rows 1
    for $j 0 $rb 16
      addr $out $j load $out $j load $x $j f32x4.add v128.store
    next
    local.get $x local.get $rb i32.add local.set $x
  next)
`;
