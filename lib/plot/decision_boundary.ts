/**
 * The decision boundary of a binary classifier over two-dimensional data: where
 * the model's output crosses 0.5, drawn over the data, with the two sides
 * lightly shaded.
 *
 * The book evaluates the model once per grid point in a double loop; here the
 * grid goes through the model in batched forward passes of up to 4,096 points
 * (few calls, and a bounded activation however wide the hidden layer), and the
 * boundary is traced with marching squares into smooth connected paths.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { type Tensor, tensor } from "../tensor/mod.ts";
import { PALETTE } from "./color.ts";
import { contourLines } from "./contour.ts";
import { type ArrayInput, toDense } from "./input.ts";
import { legend } from "./legend.ts";
import { Plot } from "./plot.ts";
import { classPoints, drawClasses, type ScatterOptions } from "./scatter.ts";
import { Axes, num, paddedRange, svgDocument } from "./svg.ts";

/** How many grid points go through `predict` at once. */
const GRID_CHUNK = 4096;

/**
 * A model as `decisionBoundary` calls it: a batch of points, shape [n, 2], in;
 * probabilities of class 1, shape [n, 1] or [n], out (a tensor, an array, or a
 * promise of either).
 *
 * Chapter: Part4-2 (decision boundary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { PredictFunction } from "./decision_boundary.ts";
 * const predict: PredictFunction = (x) => x.matmul(x.T).sigmoid();
 * assert.equal(typeof predict, "function");
 * ```
 */
export type PredictFunction = (points: Tensor) => ArrayInput | Promise<ArrayInput>;

/**
 * Options of {@linkcode decisionBoundary}: those of a scatter plot and the grid's.
 *
 * Chapter: Part4-2 (decision boundary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DecisionBoundaryOptions } from "./decision_boundary.ts";
 * const options: DecisionBoundaryOptions = { resolution: 100, xRange: [-1, 1.5] };
 * assert.equal(options.resolution, 100);
 * ```
 */
export interface DecisionBoundaryOptions extends ScatterOptions {
  /** Grid points along each axis; 200 by default (one forward pass of 40,000 rows). */
  readonly resolution?: number;
  /** The x range of the grid; the data's range plus 5 % on each side by default. */
  readonly xRange?: readonly [number, number];
  /** The y range of the grid; the data's range plus 5 % on each side by default. */
  readonly yRange?: readonly [number, number];
  /** The output value that separates the classes; 0.5 by default. */
  readonly threshold?: number;
  /** The dtype of the grid tensor given to `predict`; `"float64"` by default. */
  readonly dtype?: "float32" | "float64";
}

/**
 * Plots the points `X` ([n, 2]) with their classes `y` (0 or 1), and the curve
 * where `predict` crosses the threshold, evaluated on a grid in one call. Works
 * with any model that maps an [n, 2] tensor to [n, 1] probabilities, such as
 * `(x) => model.forward(x)`.
 *
 * Chapter: Part4-2 (decision boundary).
 *
 * @throws {ShapeError} when `predict` returns anything but one value per grid point.
 * @throws {RangeError} when `predict` returns NaN, or the options are out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decisionBoundary } from "./decision_boundary.ts";
 * const X = [[0.2, 0.1], [-0.3, 0.2], [0.9, 0.8], [-0.8, -0.9]];
 * const y = [1, 1, 0, 0];
 * // Inside the circle x1² + x2² < 0.5 is class 1.
 * const plot = await decisionBoundary((p) => p.mul(p).sum(1).neg().add(0.5).mul(20).sigmoid(), X, y);
 * assert.ok(plot.svg.includes('class="boundary"'));
 * ```
 */
