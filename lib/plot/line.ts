/**
 * Line plots, such as a training loss curve: one or more series, a linear or
 * log y axis, and gaps where a value is NaN.
 *
 * A long series is thinned before it is written: within each pixel column only
 * the first, lowest, highest and last points are kept (the "M4" reduction), so
 * the drawn line covers exactly the same pixels while a 100,000-point history
 * needs only a few thousand.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { PALETTE } from "./color.ts";
import { type ArrayInput, isTensorLike, toDense } from "./input.ts";
import { legend, type LegendEntry } from "./legend.ts";
import { Plot } from "./plot.ts";
import { Axes, num, paddedRange, svgDocument } from "./svg.ts";

/**
 * One series of a line plot.
 *
 * Chapter: Part4-2, Part4-3 (loss curves).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LineSeries } from "./line.ts";
 * const train: LineSeries = { y: [0.69, 0.5, 0.4], label: "train" };
 * assert.equal(train.label, "train");
 * ```
 */
export interface LineSeries {
  /** The values, one per point. */
  readonly y: ArrayInput;
  /** The x positions; 0, 1, 2, … when left out. */
  readonly x?: ArrayInput;
  /** The name shown in the legend; unlabelled series have no legend entry. */
  readonly label?: string;
  /** A CSS colour; the next colour of the cycle when left out. */
  readonly color?: string;
  /** Draw the line dashed. */
  readonly dashed?: boolean;
}

/**
 * Options of {@linkcode linePlot}.
 *
 * Chapter: Part4-2, Part4-3 (loss curves).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LinePlotOptions } from "./line.ts";
 * const options: LinePlotOptions = { title: "Training loss", yScale: "log" };
 * assert.equal(options.yScale, "log");
 * ```
 */
export interface LinePlotOptions {
  /** The title above the plot. */
  readonly title?: string;
  /** The x axis label, for example `"Epoch"`. */
  readonly xLabel?: string;
  /** The y axis label, for example `"Loss"`. */
  readonly yLabel?: string;
  /** `"linear"` (default) or `"log"`; a log axis needs positive values. */
  readonly yScale?: "linear" | "log";
  /** Width in pixels; 640 by default. */
  readonly width?: number;
  /** Height in pixels; 480 by default. */
  readonly height?: number;
}

/**
 * Draws one or more series as lines: pass the values alone, one series, or a
 * list of series. NaN values leave a gap.
 *
 * Chapter: Part4-2, Part4-3 (loss curves).
 *
 * @throws {RangeError} for an empty series, an infinite value, or a value that is not positive on a log axis.
 * @throws {ShapeError} when `x` and `y` differ in length or `y` is not one-dimensional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlot } from "./line.ts";
 * const losses = Array.from({ length: 100 }, (_, i) => Math.exp(-i / 20));
 * const plot = linePlot({ y: losses, label: "train" }, { title: "Loss", xLabel: "Epoch" });
 * assert.ok(plot.svg.includes(">Loss</text>") && plot.svg.includes(">train</text>"));
 * ```
 */
export function linePlot(
  series: ArrayInput | LineSeries | readonly LineSeries[],
  options: LinePlotOptions = {},
): Plot {
  const { width = 640, height = 480, yScale = "linear" } = options;
  const log = yScale === "log";
  const all = asSeries(series).map((s, i) => checked(s, i, log));
  const xRange = paddedRange(all.flatMap((s) => [...minMax(s.x)]), false, "linePlot: x");
  const yRange = paddedRange(all.flatMap((s) => [...minMax(s.y)]), log, "linePlot: y");
  const axes = new Axes(
    { x: 0, y: 0, width, height },
    { min: xRange[0], max: xRange[1], label: options.xLabel },
    { min: yRange[0], max: yRange[1], label: options.yLabel, scale: yScale },
    options.title,
  );
  const lines: string[] = [];
  const avoid: number[] = [];
  const entries: LegendEntry[] = [];
  all.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const runs = pixelRuns(axes, s.x, s.y);
    for (const run of runs) for (let k = 0; k < run.length; k += 8) avoid.push(run[k], run[k + 1]);
    const dash = s.dashed ? ` stroke-dasharray="7.4 3.2"` : "";
    lines.push(
      `<path class="line" d="${runs.map(pathData).join("")}" fill="none" stroke="${color}"` +
        ` stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${dash}/>`,
    );
    if (s.label) entries.push({ label: s.label, color, dashed: s.dashed });
  });
  lines.push(legend(axes, entries, avoid));
  return new Plot(svgDocument(width, height, [axes.render(lines)]), "linePlot");
}

