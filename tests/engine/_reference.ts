/**
 * Float64 references and test helpers for the engine's kernels: seeded
 * random tensors, a generic einsum (which covers matrix products, batching,
 * broadcasting and their gradients), and tolerance checks.
 */
import assert from "node:assert/strict";
import { type EngineOptions, initEngine, tf } from "../../lib/engine/mod.ts";
import { assertBlasIfRequired, ignoreBlasTests } from "../_helpers/blas.ts";
import { installKernels } from "../../lib/engine/kernels.ts";

/** A dense float64 array with its shape. */
export interface Ref {
  readonly shape: number[];
  readonly data: Float64Array;
}

/** Seeded standard-normal values, exactly representable in float32. */
export function randn(shape: number[], seed: number): Ref {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    data[i] = Math.fround(Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
  }
  return { shape, data };
}

/** The tensor holding `r`'s values. */
export function tensorOf(r: Ref): tf.Tensor {
  return tf.tensor(Float32Array.from(r.data), r.shape);
}

/**
 * Float64 einsum over any operand count, with broadcasting of size-1
 * dimensions (for matmul batches): sums every assignment of the subscripts.
 * With `outShape`, output dimensions of size 1 sum over their subscript (the
 * gradient of a broadcast operand).
 */
export function refEinsum(equation: string, operands: Ref[], outShape?: number[]): Ref {
  const [lhs, out] = equation.split("->");
  const subs = lhs.split(",");
  const letters = [...new Set(subs.join("") + out)];
  const size: Record<string, number> = {};
  subs.forEach((s, i) =>
    [...s].forEach((c, d) => {
      const dim = operands[i].shape[d];
      if (size[c] === undefined || size[c] === 1) size[c] = dim;
    })
  );
  const shape = outShape ?? [...out].map((c) => size[c]);
  const result = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const index = (s: string, shape: number[], at: Record<string, number>) =>
    [...s].reduce((acc, c, d) => acc * shape[d] + (shape[d] === 1 ? 0 : at[c]), 0);
  const at: Record<string, number> = {};
  const loop = (li: number) => {
    if (li === letters.length) {
      let p = 1;
      operands.forEach((o, i) => (p *= o.data[index(subs[i], o.shape, at)]));
      result[index(out, shape, at)] += p;
      return;
    }
    for (let v = 0; v < size[letters[li]]; v++) {
      at[letters[li]] = v;
      loop(li + 1);
    }
  };
  loop(0);
  return { shape, data: result };
}

/** Subscripts of `op(x)` for a matmul operand with batch letters `batch`. */
export function matSubs(batch: string, rows: string, cols: string, transposed: boolean): string {
  return batch + (transposed ? cols + rows : rows + cols);
}

/** Asserts `actual` equals `expected` to `tol · (1 + |expected|)` everywhere. */
export function assertClose(
  actual: tf.Tensor | Float32Array | number[],
  expected: Ref,
  tol = 1e-4,
): void {
  const values = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  if (actual instanceof tf.Tensor) assert.deepEqual(actual.shape, expected.shape);
  assert.equal(values.length, expected.data.length);
  for (let i = 0; i < values.length; i++) {
    const e = expected.data[i];
    if (!(Math.abs(values[i] - e) <= tol * (1 + Math.abs(e)))) {
      assert.fail(`element ${i}: got ${values[i]}, expected ${e} (tolerance ${tol})`);
    }
  }
}

const noBlas = ignoreBlasTests();

/**
 * The engine configurations every kernel is tested on. The BLAS ones are
 * ignored where no BLAS loads, unless `LMFS_REQUIRE_BLAS=1` (see `tests/_helpers/blas.ts`).
 */
export const CONFIGS: readonly { name: string; options: EngineOptions; ignore: boolean }[] = [
  { name: "cpu", options: { backend: "cpu", blas: "off" }, ignore: false },
  { name: "cpu+blas", options: { backend: "cpu" }, ignore: noBlas },
  { name: "wasm", options: { backend: "wasm", blas: "off" }, ignore: false },
  { name: "wasm+blas", options: { backend: "wasm" }, ignore: noBlas },
];

/** The configurations a test that loops over them runs here (fails if a required BLAS is missing). */
export function runnableConfigs(): typeof CONFIGS {
  assertBlasIfRequired();
  return CONFIGS.filter((c) => !c.ignore);
}

/** Registers `fn` as one test per engine configuration. */
export function testEachConfig(
  name: string,
  fn: (config: string) => void | Promise<void>,
  configs: readonly string[] = CONFIGS.map((c) => c.name),
): void {
  for (const c of CONFIGS.filter((c) => configs.includes(c.name))) {
    Deno.test({
      name: `${name} [${c.name}]`,
      ignore: c.ignore,
      fn: async () => {
        if (c.name.endsWith("+blas")) assertBlasIfRequired();
        const info = await initEngine(c.options);
        assert.equal(info.blas !== null, c.name.endsWith("+blas"));
        await fn(c.name);
      },
    });
  }
}

/** Asserts `fn` leaves no tensor (and no backend buffer) behind, run `times` times. */
export function assertNoLeak(fn: () => void, times = 3): void {
  fn(); // first calls may create lasting state (XNNPACK operators, kernel setup)
  const tensors = tf.memory().numTensors;
  const buffers = tf.backend().numDataIds();
  for (let i = 0; i < times; i++) fn();
  assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
  assert.equal(tf.backend().numDataIds(), buffers, "backend buffers leaked");
}

/**
 * Runs `fn` with the engine's kernels `names` unregistered on the active
 * backend (so the fused ops take their plain-ops fallback), then registers
 * the engine's kernels again.
 */
export function withoutKernels(names: readonly string[], fn: () => void): void {
  const backend = tf.getBackend() as "wasm" | "cpu";
  for (const name of names) tf.unregisterKernel(name, backend);
  try {
    fn();
  } finally {
    installKernels(backend);
  }
}
