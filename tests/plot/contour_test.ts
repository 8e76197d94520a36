import assert from "node:assert/strict";
import { contourLines } from "../../lib/plot/contour.ts";

/** Samples f on an n × n grid over [-1, 1]²; returns the values and the grid step. */
function sample(f: (x: number, y: number) => number, n: number) {
  const h = 2 / (n - 1);
  const values = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) values[r * n + c] = f(-1 + c * h, -1 + r * h);
  }
  return { values, h, at: (g: number) => -1 + g * h };
}

Deno.test("the contour of a circle is one closed loop within one grid cell of the circle", () => {
  for (const n of [11, 50, 201]) {
    // A step function (0 or 1), the hardest case: only the grid says where the edge is.
    const { values, h, at } = sample((x, y) => (x * x + y * y < 0.5 ? 1 : 0), n);
    const lines = contourLines(values, n, n, 0.5);
    assert.equal(lines.length, 1, `${n}: ${lines.length} contours`);
    assert.ok(lines[0].closed);
    const { points } = lines[0];
    for (let k = 0; k < points.length; k += 2) {
      const r = Math.hypot(at(points[k]), at(points[k + 1]));
      assert.ok(Math.abs(r - Math.sqrt(0.5)) <= h * Math.SQRT2, `${n}: radius ${r}`);
    }
    // It goes all the way round: its points span every direction.
    const angles = new Set<number>();
    for (let k = 0; k < points.length; k += 2) {
      angles.add(
        Math.floor((Math.atan2(at(points[k + 1]), at(points[k])) + Math.PI) / (Math.PI / 4)) % 8,
      );
    }
    assert.equal(angles.size, 8);
  }
});

Deno.test("a smooth function's contour is exact to well under a cell", () => {
  const n = 101;
  const { values, h, at } = sample((x, y) => x * x + y * y, n);
  const [ring] = contourLines(values, n, n, 0.5);
  for (let k = 0; k < ring.points.length; k += 2) {
    const r = Math.hypot(at(ring.points[k]), at(ring.points[k + 1]));
    assert.ok(Math.abs(r - Math.sqrt(0.5)) < h * h, `radius ${r}`);
  }
});

Deno.test("a line that runs off the grid is open, with both ends on the border", () => {
  const n = 20;
  const { values } = sample((x, y) => x + 0.3 * y, n);
  const lines = contourLines(values, n, n, 0.1);
  assert.equal(lines.length, 1);
  assert.equal(lines[0].closed, false);
  const p = lines[0].points;
  const onBorder = (x: number, y: number) => [x, y].some((v) => v === 0 || v === n - 1);
  assert.ok(onBorder(p[0], p[1]) && onBorder(p.at(-2)!, p.at(-1)!));
  // Consecutive points are in neighbouring cells: the path is connected.
  for (let k = 2; k < p.length; k += 2) {
    assert.ok(Math.abs(p[k] - p[k - 2]) <= 1 && Math.abs(p[k + 1] - p[k - 1]) <= 1);
  }
});

Deno.test("two separate blobs give two loops; a saddle is split by its centre value", () => {
  const blobs = [
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  assert.deepEqual(contourLines(blobs, 6, 3, 0.5).map((l) => l.closed), [true, true]);
  // Corners 1 0 / 0 1 with a low centre: two separate corner pieces.
  assert.equal(contourLines([1, 0, 0, 1], 2, 2, 0.6).length, 2);
  // The same corners with a high centre (0.55 average ≥ 0.5): joined through the middle,
  // still two pieces, but now cutting off the low corners.
  const joined = contourLines([1, 0.1, 0.1, 1], 2, 2, 0.5);
  assert.equal(joined.length, 2);
  const cutsLowCorner = joined.some((l) => l.points[0] < 1 && l.points.includes(1));
  assert.ok(cutsLowCorner);
});

Deno.test("contourLines rejects a grid whose size does not match", () => {
  assert.throws(() => contourLines([1, 2, 3], 2, 2, 0.5), {
    name: "RangeError",
    message: /expected 2 × 2 = 4 values, found 3/,
  });
});
