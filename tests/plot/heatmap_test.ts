import assert from "node:assert/strict";
import { ShapeError } from "../../lib/errors.ts";
import { colormap } from "../../lib/plot/color.ts";
import { heatmap } from "../../lib/plot/heatmap.ts";
import { assertGolden } from "./golden.ts";
import { findAll, hasClass, parseXml, texts } from "./xml.ts";

const confusion = [[50, 2, 0], [3, 45, 7], [0, 6, 40]];

Deno.test("a heat map colours each cell by value and writes the value in it", () => {
  const svg = parseXml(heatmap(confusion, { xLabel: "Predicted", yLabel: "True" }).svg);
  const [cells] = findAll(svg, (e) => hasClass(e, "cells"));
  const rects = findAll(cells, (e) => e.name === "rect");
  assert.equal(rects.length, 9);
  assert.equal(rects[0].attrs.fill, colormap("viridis", 1)); // 50 is the highest
  assert.equal(rects[2].attrs.fill, colormap("viridis", 0)); // 0 the lowest
  assert.equal(rects[1].attrs.fill, colormap("viridis", 2 / 50));
  // Row 0 is at the top, column 0 at the left; cells are square.
  assert.ok(Number(rects[0].attrs.y) < Number(rects[3].attrs.y));
  assert.ok(Number(rects[0].attrs.x) < Number(rects[1].attrs.x));
  assert.equal(rects[0].attrs.width, rects[0].attrs.height);
  assert.deepEqual(texts(svg, "values"), ["50", "2", "0", "3", "45", "7", "0", "6", "40"]);
  // Dark cells get white text, light cells black.
  const values = findAll(findAll(svg, (e) => hasClass(e, "values"))[0], (e) => e.name === "text");
  assert.equal(values[2].attrs.fill, "#fff");
  assert.equal(values[0].attrs.fill, undefined);
  assert.deepEqual(texts(svg, "x-ticks"), ["0", "1", "2"]);
  assert.deepEqual(texts(svg, "y-ticks"), ["2", "1", "0"]); // listed bottom to top
  assert.deepEqual(texts(svg, "x-label"), ["Predicted"]);
});

Deno.test("the colour bar spans the values with nice ticks", () => {
  const svg = parseXml(heatmap(confusion).svg);
  assert.deepEqual(texts(svg, "colorbar"), ["0", "20", "40"]);
  const stops = findAll(svg, (e) => e.name === "stop");
  assert.equal(stops.length, 9);
});

Deno.test("labels, fractions, NaN cells and the blues map", () => {
  const m = [[0.5, NaN], [0.125, 1]];
  const svg = parseXml(
    heatmap(m, { rowLabels: ["cat", "dog"], colLabels: ["cat", "dog"], colormap: "blues" }).svg,
  );
  assert.equal(
    findAll(svg, (e) => e.name === "rect" && !!e.attrs.fill?.startsWith("#")).length,
    1 + 3,
  );
  assert.deepEqual(texts(svg, "values"), ["0.50", "0.13", "1.00"]);
  assert.deepEqual(texts(svg, "y-ticks"), ["dog", "cat"]);
});

Deno.test("a heat map matches its golden file", async () => {
  const names = ["T-shirt/top", "Trouser", "Pullover", "Dress"];
  const m = [[90, 1, 5, 4], [0, 98, 0, 2], [8, 0, 80, 12], [3, 2, 10, 85]];
  const plot = heatmap(m, {
    title: "Confusion matrix",
    xLabel: "Predicted",
    yLabel: "True",
    rowLabels: names,
    colLabels: names,
  });
  parseXml(plot.svg);
  await assertGolden("heatmap.svg", plot.svg);
});

Deno.test("heatmap rejects what is not a matrix", () => {
  assert.throws(
    () => heatmap([1, 2, 3]),
    (e) => e instanceof ShapeError && /shape \[rows, cols\], found \[3\]/.test(e.message),
  );
  assert.throws(() => heatmap([[1, Infinity]]), {
    name: "RangeError",
    message: /found Infinity at row 0, column 1/,
  });
  assert.throws(
    () => heatmap([[1, 2]], { rowLabels: ["a", "b"] }),
    (e) => e instanceof ShapeError && /expected 1 rowLabels, one per row, found 2/.test(e.message),
  );
  assert.throws(() => heatmap([[1, 2], [3]]), { name: "ShapeError" });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => heatmap([[1]], { colormap: "jet" as any }), {
    name: "RangeError",
    message: /one of viridis, blues, found "jet"/,
  });
});
