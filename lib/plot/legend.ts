/**
 * The legend: a framed box of entries inside the axes, put in the corner where
 * it covers the fewest data points, as matplotlib's `loc="best"` does.
 *
 * @module
 */

import { type Marker, markerPath } from "./markers.ts";
import { type Axes, FONT, num, text, textWidth } from "./svg.ts";

/**
 * One legend entry: a line sample, a marker, or a filled patch, with its label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { LegendEntry } from "./legend.ts";
 * const entry: LegendEntry = { label: "Accepted", color: "#0072B2", marker: "o" };
 * assert.equal(entry.marker, "o");
 * ```
 */
export interface LegendEntry {
  /** The text. */
  readonly label: string;
  /** The colour of the sample. */
  readonly color: string;
  /** Draw this marker as the sample. */
  readonly marker?: Marker;
  /** Draw a filled square of this opacity as the sample. */
  readonly patch?: number;
  /** Draw the line sample dashed. */
  readonly dashed?: boolean;
}

const ROW = FONT.tick * 1.5;
const HANDLE = 26;
const GAP = 8;
const PAD = 7;
const INSET = 8;

/**
 * A legend for `entries` inside `axes`, in the corner that covers fewest of the
 * pixel points `avoid` (flat `[x0, y0, x1, y1, …]`); empty when there are no entries.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { legend } from "./legend.ts";
 * import { Axes } from "./svg.ts";
 * const axes = new Axes({ x: 0, y: 0, width: 640, height: 480 }, { min: 0, max: 1 }, { min: 0, max: 1 });
 * const svg = legend(axes, [{ label: "train", color: "#0072B2" }], []);
 * assert.ok(svg.includes(">train</text>"));
 * ```
 */
export function legend(
  axes: Axes,
  entries: readonly LegendEntry[],
  avoid: ArrayLike<number>,
): string {
  if (entries.length === 0) return "";
  const width = PAD * 2 + HANDLE + GAP +
    Math.max(...entries.map((e) => textWidth(e.label, FONT.tick)));
  const height = PAD * 2 + ROW * entries.length - (ROW - FONT.tick) / 2;
  const { x: left, y: top, width: w, height: h } = axes.box;
  const xs = [left + w - INSET - width, left + INSET, left + (w - width) / 2];
  const ys = [top + INSET, top + h - INSET - height, top + (h - height) / 2];
  // matplotlib's order of preference: upper right, upper left, lower left, lower
  // right, right, center left, lower center, upper center.
  const candidates = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 2], [1, 2], [2, 1], [2, 0]]
    .map(([i, j]) => [xs[i], ys[j]]);
  let best = candidates[0];
  let fewest = Infinity;
  for (const [x, y] of candidates) {
    let covered = 0;
    for (let k = 0; k + 1 < avoid.length; k += 2) {
      const px = avoid[k];
      const py = avoid[k + 1];
      // A point just outside the box still counts: its marker reaches in.
      if (px >= x - 6 && px <= x + width + 6 && py >= y - 6 && py <= y + height + 6) covered++;
    }
    if (covered < fewest) [best, fewest] = [[x, y], covered];
  }
  const [x, y] = best;
  const out = [
    `<g class="legend">`,
    `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" rx="3"` +
    ` fill="#fff" fill-opacity="0.8" stroke="#ccc"/>`,
  ];
  entries.forEach((entry, i) => {
    const cy = y + PAD + FONT.tick / 2 + i * ROW;
    const hx = x + PAD;
    if (entry.marker) {
      out.push(markerPath(entry.marker, entry.color, [hx + HANDLE / 2, cy], 8, "sample"));
    } else if (entry.patch !== undefined) {
      out.push(
        `<rect x="${num(hx + 3)}" y="${num(cy - 6)}" width="${HANDLE - 6}" height="12"` +
          ` fill="${entry.color}" fill-opacity="${entry.patch}" stroke="${entry.color}"/>`,
      );
    } else {
      const dash = entry.dashed ? ` stroke-dasharray="6 3"` : "";
      out.push(
        `<path d="M${num(hx)} ${
          num(cy)
        }h${HANDLE}" stroke="${entry.color}" stroke-width="2"${dash}/>`,
      );
    }
    out.push(text(hx + HANDLE + GAP, cy, entry.label));
  });
  out.push("</g>");
  return out.join("\n");
}
