/**
 * The SVG layer under every plot: the document, and axes with a frame, ticks,
 * tick labels, axis labels and a title, in matplotlib's default look (black
 * frame on all four sides, ticks outside, DejaVu Sans, no grid).
 *
 * Everything is written with fixed rounding and in a fixed order, so the same
 * input always gives byte-identical SVG.
 *
 * @module
 */

import { linearTicks, logTicks, type Ticks } from "./ticks.ts";

/** Font sizes in pixels, after matplotlib's 10 pt labels and 12 pt titles at 100 dpi. */
export const FONT: { readonly tick: number; readonly label: number; readonly title: number } = {
  tick: 13,
  label: 14,
  title: 16,
};

const FAMILY = "DejaVu Sans, Bitstream Vera Sans, Helvetica, Arial, sans-serif";
const TICK_LENGTH = 5;
const TICK_PAD = 5;

/**
 * A rectangle in pixels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Box } from "./svg.ts";
 * const b: Box = { x: 0, y: 0, width: 640, height: 480 };
 * assert.ok(b.width > b.height);
 * ```
 */
export interface Box {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Width. */
  readonly width: number;
  /** Height. */
  readonly height: number;
}

/**
 * One axis: the data range it shows, its scale and its label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { AxisSpec } from "./svg.ts";
 * const loss: AxisSpec = { min: 0.01, max: 1, scale: "log", label: "Loss" };
 * assert.equal(loss.scale, "log");
 * ```
 */
export interface AxisSpec {
  /** The lowest value shown. */
  readonly min: number;
  /** The highest value shown. */
  readonly max: number;
  /** `"linear"` (default) or `"log"` (base 10; `min` must then be positive). */
  readonly scale?: "linear" | "log";
  /** The axis label. */
  readonly label?: string;
  /** Ticks to use instead of the computed ones (for example one per class of a heat map). */
  readonly ticks?: Ticks;
  /** Slant the tick labels by 45° (x axis only), for long labels such as class names. */
  readonly slanted?: boolean;
}

/**
 * A number as an SVG coordinate: rounded to a tenth of a pixel, which no screen
 * shows, and which keeps files small and output deterministic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { num } from "./svg.ts";
 * assert.ok(num(12.345) === "12.3" && num(-0.01) === "0" && num(3) === "3");
 * ```
 */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10 || 0);
}

/**
 * Text made safe for SVG content and attribute values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeXml } from "./svg.ts";
 * assert.ok(escapeXml(`a<b & "c"`) === "a&lt;b &amp; &quot;c&quot;");
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${ENTITY[c]};`)
    // Control characters other than tab and newline are not allowed in XML 1.0.
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

const ENTITY: Record<string, string> = {
  "&": "amp",
  "<": "lt",
  ">": "gt",
  '"': "quot",
  "'": "apos",
};

/**
 * The approximate width of `text` in DejaVu Sans at `size` pixels, for layout
 * (tick label margins, legend boxes); no font metrics are at hand without a DOM.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { textWidth } from "./svg.ts";
 * assert.ok(textWidth("0.5", 10) > 10 && textWidth("0.5", 10) < 20);
 * ```
 */
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const c of text) {
    if ("il.,:;'|!".includes(c)) em += 0.3;
    else if ("fjrt() -".includes(c)) em += 0.4;
    else if ("mwMW".includes(c)) em += 0.95;
    else if (c >= "A" && c <= "Z") em += 0.7;
    else if ("⁰¹²³⁴⁵⁶⁷⁸⁹⁻".includes(c)) em += 0.4;
    else em += 0.62;
  }
  return em * size;
}

/**
 * An SVG text element; `anchor` is `start`, `middle` or `end`, and `y` is the
 * vertical middle of the text (not its baseline), which makes layout simpler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { text } from "./svg.ts";
 * assert.ok(text(10, 20, "a<b").includes("a&lt;b"));
 * ```
 */
export function text(
  x: number,
  y: number,
  content: string,
  attributes: string = "",
): string {
  // 0.35 em below the middle is the baseline of DejaVu Sans' digits and capitals.
  const extra = attributes ? " " + attributes : "";
  return `<text x="${num(x)}" y="${num(y + 0.35 * sizeOf(attributes))}"${extra}>${
    escapeXml(content)
  }</text>`;
}

function sizeOf(attributes: string): number {
  const match = attributes.match(/font-size="([\d.]+)"/);
  return match ? Number(match[1]) : FONT.tick;
}

/**
 * A whole SVG document of `width` × `height` pixels on a white background.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { svgDocument } from "./svg.ts";
 * const svg = svgDocument(100, 50, ['<circle cx="50" cy="25" r="10"/>']);
 * assert.ok(svg.startsWith("<svg") && svg.includes("<circle"));
 * ```
 */
