/**
 * Colours: the cycle for series and classes, and the colour maps for heat maps.
 *
 * The cycle is Okabe and Ito's palette, chosen so that readers with any common
 * colour-vision deficiency can still tell the lines apart (matplotlib's default
 * cycle puts red beside green). Yellow is left out: it vanishes on white.
 *
 * @module
 */

/**
 * The colour cycle: series `i` gets `PALETTE[i % PALETTE.length]`.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PALETTE } from "./color.ts";
 * assert.ok(PALETTE[0] === "#0072B2" && PALETTE.length === 7);
 * ```
 */
export const PALETTE: readonly string[] = [
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#009E73", // bluish green
  "#E69F00", // orange
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#000000", // black
];

/**
 * The colour maps a heat map can use: `viridis` (matplotlib's default) or `blues`.
 *
 * Chapter: all exercises (plots).
 */
export type ColormapName = "viridis" | "blues";

// Nine evenly spaced stops of each map, taken from matplotlib; linear
// interpolation between them differs from the 256-entry tables by less than a
// display can show.
const STOPS: Record<ColormapName, readonly string[]> = {
  viridis: [
    "#440154",
    "#472d7b",
    "#3b528b",
    "#2c728e",
    "#21918c",
    "#28ae80",
    "#5ec962",
    "#addc30",
    "#fde725",
  ],
  blues: [
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
  ],
};

/**
 * The stops of a colour map, evenly spaced from 0 to 1, for gradients.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colormapStops } from "./color.ts";
 * assert.equal(colormapStops("viridis")[0], "#440154");
 * ```
 */
export function colormapStops(name: ColormapName): readonly string[] {
  const stops = STOPS[name];
  if (!stops) {
    throw new RangeError(
      `colormap: expected one of ${Object.keys(STOPS).join(", ")}, found ${JSON.stringify(name)}`,
    );
  }
  return stops;
}

/**
 * The colour of map `name` at `t` in [0, 1] (clamped), as `#rrggbb`.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { colormap } from "./color.ts";
 * assert.equal(colormap("viridis", 0), "#440154");
 * assert.equal(colormap("viridis", 1), "#fde725");
 * ```
 */
export function colormap(name: ColormapName, t: number): string {
  const stops = colormapStops(name);
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const a = rgb(stops[i]);
  const b = rgb(stops[i + 1]);
  const f = x - i;
  return "#" + a.map((v, k) => hex2(Math.round(v + (b[k] - v) * f))).join("");
}

/**
 * The relative luminance of `#rrggbb` (0 black, 1 white), used to choose black
 * or white text on a coloured cell.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { luminance } from "./color.ts";
 * assert.ok(luminance("#ffffff") === 1 && luminance("#000000") === 0);
 * ```
 */
export function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function rgb(color: string): number[] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, "0");
}
