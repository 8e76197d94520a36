import assert from "node:assert/strict";
import { ShapeError } from "../../lib/errors.ts";
import { linePlot } from "../../lib/plot/line.ts";
import { assertGolden } from "./golden.ts";
import { axisMap, findAll, hasClass, parseXml, pathPoints, texts } from "./xml.ts";

const history = Array.from({ length: 50 }, (_, i) => 0.7 * Math.exp(-i / 12) + 0.05);

Deno.test("a line plot holds its lines, ticks, labels, title and legend", () => {
  const plot = linePlot(
    [{ y: history, label: "train" }, { y: history.map((v) => v + 0.05), label: "val <&>" }],
    { title: "Training loss", xLabel: "Epoch", yLabel: "Loss" },
  );
  const svg = parseXml(plot.svg);
  assert.equal(svg.name, "svg");
  assert.equal(findAll(svg, (e) => hasClass(e, "line")).length, 2);
  assert.deepEqual(texts(svg, "x-ticks"), ["0", "10", "20", "30", "40", "50"]);
  assert.deepEqual(texts(svg, "y-ticks"), ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8"]);
  assert.deepEqual(texts(svg, "title"), ["Training loss"]);
  assert.deepEqual(texts(svg, "x-label"), ["Epoch"]);
  assert.deepEqual(texts(svg, "y-label"), ["Loss"]);
  assert.deepEqual(texts(svg, "legend"), ["train", "val <&>"]);
});

Deno.test("the lines go through the data points, as the axes' ticks map them", () => {
  const y = [3, 1, 4, 1, 5, 9, 2, 6];
  const svg = parseXml(linePlot(y).svg);
  const [line] = findAll(svg, (e) => hasClass(e, "line"));
  const [{ points }] = pathPoints(line.attrs.d);
  const [px, py] = [axisMap(svg, "x"), axisMap(svg, "y")];
  assert.equal(points.length, y.length);
  points.forEach(([x, v], i) => {
    assert.ok(Math.abs(x - px(i)) <= 0.15, `x of point ${i}: ${x} vs ${px(i)}`);
    assert.ok(Math.abs(v - py(y[i])) <= 0.15, `y of point ${i}: ${v} vs ${py(y[i])}`);
  });
});

Deno.test("the same input gives byte-identical SVG, equal to the golden file", async () => {
  const make = () =>
    linePlot([
      { y: history, label: "train" },
      {
        x: history.map((_, i) => i * 2),
        y: history.map((v) => v * 1.3),
        label: "test",
        dashed: true,
      },
    ], { title: "Loss (log scale)", xLabel: "Epoch", yLabel: "Loss", yScale: "log" });
  assert.equal(make().svg, make().svg);
  await assertGolden("line.svg", make().svg);
});

Deno.test("NaN leaves a gap: the line splits into two pieces", () => {
  const svg = parseXml(linePlot([1, 2, 3, NaN, 2, 1]).svg);
  const [line] = findAll(svg, (e) => hasClass(e, "line"));
  assert.deepEqual(pathPoints(line.attrs.d).map((p) => p.points.length), [3, 2]);
});

Deno.test("tensors, typed arrays and columns are accepted alike", () => {
  const tensorLike = { shape: [4, 1], dataSync: () => new Float32Array([4, 3, 2, 1]) };
  const a = linePlot(tensorLike).svg;
  assert.equal(linePlot(new Float64Array([4, 3, 2, 1])).svg, a);
  assert.equal(linePlot([[4], [3], [2], [1]]).svg, a);
  assert.equal(
    linePlot({ y: [4, 3, 2, 1], x: { shape: [4], dataSync: () => [0, 1, 2, 3] } }).svg,
    a,
  );
});

Deno.test("a 100,000-point series stays under 200 KB and keeps every pixel column's extremes", () => {
  let seed = 1;
  const noise = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const y = Array.from({ length: 100_000 }, (_, i) => Math.exp(-i / 20000) + 0.05 * noise());
  const plot = linePlot({ y, label: "loss" }, { xLabel: "Step", yLabel: "Loss" });
  assert.ok(plot.svg.length < 200_000, `${plot.svg.length} bytes`);
  const svg = parseXml(plot.svg);
  const [px, py] = [axisMap(svg, "x"), axisMap(svg, "y")];
  const [line] = findAll(svg, (e) => hasClass(e, "line"));
  const drawn = new Map<number, [number, number]>();
  const full = new Map<number, [number, number]>();
  const extend = (map: Map<number, [number, number]>, x: number, v: number) => {
    const [lo, hi] = map.get(x) ?? [Infinity, -Infinity];
    map.set(x, [Math.min(lo, v), Math.max(hi, v)]);
  };
  let vertices = 0;
  for (const { points } of pathPoints(line.attrs.d)) {
    for (const [x, v] of points) extend(drawn, Math.floor(x), v);
    vertices += points.length;
  }
  assert.ok(vertices <= 4 * drawn.size, `${vertices} vertices for ${drawn.size} columns`);
  y.forEach((v, i) => extend(full, Math.floor(px(i)), py(v)));
  let checked = 0;
  for (const [column, [lo, hi]] of full) {
    // Every data point is covered by the drawn line's span in its pixel column
    // (or a neighbour: a point on a column border may round across it).
    const near = [column - 1, column, column + 1].map((c) => drawn.get(c))
      .filter((e) => e !== undefined);
    assert.ok(near.length > 0, `column ${column} is not drawn`);
    assert.ok(Math.min(...near.map(([l]) => l)) <= lo + 0.2, `column ${column}: top ${lo}`);
    assert.ok(Math.max(...near.map(([, h]) => h)) >= hi - 0.2, `column ${column}: bottom ${hi}`);
    checked++;
  }
  assert.ok(checked > 400, `only ${checked} columns`);
});

Deno.test("bad input gets a clear error, never a broken SVG", () => {
  assert.throws(() => linePlot([]), {
    name: "RangeError",
    message: /series 0: expected at least one value in y, found none/,
  });
  assert.throws(
    () => linePlot({ y: [1, 2, 3], x: [1, 2], label: "a" }),
    (e) =>
      e instanceof ShapeError &&
      /series "a": expected x to have as many values as y \(3\), found 2/.test(e.message),
  );
  assert.throws(() => linePlot([1, Infinity]), {
    name: "RangeError",
    message: /found Infinity at index 1/,
  });
  assert.throws(() => linePlot([1, 0], { yScale: "log" }), {
    name: "RangeError",
    message: /positive y values on a log axis, found 0/,
  });
  assert.throws(
    () => linePlot([[1, 2], [3, 4]]),
    (e) => e instanceof ShapeError && /one-dimensional series, found shape \[2,2\]/.test(e.message),
  );
  assert.throws(() => linePlot([NaN, NaN]), {
    name: "RangeError",
    message: /at least one finite value/,
  });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => linePlot("abc" as any), {
    name: "TypeError",
    message: /expected an array, typed array or tensor, found the string "abc"/,
  });
});
