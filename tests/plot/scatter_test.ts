import assert from "node:assert/strict";
import { ShapeError } from "../../lib/errors.ts";
import { scatter } from "../../lib/plot/scatter.ts";
import { assertGolden } from "./golden.ts";
import { axisMap, findAll, hasClass, parseXml, texts } from "./xml.ts";

const X = [[0.05, 0.7], [-0.09, 0.68], [-0.21, 0.69], [0.6, -0.2], [0.9, 0.4], [-0.8, -0.6]];
const y = [1, 1, 1, 0, 0, 0];

Deno.test("scatter draws class 1 as blue circles and class 0 as red crosses, as the book", () => {
  const svg = parseXml(scatter(X, y, { classNames: ["Not accepted", "Accepted"] }).svg);
  const [crosses] = findAll(svg, (e) => hasClass(e, "class-0"));
  const [circles] = findAll(svg, (e) => hasClass(e, "class-1"));
  assert.equal(crosses.attrs.stroke, "#D55E00");
  assert.equal(crosses.attrs.fill, "none");
  assert.equal(circles.attrs.fill, "#0072B2");
  // One subpath per point: circles start with M and draw two arcs; crosses two strokes.
  assert.equal(circles.attrs.d.match(/M/g)?.length, 3);
  assert.equal(crosses.attrs.d.match(/M/g)?.length, 3);
  assert.deepEqual(texts(svg, "legend"), ["Not accepted", "Accepted"]);
});

Deno.test("each marker sits at its point, as the axes' ticks map it", () => {
  const svg = parseXml(scatter(X, y).svg);
  const [px, py] = [axisMap(svg, "x"), axisMap(svg, "y")];
  const [circles] = findAll(svg, (e) => hasClass(e, "class-1"));
  // A circle's path starts at its leftmost point, (x - r, y) with r = 4.
  const starts = [...circles.attrs.d.matchAll(/M([-\d.]+) ([-\d.]+)/g)].map((m) => [+m[1], +m[2]]);
  starts.forEach(([sx, sy], i) => {
    assert.ok(Math.abs(sx + 4 - px(X[i][0])) <= 0.15, `x of point ${i}`);
    assert.ok(Math.abs(sy - py(X[i][1])) <= 0.15, `y of point ${i}`);
  });
});

Deno.test("without labels every point is one group and there is no legend", () => {
  const svg = parseXml(scatter(X).svg);
  assert.equal(findAll(svg, (e) => hasClass(e, "markers")).length, 1);
  assert.equal(findAll(svg, (e) => hasClass(e, "legend")).length, 0);
});

Deno.test("a scatter is byte-identical to its golden file", async () => {
  const plot = scatter(
    [...X, [0.1, 0.1], [0.3, -0.5]],
    [...y, 2, 3],
    { title: "Four classes", xLabel: "x₁", yLabel: "x₂" },
  );
  parseXml(plot.svg);
  await assertGolden("scatter.svg", plot.svg);
});

Deno.test("scatter rejects points that are not [n, 2] and labels that are not classes", () => {
  assert.throws(
    () => scatter([[1, 2, 3]]),
    (e) => e instanceof ShapeError && /expected X of shape \[n, 2\], found \[1,3\]/.test(e.message),
  );
  assert.throws(
    () => scatter(X, [1, 0]),
    (e) =>
      e instanceof ShapeError && /one label per row of X \(6\), found shape \[2\]/.test(e.message),
  );
  assert.throws(() => scatter(X, [1, 0, 1, 0, 0.5, 1]), {
    name: "RangeError",
    message: /class numbers 0, 1, 2, …, found 0.5 at index 4/,
  });
  assert.throws(() => scatter([[0, NaN]]), {
    name: "RangeError",
    message: /finite coordinates in X, found \[0, NaN\] in row 0/,
  });
  assert.throws(() => scatter([]), { name: "ShapeError" });
});
