/**
 * Scatter plots of two-dimensional points by class, with the book's look:
 * class 1 ("accepted") as blue circles and class 0 ("not accepted") as red
 * crosses, matplotlib's `'bo'` and `'rx'`; further classes get further shapes
 * and colours.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { PALETTE } from "./color.ts";
import { type ArrayInput, toDense } from "./input.ts";
import { legend, type LegendEntry } from "./legend.ts";
import { markerPath, MARKERS } from "./markers.ts";
import { Plot } from "./plot.ts";
import { Axes, paddedRange, svgDocument } from "./svg.ts";

/**
 * Options of {@linkcode scatter}.
 *
 * Chapter: Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ScatterOptions } from "./scatter.ts";
 * const options: ScatterOptions = { classNames: ["Not accepted", "Accepted"] };
 * assert.equal(options.classNames?.[1], "Accepted");
 * ```
 */
export interface ScatterOptions {
  /** The title above the plot. */
  readonly title?: string;
  /** The x axis label (the first column of `X`). */
  readonly xLabel?: string;
  /** The y axis label (the second column of `X`). */
  readonly yLabel?: string;
  /** The legend name of each class, by class number; `class 0`, `class 1`, … when left out. */
  readonly classNames?: readonly string[];
  /** Width in pixels; 640 by default. */
  readonly width?: number;
  /** Height in pixels; 480 by default. */
  readonly height?: number;
}

/**
 * Points checked and split into coordinates and class numbers.
 *
 * Chapter: Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ClassPoints, classPoints } from "./scatter.ts";
 * const p: ClassPoints = classPoints([[0, 1], [2, 3]], [1, 0], "demo");
 * assert.ok(p.xs[1] === 2 && p.classes[0] === 1);
 * ```
 */
export interface ClassPoints {
  /** First coordinates. */
  readonly xs: Float64Array;
  /** Second coordinates. */
  readonly ys: Float64Array;
  /** The class number of each point (0 for all when there were no labels). */
  readonly classes: Int32Array;
}

// Class 0 red and class 1 blue, as the book draws "not accepted" and "accepted".
const CLASS_COLORS = [PALETTE[1], PALETTE[0], ...PALETTE.slice(2)];

/**
 * Plots the rows of `X` (shape [n, 2]) as points, grouped by the class numbers
 * `y` (n values 0, 1, 2, …; a column [n, 1] works too) when given.
 *
 * Chapter: Part4-2 (the microchip data).
 *
 * @throws {ShapeError} when `X` is not [n, 2] or `y` does not have n values.
 * @throws {RangeError} when a coordinate is not finite or a label is not a class number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scatter } from "./scatter.ts";
 * const plot = scatter([[0.1, 0.7], [-0.2, 0.6], [0.9, -0.4]], [1, 1, 0], {
 *   classNames: ["Not accepted", "Accepted"],
 * });
 * assert.ok(plot.svg.includes(">Accepted</text>"));
 * ```
 */
export function scatter(X: ArrayInput, y?: ArrayInput, options: ScatterOptions = {}): Plot {
  const { width = 640, height = 480 } = options;
  const points = classPoints(X, y, "scatter");
  const axes = new Axes(
    { x: 0, y: 0, width, height },
    { ...range(points.xs, "scatter: X[:, 0]"), label: options.xLabel },
    { ...range(points.ys, "scatter: X[:, 1]"), label: options.yLabel },
    options.title,
  );
  const { parts, entries, avoid } = drawClasses(axes, points, options.classNames, y !== undefined);
  parts.push(legend(axes, entries, avoid));
  return new Plot(svgDocument(width, height, [axes.render(parts)]), "scatter");
}

/**
 * Checks `X` ([n, 2]) and `y` (n class numbers, optional) for the function
 * named `what`, and splits them into columns.
 *
 * Chapter: Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classPoints } from "./scatter.ts";
 * let message = "";
 * try {
 *   classPoints([[0, 1, 2]], undefined, "scatter");
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * assert.ok(message.includes("[n, 2]"));
 * ```
 */
export function classPoints(X: ArrayInput, y: ArrayInput | undefined, what: string): ClassPoints {
  const { shape, data } = toDense(X, `${what}: X`);
  if (shape.length !== 2 || shape[1] !== 2) {
    throw new ShapeError(`${what}: expected X of shape [n, 2], found [${shape}]`);
  }
  const n = shape[0];
  if (n === 0) throw new RangeError(`${what}: expected at least one point in X, found none`);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = data[2 * i];
    ys[i] = data[2 * i + 1];
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      throw new RangeError(
        `${what}: expected finite coordinates in X, found [${xs[i]}, ${ys[i]}] in row ${i}`,
      );
    }
  }
  const classes = new Int32Array(n);
  if (y !== undefined) {
    const labels = toDense(y, `${what}: y`);
    if (labels.data.length !== n || labels.shape.filter((d) => d !== 1).length > 1) {
      throw new ShapeError(
        `${what}: expected y to hold one label per row of X (${n}), found shape [${labels.shape}]`,
      );
    }
    for (let i = 0; i < n; i++) {
      const label = labels.data[i];
      if (!Number.isInteger(label) || label < 0) {
        throw new RangeError(
          `${what}: expected y to hold class numbers 0, 1, 2, …, found ${label} at index ${i}`,
        );
      }
      classes[i] = label;
    }
  }
  return { xs, ys, classes };
}

/**
 * The points of each class as one marker path, with legend entries and the
 * pixel positions the legend should not cover; `labelled` is false when the
 * points came without classes (no legend then).
 *
 * Chapter: Part4-2 (the microchip data).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classPoints, drawClasses } from "./scatter.ts";
 * import { Axes } from "./svg.ts";
 * const axes = new Axes({ x: 0, y: 0, width: 640, height: 480 }, { min: 0, max: 1 }, { min: 0, max: 1 });
 * const { parts, entries } = drawClasses(axes, classPoints([[0.5, 0.5]], [1], "demo"), ["no", "yes"], true);
 * assert.ok(parts.length === 1 && entries[0].label === "yes" && entries[0].marker === "o");
 * ```
 */
export function drawClasses(
  axes: Axes,
  points: ClassPoints,
  classNames: readonly string[] | undefined,
  labelled: boolean,
): { parts: string[]; entries: LegendEntry[]; avoid: number[] } {
  const { xs, ys, classes } = points;
  const present = [...new Set(classes)].sort((a, b) => a - b);
  const parts: string[] = [];
  const entries: LegendEntry[] = [];
  const avoid: number[] = [];
  for (const k of present) {
    // Without labels every point is one group: blue circles.
    const style = labelled ? k : 1;
    const marker = MARKERS[style % MARKERS.length];
    const color = CLASS_COLORS[style % CLASS_COLORS.length];
    const pixels: number[] = [];
    for (let i = 0; i < classes.length; i++) {
      if (classes[i] === k) pixels.push(axes.x(xs[i]), axes.y(ys[i]));
    }
    avoid.push(...pixels);
    parts.push(markerPath(marker, color, pixels, 8, `markers class-${k}`));
    if (labelled) entries.push({ label: classNames?.[k] ?? `class ${k}`, color, marker });
  }
  return { parts, entries, avoid };
}

function range(values: Float64Array, what: string): { min: number; max: number } {
  const [min, max] = paddedRange(values, false, what);
  return { min, max };
}