interface Checked {
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly label?: string;
  readonly color?: string;
  readonly dashed?: boolean;
}

/** The input as a list of series, whichever of the three forms it came in. */
function asSeries(input: ArrayInput | LineSeries | readonly LineSeries[]): readonly LineSeries[] {
  const isSeries = (v: unknown): v is LineSeries =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) &&
    !isTensorLike(v) && "y" in v;
  if (isSeries(input)) return [input];
  if (Array.isArray(input) && input.length > 0 && isSeries(input[0])) {
    return input as readonly LineSeries[];
  }
  return [{ y: input as ArrayInput }];
}

/** The series as plain numbers, after every check that can fail. */
function checked(s: LineSeries, index: number, log: boolean): Checked {
  const name = s.label ? `series ${JSON.stringify(s.label)}` : `series ${index}`;
  const y = vector(s.y, `linePlot: ${name}: y`);
  if (y.length === 0) {
    throw new RangeError(`linePlot: ${name}: expected at least one value in y, found none`);
  }
  const x = s.x === undefined
    ? Float64Array.from(y, (_, i) => i)
    : vector(s.x, `linePlot: ${name}: x`);
  if (x.length !== y.length) {
    throw new ShapeError(
      `linePlot: ${name}: expected x to have as many values as y (${y.length}), found ${x.length}`,
    );
  }
  for (const [axis, values] of [["x", x], ["y", y]] as const) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === Infinity || v === -Infinity) {
        throw new RangeError(
          `linePlot: ${name}: expected finite ${axis} values (or NaN for a gap), found ${v} at index ${i}`,
        );
      }
      if (log && axis === "y" && v <= 0) {
        throw new RangeError(
          `linePlot: ${name}: expected positive y values on a log axis, found ${v} at index ${i}`,
        );
      }
    }
  }
  return { x, y, label: s.label, color: s.color, dashed: s.dashed };
}

/** A one-dimensional input's values; a column or row ([n, 1] or [1, n]) counts as one. */
function vector(input: ArrayInput, what: string): ArrayLike<number> {
  const { shape, data } = toDense(input, what);
  if (shape.filter((d) => d !== 1).length > 1) {
    throw new ShapeError(`${what}: expected a one-dimensional series, found shape [${shape}]`);
  }
  return data;
}

function* minMax(values: ArrayLike<number>): Generator<number> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  if (lo <= hi) yield* [lo, hi];
}

/**
 * The series in pixels, split at NaNs into runs of flat `[x, y, …]`, each
 * thinned to the first, lowest, highest and last point of every pixel column.
 */
function pixelRuns(axes: Axes, xs: ArrayLike<number>, ys: ArrayLike<number>): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  let column = NaN;
  let bucket: number[] = []; // [px, py] pairs of the current column
  const flush = () => {
    if (bucket.length === 0) return;
    // Keep first, lowest, highest (smallest and largest py), last, in their order.
    const n = bucket.length / 2;
    let lo = 0;
    let hi = 0;
    for (let k = 1; k < n; k++) {
      if (bucket[2 * k + 1] < bucket[2 * lo + 1]) lo = k;
      if (bucket[2 * k + 1] > bucket[2 * hi + 1]) hi = k;
    }
    for (const k of [...new Set([0, lo, hi, n - 1])].sort((a, b) => a - b)) {
      run.push(bucket[2 * k], bucket[2 * k + 1]);
    }
    bucket = [];
  };
  for (let i = 0; i < ys.length; i++) {
    if (Number.isNaN(xs[i]) || Number.isNaN(ys[i])) {
      flush();
      if (run.length) runs.push(run);
      run = [];
      column = NaN;
      continue;
    }
    const px = axes.x(xs[i]);
    const py = axes.y(ys[i]);
    if (Math.floor(px) !== column) {
      flush();
      column = Math.floor(px);
    }
    bucket.push(px, py);
  }
  flush();
  if (run.length) runs.push(run);
  return runs;
}

/** Path data for one run: `M x y x y …`, skipping points that round to the previous one. */
function pathData(run: number[]): string {
  const parts: string[] = [];
  let last = "";
  for (let k = 0; k < run.length; k += 2) {
    const point = `${num(run[k])} ${num(run[k + 1])}`;
    if (point !== last) parts.push(point);
    last = point;
  }
  // A lone point still shows, as a dot drawn by the round line cap.
  return `M${parts.join(" ")}${parts.length === 1 ? "h0" : ""}`;
}
