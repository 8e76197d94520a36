/**
 * SVG plots made by the module itself, with no browser and no dependency: loss
 * curves, scatter plots with decision boundaries, image grids, heat maps and
 * activation function charts. They take plain arrays, typed arrays or tensors,
 * and each returns a {@linkcode Plot} that can be saved, printed or shown
 * inline in a Jupyter notebook run by Deno's kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linePlot } from "./mod.ts";
 * const plot = linePlot([0.69, 0.45, 0.31, 0.25], { xLabel: "Epoch", yLabel: "Loss" });
 * assert.ok(plot.svg.startsWith("<svg") && plot.svg.includes(">Epoch</text>"));
 * ```
 *
 * @module
 */

export { Plot } from "./plot.ts";
export type { ArrayInput, TensorLike } from "./input.ts";
export { linePlot, type LinePlotOptions, type LineSeries } from "./line.ts";
export { scatter, type ScatterOptions } from "./scatter.ts";
export {
  decisionBoundary,
  type DecisionBoundaryOptions,
  type PredictFunction,
} from "./decision_boundary.ts";
export { imageGrid, type ImageGridOptions } from "./image_grid.ts";
export { heatmap, type HeatmapOptions } from "./heatmap.ts";
export { activationChart, type ActivationChartOptions } from "./activation_chart.ts";
export { type ColormapName, PALETTE } from "./color.ts";
export { type ContourLine, contourLines } from "./contour.ts";
export { encodePng } from "./png.ts";
