/**
 * The activation functions of the book's 激活函数 section on one figure:
 * sigmoid, tanh, ReLU and leaky ReLU, and on request their derivatives beside
 * them. Values and derivatives are computed with the module's own tensor ops
 * and autograd, so the picture shows what the networks actually use.
 *
 * @module
 */

import { linspace, type Tensor, tensor } from "../tensor/mod.ts";
import { PALETTE } from "./color.ts";
import { legend, type LegendEntry } from "./legend.ts";
import { Plot } from "./plot.ts";
import { Axes, type Box, num, paddedRange, svgDocument } from "./svg.ts";

/**
 * Options of {@linkcode activationChart}.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ActivationChartOptions } from "./activation_chart.ts";
 * const options: ActivationChartOptions = { derivatives: true, range: [-6, 6] };
 * assert.ok(options.derivatives);
 * ```
 */
export interface ActivationChartOptions {
  /** Also draw the derivatives, in a second panel; off by default. */
  readonly derivatives?: boolean;
  /** The x range; [-4, 4] by default. */
  readonly range?: readonly [number, number];
  /**
   * The slope of leaky ReLU for negative inputs; 0.1 by default, because the
   * usual 0.01 cannot be told from ReLU at this scale.
   */
  readonly leakySlope?: number;
  /** The title of the functions panel; `"Activation functions"` by default. */
  readonly title?: string;
  /** Width in pixels; 640, or 1100 with derivatives, by default. */
  readonly width?: number;
  /** Height in pixels; 480, or 440 with derivatives, by default. */
  readonly height?: number;
}

/**
 * Draws sigmoid, tanh, ReLU and leaky ReLU (and, with `derivatives`, their
 * derivatives from autograd) over `range`.
 *
 * Chapter: activation functions (激活函数).
 *
 * @throws {RangeError} when the range is empty or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { activationChart } from "./activation_chart.ts";
 * const plot = activationChart({ derivatives: true });
 * assert.ok(plot.svg.includes(">ReLU</text>") && plot.svg.includes(">Derivatives</text>"));
 * ```
 */
export function activationChart(options: ActivationChartOptions = {}): Plot {
  const { derivatives = false, range = [-4, 4], leakySlope = 0.1 } = options;
  const [lo, hi] = range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
    throw new RangeError(
      `activationChart: expected range to be [low, high] with low < high, found [${lo}, ${hi}]`,
    );
  }
  const width = options.width ?? (derivatives ? 1100 : 640);
  const height = options.height ?? (derivatives ? 440 : 480);
  const functions: [string, (x: Tensor) => Tensor][] = [
    ["sigmoid", (x) => x.sigmoid()],
    ["tanh", (x) => x.tanh()],
    ["ReLU", (x) => x.relu()],
    [`leaky ReLU (α = ${leakySlope})`, (x) => x.leakyRelu(leakySlope)],
  ];
  // 401 points: fine enough to look smooth, and x = 0 is one of them for the kinks.
  const xs = linspace(lo, hi, 401, { dtype: "float64" }).dataSync();
  const curves = functions.map(([label, f]) => {
    const x = tensor(xs, { dtype: "float64", requiresGrad: true });
    const y = f(x);
    y.sum().backward();
    return { label, y: y.dataSync(), dy: x.grad!.dataSync() };
  });
  const panels: string[] = [];
  const half = derivatives ? width / 2 : width;
  panels.push(panel(
    { x: 0, y: 0, width: half, height },
    options.title ?? "Activation functions",
    "f(x)",
    xs,
    curves.map((c) => ({ label: c.label, values: c.y })),
  ));
  if (derivatives) {
    panels.push(panel(
      { x: half, y: 0, width: half, height },
      "Derivatives",
      "f′(x)",
      xs,
      curves.map((c) => ({ label: c.label, values: c.dy })),
    ));
  }
  return new Plot(svgDocument(width, height, panels), "activationChart");
}

/** One axes with a line per curve, a grid and a legend. */
function panel(
  box: Box,
  title: string,
  yLabel: string,
  xs: ArrayLike<number>,
  curves: { label: string; values: ArrayLike<number> }[],
): string {
  const xRange = paddedRange(Array.from(xs), false, "activationChart: x");
  const yRange = paddedRange(
    curves.flatMap((c) => Array.from(c.values)),
    false,
    "activationChart: y",
  );
  const axes = new Axes(
    box,
    { min: xRange[0], max: xRange[1], label: "x" },
    { min: yRange[0], max: yRange[1], label: yLabel },
    title,
  );
  const parts: string[] = [];
  const entries: LegendEntry[] = [];
  const avoid: number[] = [];
  curves.forEach((curve, i) => {
    const color = PALETTE[i];
    const points: string[] = [];
    for (let k = 0; k < xs.length; k++) {
      const [px, py] = [axes.x(xs[k]), axes.y(curve.values[k])];
      points.push(`${num(px)} ${num(py)}`);
      if (k % 2 === 0) avoid.push(px, py);
    }
    // ReLU and leaky ReLU coincide for x > 0: dash the later one so both show.
    const dash = i === 3 ? ` stroke-dasharray="7.4 3.2"` : "";
    parts.push(
      `<path class="line" d="M${points.join(" ")}" fill="none" stroke="${color}"` +
        ` stroke-width="2" stroke-linejoin="round"${dash}/>`,
    );
    entries.push({ label: curve.label, color, dashed: i === 3 });
  });
  parts.push(legend(axes, entries, avoid));
  return axes.render(parts, true);
}
