/**
 * Heat maps of a matrix with labelled rows and columns, a colour bar, and the
 * values written in the cells: the confusion matrix of a classifier.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { colormap, type ColormapName, colormapStops, luminance } from "./color.ts";
import { type ArrayInput, toDense } from "./input.ts";
import { Plot } from "./plot.ts";
import { Axes, type AxisSpec, FONT, num, svgDocument, text, textWidth } from "./svg.ts";
import { linearTicks, type Ticks } from "./ticks.ts";

/**
 * Options of {@linkcode heatmap}.
 *
 * Chapter: Part4-3 (confusion matrix).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { HeatmapOptions } from "./heatmap.ts";
 * const options: HeatmapOptions = { xLabel: "Predicted", yLabel: "True", colormap: "blues" };
 * assert.equal(options.colormap, "blues");
 * ```
 */
export interface HeatmapOptions {
  /** The title above the plot. */
  readonly title?: string;
  /** The label under the columns, for example `"Predicted"`. */
  readonly xLabel?: string;
  /** The label beside the rows, for example `"True"`. */
  readonly yLabel?: string;
  /** One label per row (top to bottom); 0, 1, 2, … when left out. */
  readonly rowLabels?: readonly (string | number)[];
  /** One label per column; 0, 1, 2, … when left out. */
  readonly colLabels?: readonly (string | number)[];
  /** Write each value in its cell; on by default up to 20 × 20 cells. */
  readonly annotate?: boolean;
  /** Decimals of the written values; 0 when all are whole numbers, else 2. */
  readonly digits?: number;
  /** `"viridis"` (default, as matplotlib) or `"blues"`. */
  readonly colormap?: ColormapName;
  /** The values at the two ends of the colour scale; the data's lowest and highest by default. */
  readonly range?: readonly [number, number];
  /** The side of one cell in pixels; fits the matrix in about 420 pixels by default. */
  readonly cellSize?: number;
}

/**
 * Draws `matrix` ([rows, cols]) as coloured cells, row 0 at the top, with a
 * colour bar. NaN cells stay empty.
 *
 * Chapter: Part4-3 (confusion matrix).
 *
 * @throws {ShapeError} when `matrix` is not two-dimensional or the labels do not match it.
 * @throws {RangeError} when the matrix is empty or holds an infinite value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { heatmap } from "./heatmap.ts";
 * const confusion = [[50, 2], [3, 45]];
 * const plot = heatmap(confusion, { rowLabels: ["cat", "dog"], colLabels: ["cat", "dog"] });
 * assert.ok(plot.svg.includes(">45</text>") && plot.svg.includes(">dog</text>"));
 * ```
 */
