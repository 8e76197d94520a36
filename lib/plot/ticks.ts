/**
 * Axis ticks: where they go and how they read.
 *
 * Linear axes get "nice" steps of 1, 2 or 5 times a power of ten, as matplotlib
 * does. Each tick value is computed as an integer divided by a power of ten, so
 * it is the double nearest its decimal (0.3, never 0.30000000000000004) and its
 * label is exact.
 *
 * @module
 */

/**
 * Tick positions in data units with their labels; `minor` holds unlabelled
 * ticks (the 2…9 between decades on a log axis).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Ticks, linearTicks } from "./ticks.ts";
 * const t: Ticks = linearTicks(0, 1, 6);
 * assert.equal(t.labels.join(" "), "0.0 0.2 0.4 0.6 0.8 1.0");
 * ```
 */
export interface Ticks {
  /** Tick positions, increasing. */
  readonly values: readonly number[];
  /** One label per value. */
  readonly labels: readonly string[];
  /** Unlabelled minor tick positions. */
  readonly minor: readonly number[];
}

/**
 * At most `maxCount` ticks inside `[min, max]`, spaced 1, 2 or 5 times a power of ten.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linearTicks } from "./ticks.ts";
 * assert.equal(linearTicks(0.1, 0.5, 5).labels.join(), "0.1,0.2,0.3,0.4,0.5");
 * assert.equal(linearTicks(-250, 5250, 7).labels.join(), "0,1000,2000,3000,4000,5000");
 * ```
 */
export function linearTicks(min: number, max: number, maxCount: number): Ticks {
  const raw = (max - min) / Math.max(1, maxCount - 1);
  let exponent = Math.floor(Math.log10(raw));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const values = multiples(min, max, m, exponent);
      if (values.length <= maxCount) return labelled(values, exponent);
    }
    exponent++;
  }
}

/**
 * Ticks for a log axis over `[min, max]` (both positive): decades labelled as
 * powers of ten when the range spans enough of them, else 1-2-5 or 1…9 multiples
 * labelled as decimals.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logTicks } from "./ticks.ts";
 * assert.equal(logTicks(0.001, 2, 8).labels.join(), "10⁻³,10⁻²,10⁻¹,10⁰");
 * assert.equal(logTicks(0.05, 0.8, 8).labels.join(), "0.05,0.1,0.2,0.5");
 * ```
 */
export function logTicks(min: number, max: number, maxCount: number): Ticks {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const inRange = (v: number) => v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12);
  const decades: number[] = [];
  for (let e = lo; e <= hi; e++) decades.push(e);
  const major = decades.filter((e) => inRange(power(1, e)));
  if (major.length >= 3) {
    // Too many decades for the axis: label every k-th one.
    const k = Math.ceil(major.length / maxCount);
    const shown = major.filter((e) => e % k === 0);
    const minor: number[] = [];
    if (k === 1) {
      for (const e of decades) {
        for (let m = 2; m <= 9; m++) if (inRange(power(m, e))) minor.push(power(m, e));
      }
    }
    return {
      values: shown.map((e) => power(1, e)),
      labels: shown.map((e) => "10" + superscript(e)),
      minor,
    };
  }
  for (const ms of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const values: number[] = [];
    const exps: number[] = [];
    for (const e of decades) {
      for (const m of ms) {
        if (inRange(power(m, e))) {
          values.push(power(m, e));
          exps.push(e);
        }
      }
    }
    if (values.length >= 3 && values.length <= maxCount) {
      const minor: number[] = [];
      for (const e of decades) {
        for (let m = 1; m <= 9; m++) {
          if (!ms.includes(m) && inRange(power(m, e))) minor.push(power(m, e));
        }
      }
      return { values, labels: values.map((v, i) => formatTick(v, -exps[i])), minor };
    }
  }
  return linearTicks(min, max, maxCount);
}

/**
 * `value` written with `decimals` digits after the point, with a true minus sign
 * and no negative zero; in scientific form when `scientific` is true (by default,
 * for magnitudes of a million and more or under 0.0001).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTick } from "./ticks.ts";
 * assert.equal(formatTick(-0.5, 1), "−0.5");
 * assert.equal(formatTick(-0, 1), "0.0");
 * assert.equal(formatTick(2e7, 0), "2×10⁷");
 * ```
 */
export function formatTick(
  value: number,
  decimals: number,
  scientific: boolean = value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4),
): string {
  let text: string;
  if (value === 0) {
    text = scientific ? "0" : (0).toFixed(Math.max(0, decimals));
  } else if (scientific) {
    const [mantissa, exp] = value.toExponential().split("e");
    text = (mantissa === "1" ? "" : mantissa + "×") + "10" + superscript(Number(exp));
  } else {
    text = value.toFixed(Math.max(0, decimals));
  }
  return text.replace(/^-/, "−");
}

/** `m × 10^e`, computed so that the result is the double nearest the decimal. */
function power(m: number, e: number): number {
  return e >= 0 ? m * 10 ** e : m / 10 ** -e;
}

/** The multiples of `m × 10^e` inside `[min, max]`. */
function multiples(min: number, max: number, m: number, e: number): number[] {
  const step = power(m, e);
  // A little slack so that a bound equal to a tick is not lost to rounding.
  const slack = 1e-9;
  const first = Math.ceil(min / step - slack);
  const last = Math.floor(max / step + slack);
  const values: number[] = [];
  // "+ 0" turns the -0 that Math.ceil gives for small negatives into 0.
  for (let i = first; i <= last; i++) values.push(power(i * m, e) + 0);
  return values;
}

function labelled(values: number[], exponent: number): Ticks {
  // One notation for the whole axis, so that 500000 and 10⁶ never stand side by side.
  const scientific = values.some((v) => Math.abs(v) >= 1e6) || exponent < -4;
  return { values, labels: values.map((v) => formatTick(v, -exponent, scientific)), minor: [] };
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";

function superscript(n: number): string {
  return (n < 0 ? "⁻" : "") + [...String(Math.abs(n))].map((d) => SUPERSCRIPT[+d]).join("");
}