export async function decisionBoundary(
  predict: PredictFunction,
  X: ArrayInput,
  y: ArrayInput,
  options: DecisionBoundaryOptions = {},
): Promise<Plot> {
  const { width = 640, height = 480, resolution = 200, threshold = 0.5 } = options;
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 2000) {
    throw new RangeError(
      `decisionBoundary: expected resolution to be a whole number from 2 to 2000, found ${resolution}`,
    );
  }
  const points = classPoints(X, y, "decisionBoundary");
  const dataX = paddedRange(points.xs, false, "decisionBoundary: X[:, 0]");
  const dataY = paddedRange(points.ys, false, "decisionBoundary: X[:, 1]");
  const xRange = options.xRange ?? dataX;
  const yRange = options.yRange ?? dataY;
  for (const [name, [lo, hi]] of [["xRange", xRange], ["yRange", yRange]] as const) {
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new RangeError(
        `decisionBoundary: expected ${name} to be [low, high] with low < high, found [${lo}, ${hi}]`,
      );
    }
  }
  // Row r of the grid holds y = yRange[0] + r·dy; within it x runs along the columns.
  const n = resolution * resolution;
  const step = (range: readonly [number, number], i: number) =>
    range[0] + (range[1] - range[0]) * i / (resolution - 1);
  const grid = new Float64Array(2 * n);
  // Each coordinate computed once, not once a point (a script's first plot runs this
  // loop uncompiled: 4–6 ms for 40,000 points, calling `step` for each).
  const xs = Float64Array.from({ length: resolution }, (_, c) => step(xRange, c));
  for (let r = 0; r < resolution; r++) {
    const rowY = step(yRange, r);
    for (let c = 0, at = 2 * r * resolution; c < resolution; c++, at += 2) {
      grid[at] = xs[c];
      grid[at + 1] = rowY;
    }
  }
  // The grid goes through `predict` a few thousand points at a time: a wide
  // hidden layer (2,000 units) would otherwise hold a [40000, 2000] activation.
  const data = new Float64Array(n);
  for (let start = 0; start < n; start += GRID_CHUNK) {
    const count = Math.min(GRID_CHUNK, n - start);
    const input = tensor(grid.subarray(2 * start, 2 * (start + count)), {
      shape: [count, 2],
      dtype: options.dtype ?? "float64",
    });
    const output = await predict(input);
    const dense = toDense(output, "decisionBoundary: predict's output");
    const { shape } = dense;
    if (!(shape[0] === count && (shape.length === 1 || (shape.length === 2 && shape[1] === 1)))) {
      const of = count === n ? `a grid of ${n} points` : `${count} of the grid's ${n} points`;
      throw new ShapeError(
        `decisionBoundary: expected predict to return shape [${count}, 1] or [${count}] for ${of}, found [${shape}]`,
      );
    }
    for (let i = 0; i < count; i++) {
      const value = dense.data[i];
      if (Number.isNaN(value)) {
        const k = start + i;
        throw new RangeError(
          `decisionBoundary: expected predict to return numbers, found NaN at grid point (${
            grid[2 * k]
          }, ${grid[2 * k + 1]})`,
        );
      }
      data[start + i] = value;
    }
  }

  const axes = new Axes(
    { x: 0, y: 0, width, height },
    // The grid and every point are in view, even when a range leaves points out.
    {
      min: Math.min(xRange[0], dataX[0]),
      max: Math.max(xRange[1], dataX[1]),
      label: options.xLabel,
    },
    {
      min: Math.min(yRange[0], dataY[0]),
      max: Math.max(yRange[1], dataY[1]),
      label: options.yLabel,
    },
    options.title,
  );
  const toPixels = (line: { points: number[] }, offset: number) => {
    const d: string[] = [];
    for (let k = 0; k < line.points.length; k += 2) {
      const px = axes.x(step(xRange, line.points[k] - offset));
      const py = axes.y(step(yRange, line.points[k + 1] - offset));
      d.push(`${num(px)} ${num(py)}`);
    }
    return "M" + d.join(" ");
  };

  // The shaded side of class 1: pad the grid with a ring of "outside" values so
  // that every contour closes along the grid's border, then fill even-odd.
  const padded = new Float64Array((resolution + 2) ** 2).fill(-Number.MAX_VALUE);
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      padded[(r + 1) * (resolution + 2) + c + 1] = data[r * resolution + c];
    }
  }
  const regions = contourLines(padded, resolution + 2, resolution + 2, threshold);
  const boundary = contourLines(data, resolution, resolution, threshold);
  // Class 0's side is the grid's rectangle with class 1's regions cut out (even-odd),
  // so the two tints never overlap.
  const [x0, x1] = [axes.x(xRange[0]), axes.x(xRange[1])];
  const [y0, y1] = [axes.y(yRange[1]), axes.y(yRange[0])];
  const rectangle = `M${num(x0)} ${num(y0)}H${num(x1)}V${num(y1)}H${num(x0)}Z`;
  const ones = regions.map((l) => toPixels(l, 1) + "Z").join("");
  const parts = [
    `<path class="region class-0" d="${rectangle}${ones}" fill="${
      PALETTE[1]
    }" fill-opacity="0.12"` +
    ` fill-rule="evenodd"/>`,
  ];
  if (ones) {
    parts.push(
      `<path class="region class-1" d="${ones}" fill="${PALETTE[0]}" fill-opacity="0.15"` +
        ` fill-rule="evenodd"/>`,
    );
  }
  if (boundary.length) {
    parts.push(
      `<path class="boundary" d="${
        boundary.map((l) => toPixels(l, 0) + (l.closed ? "Z" : "")).join("")
      }" fill="none" stroke="#000" stroke-width="1.5" stroke-linejoin="round"/>`,
    );
  }
  const scattered = drawClasses(axes, points, options.classNames, true);
  parts.push(...scattered.parts);
  // A model that puts the whole grid in one class has no boundary to name.
  const line = boundary.length ? [{ label: "Decision boundary", color: "#000" }] : [];
  parts.push(legend(axes, [...scattered.entries, ...line], scattered.avoid));
  return new Plot(svgDocument(width, height, [axes.render(parts)]), "decisionBoundary");
}
