/**
 * The engine's elementwise SIMD loops, in WebAssembly text with the macros of
 * `simd_wat.ts`: GELU and its gradient, the AdamW update, `Σx²` and scaling
 * (`loops.ts` says what each computes, `loops_js.ts` has the same loops in
 * TypeScript). `$nb` is the byte length of the whole vectors; GELU redoes the
 * last four elements when `n` is not a multiple of four (`n ≥ 4`), the others
 * finish with a scalar loop.
 *
 * @module
 */
import { EXP_LOCALS, type Macro } from "./simd_wat.ts";

const C = Math.sqrt(2 / Math.PI), A = 0.044715;
/** σ's argument in GELU is u = x·(K1 + K2·x²). */
const K1 = 2 * C, K2 = 2 * C * A;

/** Macros of these loops: one vector of GELU and of its gradient at byte `$j`. */
export const ELEMENTWISE_MACROS: Record<string, Macro> = {
  // $s = 1 + exp(−u), u = x·(K1 + K2·x²) for $v = x, so σ(u) = 1/$s
  one_plus_exp: {
    args: 0,
    expand: () => `
      local.get $v local.get $v f32x4.mul madd ${K2} ${K1} local.get $v f32x4.mul f32x4.neg local.set $u
      exp $u $e
      splat 1 local.get $e f32x4.add local.set $s`,
  },
  // y = x·σ(u) = x / (1 + exp(−u))
  gelu_at: {
    args: 1,
    expand: (j) => `
      load $x ${j} local.set $v
      one_plus_exp
      addr $y ${j} local.get $v local.get $s f32x4.div v128.store`,
  },
  // dx = dy·(s + x·s·(1 − s)·(K1 + 3·K2·x²)), s = y/x (½ where x = 0)
  gelu_grad_at: {
    args: 1,
    expand: (j) => `
      load $x ${j} local.set $v
      load $y ${j} local.get $v f32x4.div splat 0.5
      local.get $v splat 0 f32x4.ne v128.bitselect local.set $s
      addr $dx ${j}
      local.get $s
      local.get $v local.get $s f32x4.mul splat 1 local.get $s f32x4.sub f32x4.mul
      local.get $v local.get $v f32x4.mul madd ${3 * K2} ${K1} f32x4.mul f32x4.add
      load $dy ${j} f32x4.mul v128.store`,
  },
  // $nb = bytes of the whole vectors of n elements; $bytes = 4·n
  lengths: {
    args: 0,
    expand: () => `
      local.get $n i32.const -4 i32.and i32.const 4 i32.mul local.set $nb
      local.get $n i32.const 4 i32.mul local.set $bytes`,
  },
};

const GELU_LOCALS = `(local $j i32) (local $nb i32) (local $bytes i32) (local $v v128)
  (local $u v128) (local $e v128) (local $s v128) ${EXP_LOCALS}`;

