import assert from "node:assert/strict";
import { pca2d } from "../../lib/plot/mod.ts";

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
}

Deno.test("pca2d() recovers the direction of points on a line", () => {
  // Points t·(1, 2, 2)/3 + (5, 5, 5): one direction, unit speed along it.
  const ts = [-2, -1, 0.5, 1, 1.5];
  const points = pca2d(ts.map((t) => [5 + t / 3, 5 + (2 * t) / 3, 5 + (2 * t) / 3]));
  const mean = ts.reduce((a, b) => a + b) / ts.length;
  points.forEach((p, i) => {
    close(p.x, ts[i] - mean); // sign: largest loading (2/3) positive
    close(p.y, 0);
  });
});

Deno.test("pca2d() matches numpy's SVD on a 6 × 4 matrix", () => {
  const matrix = [
    [2.5, 2.4, 0.5, 1.0],
    [0.5, 0.7, 1.5, -1.0],
    [2.2, 2.9, 0.1, 0.3],
    [1.9, 2.2, -0.4, 0.8],
    [3.1, 3.0, 0.9, -0.2],
    [2.3, 2.7, -1.1, 0.0],
  ];
  // numpy: Xc = X - X.mean(0); U, S, Vt = svd(Xc); P = Xc @ Vt[:2].T, each
  // column's sign flipped so the largest-magnitude entry of Vt[k] is positive.
  const expected = [
    [0.477427587285, 0.314042491239],
    [-2.826145233873, -0.082120551026],
    [0.525529078333, 0.079678203584],
    [0.387374117508, -0.740260839896],
    [0.508528665748, 1.276691002006],
    [0.927285784999, -0.848030305907],
  ];
  pca2d(matrix).forEach((p, i) => {
    close(p.x, expected[i][0], 1e-9);
    close(p.y, expected[i][1], 1e-9);
  });
});

Deno.test("pca2d() is deterministic and uses the variance as scale", () => {
  const rows = Array.from(
    { length: 40 },
    (_, i) => [Math.sin(i), Math.cos(3 * i), i % 5, (i * 7) % 3],
  );
  const a = pca2d(rows);
  const b = pca2d(rows.map((r) => [...r]));
  assert.deepEqual(a, b);
  const varX = a.reduce((s, p) => s + p.x * p.x, 0);
  const varY = a.reduce((s, p) => s + p.y * p.y, 0);
  assert.ok(varX >= varY, "first component has the most variance");
  close(a.reduce((s, p) => s + p.x, 0), 0, 1e-9); // centred
});

Deno.test("pca2d() uses the implicit product when there are more dimensions than rows", () => {
  // 3 points in 50-D: rank 2, all variance in the plane of the points.
  const rows = [0, 1, 2].map((i) =>
    Array.from({ length: 50 }, (_, j) => (j === 0 ? i * 3 : j === 1 ? (i === 1 ? 1 : 0) : 0))
  );
  const points = pca2d(rows);
  close(points[0].x, -3);
  close(points[2].x, 3);
  close(Math.abs(points[1].y - points[0].y), 1);
});

Deno.test("pca2d() handles degenerate input", () => {
  assert.deepEqual(pca2d([]), []);
  assert.deepEqual(pca2d([[1, 2, 3]]), [{ x: 0, y: 0 }]);
  assert.deepEqual(pca2d([[1, 1], [1, 1]]), [{ x: 0, y: 0 }, { x: 0, y: 0 }]);
  const oneD = pca2d([[1], [3]]);
  assert.deepEqual(oneD.map((p) => [p.x, p.y]), [[-1, 0], [1, 0]]);
});

Deno.test("pca2d() rejects ragged rows and non-finite values", () => {
  assert.throws(() => pca2d([[1, 2], [3]]), /row 0 has 2, row 1 has 1/);
  assert.throws(() => pca2d([[1, NaN]]), /non-finite value at row 0, column 1/);
});
