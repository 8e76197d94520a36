import assert from "node:assert/strict";
import { ShapeError } from "../../lib/errors.ts";
import { decisionBoundary } from "../../lib/plot/decision_boundary.ts";
import type { Tensor } from "../../lib/tensor/mod.ts";
import { assertGolden } from "./golden.ts";
import { axisScale, findAll, hasClass, parseXml, pathPoints, texts } from "./xml.ts";

const X = [[0.2, 0.1], [-0.3, 0.2], [0.9, 0.8], [-0.8, -0.9], [0.1, -0.6], [-0.9, 0.5]];
const y = [1, 1, 0, 0, 1, 0];
/** 1 inside the circle x1² + x2² < 0.5, else 0: the boundary is known exactly. */
const inCircle = (p: Tensor) => p.mul(p).sum(1, true).lt(0.5);

Deno.test("the boundary of x1² + x2² < 0.5 is one closed path within one grid cell of the circle", async () => {
  const resolution = 101;
  const plot = await decisionBoundary(inCircle, X, y, {
    resolution,
    xRange: [-1, 1],
    yRange: [-1, 1],
  });
  const svg = parseXml(plot.svg);
  const [boundary] = findAll(svg, (e) => hasClass(e, "boundary"));
  const paths = pathPoints(boundary.attrs.d);
  assert.equal(paths.length, 1);
  assert.ok(paths[0].closed);
  const [sx, sy] = [axisScale(svg, "x"), axisScale(svg, "y")];
  const cell = 2 / (resolution - 1);
  // A cell's diagonal, plus the 0.05 px rounding of coordinates turned into data units.
  const tolerance = cell * Math.SQRT2 + Math.abs(sx.toData(0.05) - sx.toData(0));
  const angles = new Set<number>();
  for (const [px, py] of paths[0].points) {
    const [x1, x2] = [sx.toData(px), sy.toData(py)];
    const r = Math.hypot(x1, x2);
    assert.ok(Math.abs(r - Math.sqrt(0.5)) <= tolerance, `(${x1}, ${x2}) is ${r} from the centre`);
    angles.add(Math.floor((Math.atan2(x2, x1) + Math.PI) / (Math.PI / 8)) % 16);
  }
  assert.equal(angles.size, 16, "the path goes all the way round");
  // Both sides are shaded, and the legend names the classes and the boundary.
  assert.equal(findAll(svg, (e) => hasClass(e, "region")).length, 2);
  assert.deepEqual(texts(svg, "legend"), ["class 0", "class 1", "Decision boundary"]);
});

Deno.test("a small grid goes through predict once, as a float64 [n, 2] tensor", async () => {
  const calls: Tensor[] = [];
  await decisionBoundary(
    (p) => {
      calls.push(p);
      return inCircle(p);
    },
    X,
    y,
    { resolution: 40 },
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].shape, [1600, 2]);
  assert.equal(calls[0].dtype, "float64");
  const grid = calls[0].dataSync();
  // Row-major: x runs fastest, and both ranges are the data's plus 5 %.
  assert.ok(grid[0] < grid[2] && grid[1] === grid[3]);
  assert.ok(
    Math.abs(grid[0] - (-0.9 - 0.09)) < 1e-12 && Math.abs(grid[1] - (-0.9 - 0.085)) < 1e-12,
  );
});

Deno.test("a large grid goes through predict 4096 points at a time, in order", async () => {
  const calls: number[][] = [];
  const chunked = await decisionBoundary(
    (p) => {
      calls.push([...p.shape]);
      return inCircle(p);
    },
    X,
    y,
    { resolution: 100 },
  );
  assert.deepEqual(calls, [[4096, 2], [4096, 2], [1808, 2]]);
  // The same picture as a predict that sees every point on its own would give.
  const pointwise = await decisionBoundary(
    (p) => {
      const xy = p.dataSync();
      return Array.from(
        { length: p.shape[0] },
        (_, i) => xy[2 * i] * xy[2 * i] + xy[2 * i + 1] * xy[2 * i + 1] < 0.5 ? 1 : 0,
      );
    },
    X,
    y,
    { resolution: 100 },
  );
  assert.equal(chunked.svg, pointwise.svg);
});

Deno.test("async predict, plain arrays, [n] outputs and a float32 grid all work", async () => {
  const expected = (await decisionBoundary(inCircle, X, y, { resolution: 30 })).svg;
  const asyncPredict = async (p: Tensor) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return inCircle(p);
  };
  assert.equal((await decisionBoundary(asyncPredict, X, y, { resolution: 30 })).svg, expected);
  const plain = (p: Tensor) => Array.from(inCircle(p).dataSync());
  assert.equal((await decisionBoundary(plain, X, y, { resolution: 30 })).svg, expected);
  const f32 = await decisionBoundary(
    (p) => {
      assert.equal(p.dtype, "float32");
      return inCircle(p);
    },
    X,
    y,
    { resolution: 30, dtype: "float32" },
  );
  parseXml(f32.svg);
});

Deno.test("a decision boundary matches its golden file", async () => {
  const smooth = (p: Tensor) => p.mul(p).sum(1, true).neg().add(0.5).mul(8).sigmoid();
  const plot = await decisionBoundary(smooth, X, y, {
    resolution: 25,
    classNames: ["Not accepted", "Accepted"],
    title: "x₁² + x₂² < 0.5",
    xLabel: "Microchip Test 1",
    yLabel: "Microchip Test 2",
  });
  parseXml(plot.svg);
  await assertGolden("decision_boundary.svg", plot.svg);
});

Deno.test("a predict that returns the wrong shape or NaN gets a clear error", async () => {
  const opts = { resolution: 10 };
  await assert.rejects(
    decisionBoundary((p) => p, X, y, opts),
    (e) =>
      e instanceof ShapeError &&
      /expected predict to return shape \[100, 1\] or \[100\] for a grid of 100 points, found \[100,2\]/
        .test(e.message),
  );
  await assert.rejects(
    decisionBoundary(() => [0.5, 0.5], X, y, opts),
    (e) => e instanceof ShapeError && /found \[2\]/.test(e.message),
  );
  await assert.rejects(decisionBoundary((p) => p.sum(1).mul(NaN), X, y, opts), {
    name: "RangeError",
    message: /expected predict to return numbers, found NaN at grid point/,
  });
  await assert.rejects(decisionBoundary(inCircle, X, y, { resolution: 1 }), {
    name: "RangeError",
    message: /resolution to be a whole number from 2 to 2000, found 1/,
  });
  await assert.rejects(decisionBoundary(inCircle, X, y, { xRange: [1, -1] }), {
    name: "RangeError",
    message: /xRange to be \[low, high\] with low < high, found \[1, -1\]/,
  });
  await assert.rejects(decisionBoundary(inCircle, X, [1, 0]), { name: "ShapeError" });
});

Deno.test("a model that says 1 everywhere shades everything blue and draws no boundary", async () => {
  const svg = parseXml((await decisionBoundary((p) => p.sum(1).mul(0).add(1), X, y)).svg);
  assert.equal(findAll(svg, (e) => hasClass(e, "boundary")).length, 0);
  assert.equal(findAll(svg, (e) => hasClass(e, "class-1") && hasClass(e, "region")).length, 1);
  assert.deepEqual(texts(svg, "legend"), ["class 0", "class 1"]);
});
