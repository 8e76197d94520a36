import assert from "node:assert/strict";
import { activationChart } from "../../lib/plot/activation_chart.ts";
import { assertGolden } from "./golden.ts";
import { axisScale, type Element, findAll, hasClass, parseXml, pathPoints, texts } from "./xml.ts";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const FUNCTIONS: ((x: number) => number)[] = [
  sigmoid,
  Math.tanh,
  (x) => Math.max(0, x),
  (x) => (x > 0 ? x : 0.1 * x),
];
const DERIVATIVES: ((x: number) => number)[] = [
  (x) => sigmoid(x) * (1 - sigmoid(x)),
  (x) => 1 - Math.tanh(x) ** 2,
  (x) => (x > 0 ? 1 : 0),
  (x) => (x > 0 ? 1 : 0.1),
];

/** Checks that each line of `panel` passes through f(x) for its function, to a tenth of a pixel. */
function assertCurves(panel: Element, fs: ((x: number) => number)[]) {
  const [sx, sy] = [axisScale(panel, "x"), axisScale(panel, "y")];
  const lines = findAll(panel, (e) => hasClass(e, "line"));
  assert.equal(lines.length, 4);
  lines.forEach((line, i) => {
    const [{ points }] = pathPoints(line.attrs.d);
    assert.equal(points.length, 401);
    points.forEach(([px, py], k) => {
      // The points are at x = -4, -3.98, …, 4 (401 of them), in order.
      const x = -4 + k * 0.02;
      assert.ok(Math.abs(px - sx.toPixel(x)) <= 0.15, `line ${i}: x of point ${k}`);
      // At the kink the derivatives of ReLU jump; autograd may take either side.
      if (k === 200) return;
      assert.ok(Math.abs(py - sy.toPixel(fs[i](x))) <= 0.15, `line ${i} at x = ${x}`);
    });
  });
}

Deno.test("the chart draws sigmoid, tanh, ReLU and leaky ReLU through their true values", () => {
  const svg = parseXml(activationChart().svg);
  const panels = findAll(svg, (e) => hasClass(e, "axes"));
  assert.equal(panels.length, 1);
  assertCurves(panels[0], FUNCTIONS);
  assert.deepEqual(texts(svg, "legend"), ["sigmoid", "tanh", "ReLU", "leaky ReLU (α = 0.1)"]);
  assert.deepEqual(texts(svg, "title"), ["Activation functions"]);
  assert.deepEqual(texts(svg, "x-ticks"), ["−4", "−3", "−2", "−1", "0", "1", "2", "3", "4"]);
});

Deno.test("with derivatives, a second panel holds what autograd computed", () => {
  const svg = parseXml(activationChart({ derivatives: true }).svg);
  const panels = findAll(svg, (e) => hasClass(e, "axes"));
  assert.equal(panels.length, 2);
  assertCurves(panels[0], FUNCTIONS);
  assertCurves(panels[1], DERIVATIVES);
  assert.deepEqual(texts(panels[1], "title"), ["Derivatives"]);
});

Deno.test("the range and leaky slope can be chosen; the chart matches its golden file", async () => {
  const plot = activationChart({ range: [-6, 6], leakySlope: 0.2, title: "σ, tanh, ReLU" });
  const svg = parseXml(plot.svg);
  assert.equal(texts(svg, "legend")[3], "leaky ReLU (α = 0.2)");
  assert.deepEqual(texts(svg, "x-ticks"), ["−6", "−4", "−2", "0", "2", "4", "6"]);
  await assertGolden("activation_chart.svg", activationChart({ derivatives: true }).svg);
});

Deno.test("an empty range is an error", () => {
  assert.throws(() => activationChart({ range: [1, 1] }), {
    name: "RangeError",
    message: /range to be \[low, high\] with low < high, found \[1, 1\]/,
  });
  assert.throws(() => activationChart({ range: [0, Infinity] }), { name: "RangeError" });
});
