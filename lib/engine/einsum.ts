/**
 * An `Einsum` kernel (wasm has none; cpu's multiplies full outer products)
 * that reduces every equation tfjs accepts — one or two operands, no
 * repeated subscripts within an operand — to sums, transposes and one
 * batched matrix product:
 *
 * 1. sum each operand over subscripts found nowhere else;
 * 2. order the rest as `[batch, free, contracted]` and `[batch, contracted, free]`
 *    (using the product's transpose flags where that saves a copy);
 * 3. one batched product `[nb, m, k]·[nb, k, n]`, then transpose to the output order.
 *
 * @module
 */
import { matMulInfo } from "./matmul.ts";
import { type BackendRef, isFloat, type KernelContext, withShape } from "./registry.ts";
import { tf } from "./tf.ts";

/** A parsed equation: one subscript string per operand, and the output's. */
export interface EinsumEquation {
  readonly inputs: string[];
  readonly output: string;
}

/** Parses and checks `equation` against operand shapes as tfjs does. */
export function parseEinsum(equation: string, shapes: readonly number[][]): EinsumEquation {
  const { idDims, allDims } = tf.backend_util.decodeEinsumEquation(equation, shapes.length);
  tf.backend_util.checkEinsumDimSizes(
    allDims.length,
    idDims,
    shapes.map((shape) => ({ shape }) as unknown as tf.Tensor),
  );
  const [lhs, output] = equation.replace(/\s/g, "").split("->");
  const inputs = lhs.split(",");
  inputs.forEach((subs, i) => {
    if (subs.length !== shapes[i].length) {
      throw new Error(`einsum: operand ${i} has rank ${shapes[i].length} but subscripts '${subs}'`);
    }
  });
  if (new Set(output).size !== output.length) {
    throw new Error(`einsum: repeated subscript in the output '${output}'`);
  }
  return { inputs, output };
}

/** Kernel for `Einsum`. */
export function einsumKernel(ctx: KernelContext): tf.KernelFunc {
  return (args) => {
    const operands = Object.values(args.inputs) as tf.TensorInfo[];
    const { equation } = args.attrs as { equation: string };
    if (!isFloat(...operands)) {
      if (ctx.hasStock("Einsum")) return ctx.stock("Einsum", args);
      throw new Error("einsum: only float32 operands are supported on this backend");
    }
    const eq = parseEinsum(equation, operands.map((t) => t.shape));
    return new Contraction(ctx, args.backend).run(eq, operands);
  };
}

/** Holds the intermediates of one contraction so they can be freed. */
class Contraction {
  private readonly owned: tf.TensorInfo[] = [];

  constructor(private readonly ctx: KernelContext, private readonly backend: BackendRef) {}

  run(eq: EinsumEquation, operands: tf.TensorInfo[]): tf.TensorInfo {
    const keepFor = (i: number) => eq.output + eq.inputs.filter((_, j) => j !== i).join("");
    const terms = operands.map((t, i) => this.sumAway(t, eq.inputs[i], keepFor(i)));
    let result: Term;
    if (terms.length === 1) {
      result = terms[0];
    } else {
      result = this.product(terms[0], terms[1], eq.output);
    }
    let out = this.permute(result, eq.output).info;
    if (operands.some((t) => t.dataId === out.dataId)) {
      out = this.ctx.run("Identity", this.backend, { x: out }) as tf.TensorInfo;
    }
    const heap = this.ctx.heap(this.backend);
    for (const t of this.owned) if (t.dataId !== out.dataId) heap.free(t);
    return out;
  }

  private own(t: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
    this.owned.push(t as tf.TensorInfo);
    return t as tf.TensorInfo;
  }

  /** Sums `t` over subscripts not in `keep`. */
  private sumAway(t: tf.TensorInfo, subs: string, keep: string): Term {
    const axis = [...subs].flatMap((c, i) => (keep.includes(c) ? [] : [i]));
    if (axis.length === 0) return { info: t, subs };
    const info = this.own(this.ctx.run("Sum", this.backend, { x: t }, { axis, keepDims: false }));
    return { info, subs: [...subs].filter((c) => keep.includes(c)).join("") };
  }

  /** Transposes `term` into the subscript order `to` (a no-op when already there). */
  private permute(term: Term, to: string): Term {
    if (term.subs === to) return term;
    const perm = [...to].map((c) => term.subs.indexOf(c));
    const info = this.own(this.ctx.run("Transpose", this.backend, { x: term.info }, { perm }));
    return { info, subs: to };
  }

  private product(a: Term, b: Term, output: string): Term {
    const inB = (c: string) => b.subs.includes(c);
    const inA = (c: string) => a.subs.includes(c);
    const batch = [...output].filter((c) => inA(c) && inB(c)).join("");
    const contract = [...a.subs].filter((c) => inB(c) && !output.includes(c)).join("");
    const freeA = [...a.subs].filter((c) => !inB(c)).join("");
    const freeB = [...b.subs].filter((c) => !inA(c)).join("");
    const size = (t: Term, letters: string) =>
      [...letters].reduce((acc, c) => acc * t.info.shape[t.subs.indexOf(c)], 1);
    const [nb, m, k, n] = [size(a, batch), size(a, freeA), size(a, contract), size(b, freeB)];
    const transA = a.subs === batch + contract + freeA && a.subs !== batch + freeA + contract;
    const transB = b.subs === batch + freeB + contract && b.subs !== batch + contract + freeB;
    const ap = this.permute(a, transA ? a.subs : batch + freeA + contract);
    const bp = this.permute(b, transB ? b.subs : batch + contract + freeB);
    const a3 = withShape(ap.info, transA ? [nb, k, m] : [nb, m, k]);
    const b3 = withShape(bp.info, transB ? [nb, n, k] : [nb, k, n]);
    const c = this.own(matMulInfo(this.ctx, this.backend, a3, b3, transA, transB));
    const subs = batch + freeA + freeB;
    const shape = [...subs].map((ch) =>
      (inA(ch) ? a : b).info.shape[(inA(ch) ? a : b).subs.indexOf(ch)]
    );
    return { info: withShape(c, shape), subs };
  }
}

interface Term {
  readonly info: tf.TensorInfo;
  readonly subs: string;
}
