/**
 * Finite-difference gradient checks for tiny configurations: perturb each
 * input value by ±eps, re-evaluate the scalar function, and compare the
 * central difference with the analytic gradient.
 */
import assert from "node:assert/strict";
import { tf } from "../../lib/engine/mod.ts";

/**
 * Asserts that `tf.grad(f)(x)` agrees with central differences of `f` at `x`
 * to `tol` (max abs error relative to max(1, |numeric|)). Float32 limits the
 * accuracy, so keep `f` small and smooth, `eps` around 1e-2…1e-3.
 */
export function assertGradientsMatch(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  options: { eps?: number; tol?: number; maxChecks?: number } = {},
): void {
  const eps = options.eps ?? 1e-2;
  const tol = options.tol ?? 2e-2;
  const analytic = tf.tidy(() => tf.grad(f)(x).dataSync().slice());
  const base = x.dataSync().slice();
  const n = Math.min(base.length, options.maxChecks ?? base.length);
  const stride = Math.max(1, Math.floor(base.length / n));
  for (let i = 0; i < base.length; i += stride) {
    const at = (delta: number) =>
      tf.tidy(() => {
        const v = base.slice();
        v[i] += delta;
        return f(tf.tensor(v, x.shape)).dataSync()[0];
      });
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    const err = Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric));
    assert.ok(err <= tol, `gradient[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
  }
}
