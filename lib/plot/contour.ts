/**
 * Marching squares: the lines where a function sampled on a grid crosses a
 * level, as connected polylines.
 *
 * Each grid cell whose corners lie on both sides of the level holds one or two
 * line segments, with end points placed on the cell's edges by linear
 * interpolation. Segments that share an edge are then chained, so each contour
 * comes out as one path: closed when it loops, open when it runs off the grid.
 *
 * @module
 */

/**
 * One contour: points in grid coordinates (x = column, y = row, fractional),
 * flat as `[x0, y0, x1, y1, …]`.
 *
 * Chapter: Part4-2 (decision boundary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ContourLine } from "./contour.ts";
 * const line: ContourLine = { points: [0, 0.5, 1, 0.5], closed: false };
 * assert.equal(line.points.length, 4);
 * ```
 */
export interface ContourLine {
  /** The points, flat. */
  readonly points: number[];
  /** Whether the last point joins the first. */
  readonly closed: boolean;
}

/**
 * The contours at `level` of `values`, a `rows` × `cols` grid in row-major
 * order. A point counts as inside when its value is at least `level`; saddle
 * cells are resolved by the value at their centre.
 *
 * Chapter: Part4-2 (decision boundary).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { contourLines } from "./contour.ts";
 * // A 3 × 3 grid with a single high point in the middle: one closed diamond.
 * const [ring] = contourLines([0, 0, 0, 0, 1, 0, 0, 0, 0], 3, 3, 0.5);
 * assert.ok(ring.closed && ring.points.length === 8);
 * ```
 */
export function contourLines(
  values: ArrayLike<number>,
  cols: number,
  rows: number,
  level: number,
): ContourLine[] {
  if (values.length !== cols * rows) {
    throw new RangeError(
      `contourLines: expected ${rows} × ${cols} = ${rows * cols} values, found ${values.length}`,
    );
  }
  // Edges are numbered: horizontal ones (between (r, c) and (r, c+1)) first,
  // then vertical ones (between (r, c) and (r+1, c)).
  const horizontal = rows * (cols - 1);
  const edgeCount = horizontal + (rows - 1) * cols;
  const h = (r: number, c: number) => r * (cols - 1) + c;
  const v = (r: number, c: number) => horizontal + r * cols + c;
  // Each edge is crossed by at most two segments, one from each cell beside it.
  const links = new Int32Array(edgeCount * 2).fill(-1);
  // The edges crossed, in the order first linked: a few hundred of a grid's 80,000, so
  // that the lines are sought among them, not among every edge (a script's one plot
  // runs this uncompiled: 2–4 ms a pass over all the edges).
  const crossedEdges: number[] = [];
  const link = (a: number, b: number) => {
    if (links[2 * a] < 0) crossedEdges.push(a);
    if (links[2 * b] < 0) crossedEdges.push(b);
    links[links[2 * a] < 0 ? 2 * a : 2 * a + 1] = b;
    links[links[2 * b] < 0 ? 2 * b : 2 * b + 1] = a;
  };
  for (let r = 0; r + 1 < rows; r++) {
    // Each cell's right corners are the next cell's left ones.
    let tr = values[r * cols] >= level, br = values[(r + 1) * cols] >= level;
    for (let c = 0; c + 1 < cols; c++) {
      const tl = tr, bl = br;
      tr = values[r * cols + c + 1] >= level;
      br = values[(r + 1) * cols + c + 1] >= level;
      // Most cells lie wholly on one side (a plot's grid is 40,000 cells, its boundary
      // crosses a few hundred): nothing to link, and no array made for them.
      if (tl === tr && tr === br && br === bl) continue;
      const top = h(r, c);
      const right = v(r, c + 1);
      const bottom = h(r + 1, c);
      const left = v(r, c);
      const crossed: number[] = [];
      if (tl !== tr) crossed.push(top);
      if (tr !== br) crossed.push(right);
      if (br !== bl) crossed.push(bottom);
      if (bl !== tl) crossed.push(left);
      if (crossed.length === 2) {
        link(crossed[0], crossed[1]);
      } else if (crossed.length === 4) {
        // A saddle: the two corners on the minority side of the centre are cut off.
        const centre = (values[r * cols + c] + values[r * cols + c + 1] +
              values[(r + 1) * cols + c] + values[(r + 1) * cols + c + 1]) / 4 >= level;
        if (tl === centre) {
          link(top, right);
          link(bottom, left);
        } else {
          link(left, top);
          link(right, bottom);
        }
      }
    }
  }
  const point = (edge: number): [number, number] => {
    let r0: number, c0: number, r1: number, c1: number;
    if (edge < horizontal) {
      r0 = r1 = Math.floor(edge / (cols - 1));
      c0 = edge % (cols - 1);
      c1 = c0 + 1;
    } else {
      r0 = Math.floor((edge - horizontal) / cols);
      r1 = r0 + 1;
      c0 = c1 = (edge - horizontal) % cols;
    }
    const a = values[r0 * cols + c0];
    const b = values[r1 * cols + c1];
    const t = (level - a) / (b - a);
    return [c0 + (c1 - c0) * t, r0 + (r1 - r0) * t];
  };
  const visited = new Uint8Array(edgeCount);
  const walk = (start: number): number[] => {
    const points: number[] = [];
    let previous = -1;
    let edge = start;
    while (edge >= 0 && !visited[edge]) {
      visited[edge] = 1;
      points.push(...point(edge));
      const next = links[2 * edge] !== previous ? links[2 * edge] : links[2 * edge + 1];
      previous = edge;
      edge = next;
    }
    return points;
  };
  const lines: ContourLine[] = [];
  // Lines are found from the lowest-numbered edge up. Open lines start and end on the
  // grid's border, at edges with one segment.
  crossedEdges.sort((a, b) => a - b);
  for (const e of crossedEdges) {
    if (!visited[e] && links[2 * e + 1] < 0) lines.push({ points: walk(e), closed: false });
  }
  for (const e of crossedEdges) {
    if (!visited[e]) lines.push({ points: walk(e), closed: true });
  }
  return lines;
}