/** The elementwise loops' source (a sequence of `(func …)` forms). */
export const ELEMENTWISE_SOURCE = `
(func $gelu (export "gelu") (param $x i32) (param $y i32) (param $n i32)
  ${GELU_LOCALS}
  exp_init
  lengths
  for $j 0 $nb 16
    gelu_at $j
  next
  local.get $nb local.get $bytes i32.ne
  if
    local.get $bytes i32.const 16 i32.sub local.set $j
    gelu_at $j
  end)

(func $gelu_grad (export "gelu_grad") (param $dy i32) (param $x i32) (param $y i32) (param $dx i32)
  (param $n i32)
  ${GELU_LOCALS}
  lengths
  for $j 0 $nb 16
    gelu_grad_at $j
  next
  local.get $nb local.get $bytes i32.ne
  if
    local.get $bytes i32.const 16 i32.sub local.set $j
    gelu_grad_at $j
  end)

(func $adamw (export "adamw") (param $p i32) (param $g i32) (param $m i32) (param $v i32)
  (param $po i32) (param $n i32) (param $b1 f32) (param $b2 f32) (param $one1 f32) (param $one2 f32)
  (param $decay f32) (param $step f32) (param $bc2 f32) (param $eps f32)
  (local $j i32) (local $nb i32) (local $bytes i32) (local $gv v128) (local $mv v128)
  (local $vv v128) (local $gs f32) (local $ms f32) (local $vs f32)
  lengths
  for $j 0 $nb 16
    ;; m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
    load $g $j local.set $gv
    load $m $j local.get $b1 f32x4.splat f32x4.mul
    local.get $gv local.get $one1 f32x4.splat f32x4.mul f32x4.add local.set $mv
    load $v $j local.get $b2 f32x4.splat f32x4.mul
    local.get $gv local.get $gv f32x4.mul local.get $one2 f32x4.splat f32x4.mul f32x4.add
    local.set $vv
    addr $m $j local.get $mv v128.store
    addr $v $j local.get $vv v128.store
    ;; p_out = p·decay − step·m/(√v/bc2 + ε)
    addr $po $j
    load $p $j local.get $decay f32x4.splat f32x4.mul
    local.get $mv
    local.get $vv f32x4.sqrt local.get $bc2 f32x4.splat f32x4.div local.get $eps f32x4.splat
    f32x4.add f32x4.div local.get $step f32x4.splat f32x4.mul
    f32x4.sub v128.store
  next
  for $j $nb $bytes 4
    local.get $g local.get $j i32.add f32.load local.set $gs
    local.get $m local.get $j i32.add f32.load local.get $b1 f32.mul
    local.get $gs local.get $one1 f32.mul f32.add local.set $ms
    local.get $v local.get $j i32.add f32.load local.get $b2 f32.mul
    local.get $gs local.get $gs f32.mul local.get $one2 f32.mul f32.add local.set $vs
    local.get $m local.get $j i32.add local.get $ms f32.store
    local.get $v local.get $j i32.add local.get $vs f32.store
    local.get $po local.get $j i32.add
    local.get $p local.get $j i32.add f32.load local.get $decay f32.mul
    local.get $ms
    local.get $vs f32.sqrt local.get $bc2 f32.div local.get $eps f32.add
    f32.div local.get $step f32.mul
    f32.sub f32.store
  next)

(func $sum_squares (export "sum_squares") (param $x i32) (param $n i32) (result f64)
  (local $j i32) (local $nb i32) (local $bytes i32) (local $blk i32) (local $end i32)
  (local $acc v128) (local $v v128) (local $total f64) (local $s f64)
  lengths
  ;; float32 lanes within blocks of 1,024 elements, float64 across blocks
  for $blk 0 $nb 4096
    local.get $blk i32.const 4096 i32.add local.get $nb
    local.get $blk i32.const 4096 i32.add local.get $nb i32.lt_u select local.set $end
    splat 0 local.set $acc
    for $j $blk $end 16
      load $x $j local.tee $v local.get $v f32x4.mul local.get $acc f32x4.add local.set $acc
    next
    local.get $total hsum $acc f64.promote_f32 f64.add local.set $total
  next
  for $j $nb $bytes 4
    local.get $x local.get $j i32.add f32.load f64.promote_f32 local.tee $s local.get $s f64.mul
    local.get $total f64.add local.set $total
  next
  local.get $total)

(func $scale (export "scale") (param $x i32) (param $y i32) (param $n i32) (param $c f32)
  (local $j i32) (local $nb i32) (local $bytes i32) (local $vc v128)
  lengths
  local.get $c f32x4.splat local.set $vc
  for $j 0 $nb 16
    addr $y $j load $x $j local.get $vc f32x4.mul v128.store
  next
  for $j $nb $bytes 4
    local.get $y local.get $j i32.add local.get $x local.get $j i32.add f32.load local.get $c f32.mul
    f32.store
  next)
`;