export function heatmap(matrix: ArrayInput, options: HeatmapOptions = {}): Plot {
  const { shape, data } = toDense(matrix, "heatmap: matrix");
  if (shape.length !== 2) {
    throw new ShapeError(`heatmap: expected a matrix of shape [rows, cols], found [${shape}]`);
  }
  const [rows, cols] = shape;
  if (rows === 0 || cols === 0) {
    throw new RangeError(`heatmap: expected at least one row and column, found shape [${shape}]`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  let whole = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === Infinity || v === -Infinity) {
      throw new RangeError(
        `heatmap: expected finite values (or NaN for an empty cell), found ${v} at row ${
          Math.floor(i / cols)
        }, column ${i % cols}`,
      );
    }
    if (Number.isNaN(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    whole &&= Number.isInteger(v);
  }
  if (lo > hi) [lo, hi] = [0, 1];
  if (options.range) [lo, hi] = options.range;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const cmap = options.colormap ?? "viridis";
  const colorOf = (v: number) => colormap(cmap, (v - lo) / (hi - lo));

  const rowLabels = labels(options.rowLabels, rows, "rowLabels");
  const colLabels = labels(options.colLabels, cols, "colLabels");
  const cell = options.cellSize ??
    Math.max(12, Math.min(56, Math.floor(420 / Math.max(rows, cols))));
  const widest = Math.max(...colLabels.map((l) => textWidth(l, FONT.tick)));
  // Row r is drawn at y = rows - 1 - r, so that row 0 is at the top as in a printed matrix.
  const xAxis: AxisSpec = {
    min: -0.5,
    max: cols - 0.5,
    label: options.xLabel,
    ticks: categorical(colLabels),
    slanted: widest > cell - 4,
  };
  const yAxis: AxisSpec = {
    min: -0.5,
    max: rows - 0.5,
    label: options.yLabel,
    ticks: categorical([...rowLabels].reverse()),
  };
  // Lay out once to learn the margins, then size the figure so cells come out square.
  const probe = new Axes({ x: 0, y: 0, width: 1000, height: 1000 }, xAxis, yAxis, options.title);
  const colorbar = 20 + 16 + 8 + 8 +
    Math.max(...barTicks(lo, hi, rows * cell).labels.map((l) => textWidth(l, FONT.tick)));
  const width = probe.box.x + cols * cell + (1000 - probe.box.x - probe.box.width) + colorbar;
  const height = probe.box.y + rows * cell + (1000 - probe.box.y - probe.box.height);
  const axes = new Axes(
    { x: 0, y: 0, width: width - colorbar, height },
    xAxis,
    yAxis,
    options.title,
  );

  const annotate = options.annotate ?? rows * cols <= 400;
  const digits = options.digits ?? (whole ? 0 : 2);
  const fontSize = Math.min(FONT.tick, Math.floor(cell * 0.38));
  const cells: string[] = [`<g class="cells" shape-rendering="crispEdges">`];
  const values: string[] = [`<g class="values" text-anchor="middle" font-size="${fontSize}">`];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (Number.isNaN(v)) continue;
      const x = axes.x(c - 0.5);
      const y = axes.y(rows - 1 - r + 0.5);
      const color = colorOf(v);
      cells.push(
        `<rect x="${num(x)}" y="${num(y)}" width="${num(cell)}" height="${
          num(cell)
        }" fill="${color}"/>`,
      );
      if (annotate) {
        const ink = luminance(color) < 0.35 ? ` fill="#fff"` : "";
        const label = v.toFixed(digits).replace(/^-/, "−");
        values.push(text(x + cell / 2, y + cell / 2, label, `font-size="${fontSize}"${ink}`));
      }
    }
  }
  cells.push("</g>");
  values.push("</g>");
  const parts = [axes.render(annotate ? [...cells, ...values] : cells)];
  parts.push(colorBar(axes, cmap, lo, hi));
  return new Plot(svgDocument(width, height, parts), "heatmap");
}

/** Ticks at 0, 1, 2, … with the given labels. */
function categorical(labels: readonly string[]): Ticks {
  return { values: labels.map((_, i) => i), labels, minor: [] };
}

function labels(
  given: readonly (string | number)[] | undefined,
  count: number,
  name: string,
): string[] {
  if (given === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (given.length !== count) {
    throw new ShapeError(
      `heatmap: expected ${count} ${name}, one per ${name.slice(0, 3)}, found ${given.length}`,
    );
  }
  return given.map(String);
}

function barTicks(lo: number, hi: number, length: number): Ticks {
  return linearTicks(lo, hi, Math.min(8, Math.max(2, Math.floor(length / 40) + 1)));
}

/** The colour bar to the right of the axes: a gradient with ticks on its right. */
function colorBar(axes: Axes, cmap: ColormapName, lo: number, hi: number): string {
  const { y, height } = axes.box;
  const x = axes.box.x + axes.box.width + 20;
  const id = `nn-colormap-${cmap}`; // the same map always has the same stops, so ids may repeat
  const stops = colormapStops(cmap);
  const ticks = barTicks(lo, hi, height);
  const at = (v: number) => y + height * (1 - (v - lo) / (hi - lo));
  const out = [
    `<g class="colorbar">`,
    `<linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">`,
    ...stops.map((s, i) => `<stop offset="${i / (stops.length - 1)}" stop-color="${s}"/>`),
    `</linearGradient>`,
    `<rect x="${num(x)}" y="${num(y)}" width="16" height="${
      num(height)
    }" fill="url(#${id})" stroke="#000"/>`,
    `<path d="${
      ticks.values.map((v) => `M${num(x + 16)} ${num(at(v))}h5`).join("")
    }" stroke="#000"/>`,
    `<g text-anchor="start">`,
    ...ticks.values.map((v, i) => text(x + 16 + 5 + 5, at(v), ticks.labels[i])),
    `</g>`,
    `</g>`,
  ];
  return out.join("\n");
}
