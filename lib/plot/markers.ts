/**
 * Marker shapes for scatter plots and legends, in matplotlib's notation: `o`
 * circle, `x` cross, `s` square, `^` triangle, `D` diamond, `+` plus.
 *
 * All the points of one group become a single `<path>`, which keeps a scatter
 * of thousands of points small.
 *
 * @module
 */

import { num } from "./svg.ts";

/**
 * A marker shape in matplotlib's notation.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Marker } from "./markers.ts";
 * const accepted: Marker = "o";
 * assert.equal(accepted, "o");
 * ```
 */
export type Marker = "o" | "x" | "s" | "^" | "D" | "+";

/** The markers in the order classes get them: class 0 a cross, class 1 a circle, as in the book. */
export const MARKERS: readonly Marker[] = ["x", "o", "s", "^", "D", "+"];

/**
 * One `<path>` drawing `marker` in `color` at each pixel position of `points`
 * (flat `[x0, y0, x1, y1, …]`), `size` pixels across.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markerPath } from "./markers.ts";
 * const path = markerPath("x", "#D55E00", [10, 10, 20, 20], 8);
 * assert.ok(path.startsWith("<path") && path.includes('stroke="#D55E00"'));
 * ```
 */
export function markerPath(
  marker: Marker,
  color: string,
  points: ArrayLike<number>,
  size: number,
  className: string = "markers",
): string {
  const r = size / 2;
  const shape = SHAPES[marker];
  if (!shape) {
    throw new RangeError(
      `marker: expected one of ${Object.keys(SHAPES).join(" ")}, found ${JSON.stringify(marker)}`,
    );
  }
  const d: string[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) d.push(shape.at(points[i], points[i + 1], r));
  const paint = shape.stroke
    ? `fill="none" stroke="${color}" stroke-width="1.5"`
    : `fill="${color}"`;
  return `<path class="${className}" d="${d.join("")}" ${paint}/>`;
}

interface Shape {
  /** Drawn as lines (a cross) rather than filled. */
  readonly stroke: boolean;
  /** Path data for one marker centred at (x, y) with half-size r. */
  at(x: number, y: number, r: number): string;
}

const SHAPES: Record<Marker, Shape> = {
  o: {
    stroke: false,
    at: (x, y, r) =>
      `M${num(x - r)} ${num(y)}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`,
  },
  x: {
    stroke: true,
    at: (x, y, r) =>
      `M${num(x - r)} ${num(y - r)}l${2 * r} ${2 * r}m0 ${-2 * r}l${-2 * r} ${2 * r}`,
  },
  s: {
    stroke: false,
    at: (x, y, r) => {
      const h = r * 0.85;
      return `M${num(x - h)} ${num(y - h)}h${num(2 * h)}v${num(2 * h)}h${num(-2 * h)}z`;
    },
  },
  "^": {
    stroke: false,
    // A little larger than r: a triangle of the same size looks smaller than a circle.
    at: (x, y, r) => {
      const s = r * 1.25;
      return `M${num(x)} ${num(y - s)}l${num(s * 0.87)} ${num(s * 1.5)}h${num(-s * 1.74)}z`;
    },
  },
  D: {
    stroke: false,
    at: (x, y, r) => `M${num(x)} ${num(y - r)}l${r} ${r}l${-r} ${r}l${-r} ${-r}z`,
  },
  "+": {
    stroke: true,
    at: (x, y, r) => `M${num(x - r)} ${num(y)}h${2 * r}m${-r} ${-r}v${2 * r}`,
  },
};