export function svgDocument(width: number, height: number, parts: readonly string[]): string {
  const w = num(width);
  const h = num(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"` +
    ` font-family="${FAMILY}" font-size="${FONT.tick}">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

/**
 * The data range `[min, max]` of `values` (non-finite values skipped) widened by
 * 5 % on each side, as matplotlib's default margins; in log space when `log`.
 *
 * @throws {RangeError} when there is no finite value, or a non-positive one on a log axis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paddedRange } from "./svg.ts";
 * const [lo, hi] = paddedRange([0, 10], false, "y");
 * assert.ok(lo === -0.5 && hi === 10.5);
 * ```
 */
export function paddedRange(
  values: Iterable<number>,
  log: boolean,
  what: string,
): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (log && v <= 0) {
      throw new RangeError(`${what}: expected positive values on a log axis, found ${v}`);
    }
    const t = log ? Math.log10(v) : v;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (lo > hi) throw new RangeError(`${what}: expected at least one finite value, found none`);
  if (lo === hi) {
    // A constant: show it in the middle of a small range, as matplotlib does.
    const half = log ? 0.05 : Math.abs(lo) * 0.05 || 0.05;
    lo -= half;
    hi += half;
  }
  const margin = (hi - lo) * 0.05;
  lo -= margin;
  hi += margin;
  return log ? [10 ** lo, 10 ** hi] : [lo, hi];
}

/**
 * A plotting area inside a box of the figure: it lays out room for tick labels,
 * axis labels and the title, maps data to pixels with `x()` and `y()`, and
 * draws the frame around content with `render()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Axes } from "./svg.ts";
 * const axes = new Axes({ x: 0, y: 0, width: 640, height: 480 }, { min: 0, max: 10 }, {
 *   min: 0,
 *   max: 1,
 *   label: "y",
 * });
 * assert.equal(axes.x(0), axes.box.x);
 * assert.equal(axes.y(0), axes.box.y + axes.box.height);
 * assert.deepEqual(axes.yTicks.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
 * assert.ok(axes.render([]).includes(">0.4</text>"));
 * ```
 */
export class Axes {
  /** The plotting area in pixels. */
  readonly box: Box;
  /** The x axis ticks. */
  readonly xTicks: Ticks;
  /** The y axis ticks. */
  readonly yTicks: Ticks;
  readonly #xSpec: AxisSpec;
  readonly #ySpec: AxisSpec;
  readonly #title?: string;

  /** Lays out axes `x` and `y` with an optional `title` inside `outer`. */
  constructor(outer: Box, x: AxisSpec, y: AxisSpec, title?: string) {
    this.#xSpec = x;
    this.#ySpec = y;
    this.#title = title;
    const top = outer.y + 12 + (title ? FONT.title * 1.2 + 8 : 0);
    const bottom = outer.y + outer.height - 10 - TICK_LENGTH - TICK_PAD - slantedHeight(x) -
      (x.label ? 8 + FONT.label : 0);
    const height = bottom - top;
    this.yTicks = y.ticks ?? fitTicks(y, height, FONT.tick * 1.6, () => FONT.tick);
    const labelWidth = Math.max(0, ...this.yTicks.labels.map((l) => textWidth(l, FONT.tick)));
    const left = outer.x + 12 + (y.label ? FONT.label + 10 : 0) + labelWidth + TICK_LENGTH +
      TICK_PAD;
    const right = outer.x + outer.width - 24;
    const width = right - left;
    this.xTicks = x.ticks ?? fitTicks(x, width, 0, (l) => textWidth(l, FONT.tick) + 12);
    this.box = { x: left, y: top, width, height };
  }

  /** The pixel column of data value `v`. */
  x(v: number): number {
    return this.box.x + fraction(this.#xSpec, v) * this.box.width;
  }

  /** The pixel row of data value `v` (rows grow downwards). */
  y(v: number): number {
    return this.box.y + (1 - fraction(this.#ySpec, v)) * this.box.height;
  }

  /**
   * The axes with `content` drawn inside the frame; `grid` adds light lines at
   * the major ticks behind it, as matplotlib's `grid(True)`.
   */
  render(content: readonly string[], grid: boolean = false): string {
    const { x, y, width, height } = this.box;
    const bottom = y + height;
    const out: string[] = [`<g class="axes">`];
    if (grid) {
      const lines = [
        ...this.xTicks.values.map((v) => `M${num(this.x(v))} ${num(y)}v${num(height)}`),
        ...this.yTicks.values.map((v) => `M${num(x)} ${num(this.y(v))}h${num(width)}`),
      ];
      out.push(`<path class="grid" d="${lines.join("")}" stroke="#b0b0b0" stroke-width="0.8"/>`);
    }
    out.push(...content);
    out.push(
      `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}"` +
        ` fill="none" stroke="#000"/>`,
    );
    const marks: string[] = [];
    const minor: string[] = [];
    for (const v of this.xTicks.values) marks.push(`M${num(this.x(v))} ${num(bottom)}v5`);
    for (const v of this.yTicks.values) marks.push(`M${num(x)} ${num(this.y(v))}h-5`);
    for (const v of this.xTicks.minor) minor.push(`M${num(this.x(v))} ${num(bottom)}v3`);
    for (const v of this.yTicks.minor) minor.push(`M${num(x)} ${num(this.y(v))}h-3`);
    out.push(`<path class="ticks" d="${marks.join("")}" stroke="#000"/>`);
    if (minor.length) {
      out.push(
        `<path class="minor-ticks" d="${minor.join("")}" stroke="#000" stroke-width="0.6"/>`,
      );
    }
    const labelY = bottom + TICK_LENGTH + TICK_PAD + FONT.tick / 2;
    if (this.#xSpec.slanted) {
      // Rotated about the label's end, which sits just below its tick.
      out.push(`<g class="x-ticks" text-anchor="end">`);
      this.xTicks.values.forEach((v, i) => {
        const [tx, ty] = [this.x(v) + FONT.tick * 0.25, labelY - FONT.tick * 0.1];
        out.push(
          text(tx, ty, this.xTicks.labels[i], `transform="rotate(-45 ${num(tx)} ${num(ty)})"`),
        );
      });
    } else {
      out.push(`<g class="x-ticks" text-anchor="middle">`);
      this.xTicks.values.forEach((v, i) =>
        out.push(text(this.x(v), labelY, this.xTicks.labels[i]))
      );
    }
    out.push(`</g>`, `<g class="y-ticks" text-anchor="end">`);
    this.yTicks.values.forEach((v, i) =>
      out.push(text(x - TICK_LENGTH - TICK_PAD, this.y(v), this.yTicks.labels[i]))
    );
    out.push(`</g>`);
    const label = `font-size="${FONT.label}" text-anchor="middle"`;
    if (this.#xSpec.label) {
      const ly = labelY - FONT.tick / 2 + slantedHeight(this.#xSpec) + 8 + FONT.label / 2;
      out.push(text(x + width / 2, ly, this.#xSpec.label, `class="x-label" ${label}`));
    }
    if (this.#ySpec.label) {
      const widest = Math.max(0, ...this.yTicks.labels.map((l) => textWidth(l, FONT.tick)));
      const lx = x - TICK_LENGTH - TICK_PAD - widest - 10 - FONT.label / 2;
      const ly = y + height / 2;
      out.push(
        text(
          lx,
          ly,
          this.#ySpec.label,
          `class="y-label" ${label}` +
            ` transform="rotate(-90 ${num(lx)} ${num(ly)})"`,
        ),
      );
    }
    if (this.#title) {
      const ty = y - 8 - FONT.title * 0.6;
      out.push(
        text(
          x + width / 2,
          ty,
          this.#title,
          `class="title" font-size="${FONT.title}" text-anchor="middle"`,
        ),
      );
    }
    out.push("</g>");
    return out.join("\n");
  }
}

/** The height the x tick labels take below the ticks. */
function slantedHeight(spec: AxisSpec): number {
  if (!spec.slanted || !spec.ticks) return FONT.tick;
  const widest = Math.max(0, ...spec.ticks.labels.map((l) => textWidth(l, FONT.tick)));
  return (widest + FONT.tick) * Math.SQRT1_2;
}

/** Where `v` lies along the axis, 0 at `min` and 1 at `max`. */
function fraction(spec: AxisSpec, v: number): number {
  if (spec.scale === "log") {
    return (Math.log10(v) - Math.log10(spec.min)) / (Math.log10(spec.max) - Math.log10(spec.min));
  }
  return (v - spec.min) / (spec.max - spec.min);
}

/**
 * The most ticks that fit along `length` pixels: each label needs `room(label)`
 * pixels (or at least `minSpacing`) between its neighbours' centres.
 */
function fitTicks(
  spec: AxisSpec,
  length: number,
  minSpacing: number,
  room: (label: string) => number,
): Ticks {
  const log = spec.scale === "log";
  for (let count = Math.min(10, Math.max(3, Math.floor(length / 50) + 1));; count--) {
    const ticks = log
      ? logTicks(spec.min, spec.max, count)
      : linearTicks(spec.min, spec.max, count);
    const positions = ticks.values.map((v) => fraction(spec, v) * length);
    let fits = true;
    for (let i = 1; i < positions.length; i++) {
      const needed = Math.max(
        minSpacing,
        (room(ticks.labels[i - 1]) + room(ticks.labels[i])) / 2,
      );
      if (positions[i] - positions[i - 1] < needed) fits = false;
    }
    if (fits || count <= 2) return ticks;
  }
}
