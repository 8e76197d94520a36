/**
 * Prints tensor values the way NumPy prints arrays: `np.array2string` with
 * NumPy 2's default print options (precision 8, threshold 1000, edgeitems 3,
 * linewidth 75, floatmode `"maxprec"`, no small-number suppression, sign `"-"`)
 * and the separator `", "` of NumPy's `repr`.
 *
 * Floats are turned into digits by a port of NumPy's Dragon4 (the shortest
 * digits that read back as the same float32 or float64, cut at `precision`
 * digits and rounded as NumPy rounds), then laid out by ports of NumPy's
 * `FloatingFormat`, `IntegerFormat` and `_formatArray`: common column width,
 * scientific notation when NumPy would use it, `...` summaries of large
 * arrays, line wrapping and NumPy's blank lines between blocks.
 *
 * @module
 */

import type { DType } from "./dtype.ts";

/**
 * Options mirroring numpy.set_printoptions (subset). Each one left out takes NumPy's default.
 *
 * @example
 * ```ts
 * import { type FormatOptions, formatValues } from "./format.ts";
 *
 * // np.array2string(np.arange(10.), threshold=5, edgeitems=2, separator=", ")
 * const short: FormatOptions = { threshold: 5, edgeitems: 2 };
 * const text = formatValues([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10], "float64", "", short);
 * if (text !== "[0., 1., ..., 8., 9.]") throw new Error(text);
 *
 * // np.array2string(np.array([1/3, 2/3]), precision=3, separator=", ")
 * const three: FormatOptions = { precision: 3 };
 * if (formatValues([1 / 3, 2 / 3], [2], "float64", "", three) !== "[0.333, 0.667]") {
 *   throw new Error("precision");
 * }
 * ```
 */
export interface FormatOptions {
  /** Digits after the decimal point (at most; `maxprec` mode). NumPy's default: 8. */
  precision?: number;
  /** Summarise with `...` when the array has more elements than this. NumPy's default: 1000. */
  threshold?: number;
  /** Items shown at the start and end of each summarised axis. NumPy's default: 3. */
  edgeitems?: number;
  /** Characters per line before wrapping. NumPy's default: 75. */
  linewidth?: number;
}

/**
 * NumPy's array2string for the values (row-major, length = product of shape), with `prefix`
 * handled as NumPy's `prefix` argument (continuation lines indented by prefix.length).
 *
 * The separator is `", "` as in NumPy's `repr`. The prefix itself is not part of the result:
 * it only sets the indentation of continuation lines and counts towards the first line's
 * width. NumPy's `repr` also shortens the line width by the length of the text that follows
 * the array (its `suffix`); pass `linewidth: 75 - suffix.length` to do the same.
 *
 * @example
 * ```ts
 * import { type FormatOptions, formatValues } from "./format.ts";
 *
 * const text = formatValues([1, 2, 3, 4], [2, 2], "float32", "Tensor(");
 * if (text !== "[[1., 2.],\n        [3., 4.]]") throw new Error(text);
 *
 * // float32 values print by their shortest float32 digits, as in NumPy
 * const f32 = formatValues(new Float32Array([0.1, 1 / 3]), [2], "float32");
 * if (f32 !== "[0.1       , 0.33333334]") throw new Error(f32);
 *
 * // scientific notation, nan and inf, integers, scalars, empty arrays
 * if (formatValues([1e-5, NaN, 1], [3], "float64") !== "[1.e-05,    nan, 1.e+00]") {
 *   throw new Error("scientific");
 * }
 * if (formatValues([-1, 20, 300], [3], "int32") !== "[ -1,  20, 300]") throw new Error("int32");
 * if (formatValues([2.5], [], "float64") !== "2.5") throw new Error("0-d");
 * if (formatValues([], [2, 0], "float32") !== "[]") throw new Error("empty");
 *
 * // NumPy's repr shortens the line width by the length of what follows the array
 * const suffix = ", shape=[12], dtype=float32, backend=cpu)";
 * const options: FormatOptions = { linewidth: 75 - suffix.length };
 * const row = formatValues(new Float32Array(12).fill(0.5), [12], "float32", "Tensor(", options);
 * const expected = "[0.5, 0.5, 0.5, 0.5, 0.5,\n        0.5, 0.5, 0.5, 0.5, 0.5,\n        0.5, 0.5]";
 * if (row !== expected) throw new Error(row);
 * ```
 */
export function formatValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  prefix: string = "",
  options: FormatOptions = {},
): string {
  const precision = options.precision ?? 8;
  const threshold = options.threshold ?? 1000;
  const edgeitems = options.edgeitems ?? 3;
  const linewidth = options.linewidth ?? 75;
  checkCount("precision", precision);
  checkCount("edgeitems", edgeitems);
  if (typeof threshold !== "number" || Number.isNaN(threshold)) {
    throw new TypeError(`formatValues: threshold must be a number, found ${String(threshold)}`);
  }
  if (!Number.isInteger(linewidth)) {
    throw new TypeError(`formatValues: linewidth must be an integer, found ${String(linewidth)}`);
  }
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") {
    throw new TypeError(
      `formatValues: dtype must be "float32", "float64" or "int32", found ${JSON.stringify(dtype)}`,
    );
  }
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `formatValues: shape [${shape.join(", ")}] must hold integers >= 0, found ${d}`,
      );
    }
    size *= d;
  }
  if (values.length !== size) {
    throw new RangeError(
      `formatValues: shape [${shape.join(", ")}] needs ${size} values, found ${values.length}`,
    );
  }
  if (size === 0) return "[]";

  const cast = dtype === "float32" ? Math.fround : dtype === "int32" ? toInt32 : toFloat64;
  const summarise = size > threshold;
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }

  // The values that will be shown: all of them, or the corners of a summarised array.
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === shape.length) {
      shown.push(cast(values[offset]));
      return;
    }
    const n = shape[axis];
    const st = strides[axis];
    if (summarise && n > 2 * edgeitems) {
      for (let i = 0; i < edgeitems; i++) collect(axis + 1, offset + i * st);
      for (let i = n - edgeitems; i < n; i++) collect(axis + 1, offset + i * st);
    } else {
      for (let i = 0; i < n; i++) collect(axis + 1, offset + i * st);
    }
  };
  collect(0, 0);

  const format: (x: number) => string = dtype === "int32"
    ? integerFormat(shown)
    : floatingFormat(shown, dtype, precision);

  return formatArray(
    (offset) => format(cast(values[offset])),
    shape,
    strides,
    linewidth,
    " " + " ".repeat(prefix.length),
    ", ",
    edgeitems,
    summarise,
  );
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`formatValues: ${name} must be an integer >= 0, found ${String(value)}`);
  }
}

function toInt32(x: number): number {
  return x | 0;
}

function toFloat64(x: number): number {
  return +x;
}

// ---------------------------------------------------------------------------
// Layout: a port of NumPy's _formatArray and _extendLine (legacy=False).

function formatArray(
  formatAt: (offset: number) => string,
  shape: readonly number[],
  strides: readonly number[],
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  edgeItems: number,
  summarise: boolean,
): string {
  const ndim = shape.length;
  const sepTrim = separator.trimEnd();

  const extendLine = (s: string, line: string, word: string, width: number, indent: string) => {
    let needsWrap = line.length + word.length > width;
    // don't wrap lines if it won't help
    if (line.length <= indent.length) needsWrap = false;
    if (needsWrap) {
      s += line.trimEnd() + "\n";
      line = indent;
    }
    return [s, line + word] as const;
  };

  const recurse = (axis: number, offset: number, hangingIndent: string, currWidth: number) => {
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return formatAt(offset);

    const nextHangingIndent = hangingIndent + " ";
    const nextWidth = currWidth - 1; // len("]")
    const aLen = shape[axis];
    const st = strides[axis];
    const showSummary = summarise && 2 * edgeItems < aLen;
    const leadingItems = showSummary ? edgeItems : 0;
    const trailingItems = showSummary ? edgeItems : aLen;
    const item = (i: number) => recurse(axis + 1, offset + i * st, nextHangingIndent, nextWidth);

    let s = "";
    if (axesLeft === 1) {
      // the length up until the beginning of the separator / bracket
      const elemWidth = currWidth - Math.max(sepTrim.length, 1);
      let line = hangingIndent;
      for (let i = 0; i < leadingItems; i++) {
        [s, line] = extendLine(s, line, item(i), elemWidth, hangingIndent);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, "...", elemWidth, hangingIndent);
        line += separator;
      }
      for (let i = trailingItems; i > 1; i--) {
        [s, line] = extendLine(s, line, item(aLen - i), elemWidth, hangingIndent);
        line += separator;
      }
      [s, line] = extendLine(s, line, item(aLen - 1), elemWidth, hangingIndent);
      s += line;
    } else {
      const lineSep = sepTrim + "\n".repeat(axesLeft - 1);
      for (let i = 0; i < leadingItems; i++) s += hangingIndent + item(i) + lineSep;
      if (showSummary) s += hangingIndent + "..." + lineSep;
      for (let i = trailingItems; i > 1; i--) s += hangingIndent + item(aLen - i) + lineSep;
      s += hangingIndent + item(aLen - 1);
    }
    // remove the hanging indent, and wrap in []
    return "[" + s.slice(hangingIndent.length) + "]";
  };

  return recurse(0, 0, nextLinePrefix, lineWidth);
}

// ---------------------------------------------------------------------------
// Element formatters: ports of NumPy's IntegerFormat and FloatingFormat
// (floatmode "maxprec", suppress_small False, sign "-", legacy False).

function integerFormat(data: readonly number[]): (x: number) => string {
  let width = 0;
  for (const x of data) width = Math.max(width, String(x).length);
  return (x) => String(x).padStart(width);
}

function floatingFormat(
  data: readonly number[],
  dtype: "float32" | "float64",
  precisionOption: number,
): (x: number) => string {
  const f32 = dtype === "float32";
  const finite = data.filter((x) => Number.isFinite(x));

  // choose exponential mode based on the non-zero finite values; for float32 the comparisons
  // happen in float32 (NumPy 2 turns the Python float constants into float32), and the cut-off
  // for large values is 10 ** min(8, finfo(dtype).precision): 1e6 for float32, 1e8 for float64.
  let expFormat = false;
  let maxVal = -Infinity;
  let minVal = Infinity;
  for (const x of finite) {
    if (x === 0) continue;
    const a = Math.abs(x);
    if (a > maxVal) maxVal = a;
    if (a < minVal) minVal = a;
  }
  if (maxVal !== -Infinity) {
    const cutoffMax = f32 ? 1e6 : 1e8;
    const cutoffMin = f32 ? Math.fround(1e-4) : 1e-4;
    const ratio = f32 ? Math.fround(maxVal / minVal) : maxVal / minVal;
    expFormat = maxVal >= cutoffMax || minVal < cutoffMin || ratio > 1000;
  }

  let precision = precisionOption;
  let minDigits = -1;
  let trim: Trim = ".";
  let padLeft = 0;
  let padRight = 0;
  let expSize = -1;
  if (finite.length === 0) {
    // nothing to measure
  } else if (expFormat) {
    let intLen = 0;
    let fracLen = 0;
    let expLen = 0;
    for (const x of finite) {
      const s = dragon4Scientific(x, f32, { precision, trim: "." });
      const e = s.indexOf("e");
      const dot = s.indexOf(".");
      intLen = Math.max(intLen, dot);
      fracLen = Math.max(fracLen, e - dot - 1);
      expLen = Math.max(expLen, s.length - e - 1);
    }
    expSize = expLen - 1;
    trim = "k";
    precision = fracLen;
    minDigits = fracLen;
    padLeft = intLen;
    // pad_right is only needed for nan length calculation
    padRight = expSize + 2 + precision;
  } else {
    for (const x of finite) {
      const s = dragon4Positional(x, f32, { precision, trim: "." });
      const dot = s.indexOf(".");
      padLeft = Math.max(padLeft, dot);
      padRight = Math.max(padRight, s.length - dot - 1);
    }
    minDigits = 0;
  }

  // if there are non-finite values, may need to increase pad_left
  if (finite.length !== data.length) {
    const negInf = data.some((x) => x === -Infinity) ? 1 : 0;
    const offset = padRight + 1; // +1 for decimal point
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }

  return (x: number): string => {
    if (!Number.isFinite(x)) {
      const ret = Number.isNaN(x) ? "nan" : x < 0 ? "-inf" : "inf";
      return " ".repeat(Math.max(0, padLeft + padRight + 1 - ret.length)) + ret;
    }
    if (expFormat) {
      return dragon4Scientific(x, f32, {
        precision,
        minDigits,
        trim,
        padLeft,
        expDigits: expSize,
      });
    }
    return dragon4Positional(x, f32, { precision, minDigits, trim, padLeft, padRight });
  };
}

// ---------------------------------------------------------------------------
// Digits: a port of NumPy's Dragon4 (dragon4.c) in "unique" digit mode, on BigInt.

/** NumPy's trim modes: "k" keeps trailing zeros, "." trims them but keeps the point. */
type Trim = "k" | "." | "0" | "-";

interface Dragon4Options {
  precision: number;
  minDigits?: number;
  trim: Trim;
  padLeft?: number;
  padRight?: number;
  expDigits?: number;
}

interface FloatParts {
  negative: boolean;
  mantissa: bigint;
  exponent: number;
  mantissaBit: number;
  unequalMargins: boolean;
}

const view = new DataView(new ArrayBuffer(8));

function floatParts(x: number, f32: boolean): FloatParts {
  if (f32) {
    view.setFloat32(0, x);
    const bits = view.getUint32(0);
    const m = bits & 0x7fffff;
    const e = (bits >>> 23) & 0xff;
    const negative = bits >>> 31 === 1;
    if (e !== 0) {
      return {
        negative,
        mantissa: BigInt(m | 0x800000),
        exponent: e - 127 - 23,
        mantissaBit: 23,
        unequalMargins: e !== 1 && m === 0,
      };
    }
    return {
      negative,
      mantissa: BigInt(m),
      exponent: 1 - 127 - 23,
      mantissaBit: m === 0 ? 0 : 31 - Math.clz32(m),
      unequalMargins: false,
    };
  }
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const mHi = hi & 0xfffff;
  const e = (hi >>> 20) & 0x7ff;
  const negative = hi >>> 31 === 1;
  const m = (BigInt(mHi) << 32n) | BigInt(lo);
  if (e !== 0) {
    return {
      negative,
      mantissa: m | (1n << 52n),
      exponent: e - 1023 - 52,
      mantissaBit: 52,
      unequalMargins: e !== 1 && m === 0n,
    };
  }
  return {
    negative,
    mantissa: m,
    exponent: 1 - 1023 - 52,
    mantissaBit: mHi !== 0 ? 32 + 31 - Math.clz32(mHi) : lo === 0 ? 0 : 31 - Math.clz32(lo),
    unequalMargins: false,
  };
}

const LOG10_2 = 0.30102999566398119521373889472449;
const BUFFER_SIZE = 16384;

/**
 * Dragon4 in unique mode: the digits of the value and the decimal exponent of the first
 * digit. `fraction` selects NumPy's CutoffMode_FractionLength (cutoffs count digits after
 * the decimal point) instead of CutoffMode_TotalLength (cutoffs count all digits).
 */
function dragon4(
  p: FloatParts,
  fraction: boolean,
  cutoffMax: number,
  cutoffMin: number,
): { digits: number[]; exponent: number } {
  const { mantissa, exponent, mantissaBit, unequalMargins } = p;
  if (mantissa === 0n) return { digits: [0], exponent: 0 };
  const isEven = (mantissa & 1n) === 0n;

  // value = scaledValue / scale; margins are half the distance to the neighbouring floats
  let scaledValue: bigint;
  let scale: bigint;
  let marginLow: bigint;
  if (unequalMargins) {
    if (exponent > 0) {
      scaledValue = mantissa << BigInt(exponent + 2);
      scale = 4n;
      marginLow = 1n << BigInt(exponent);
    } else {
      scaledValue = mantissa << 2n;
      scale = 1n << BigInt(-exponent + 2);
      marginLow = 1n;
    }
  } else if (exponent > 0) {
    scaledValue = mantissa << BigInt(exponent + 1);
    scale = 2n;
    marginLow = 1n << BigInt(exponent);
  } else {
    scaledValue = mantissa << 1n;
    scale = 1n << BigInt(-exponent + 1);
    marginLow = 1n;
  }

  let digitExponent = Math.ceil((mantissaBit + exponent) * LOG10_2 - 0.69);
  if (cutoffMax >= 0 && fraction && digitExponent <= -cutoffMax) {
    digitExponent = -cutoffMax + 1;
  }
  if (digitExponent > 0) {
    scale *= 10n ** BigInt(digitExponent);
  } else if (digitExponent < 0) {
    const pow10 = 10n ** BigInt(-digitExponent);
    scaledValue *= pow10;
    marginLow *= pow10;
  }
  if (scaledValue >= scale) {
    digitExponent += 1;
  } else {
    scaledValue *= 10n;
    marginLow *= 10n;
  }

  let cutoffMaxExponent = digitExponent - BUFFER_SIZE;
  if (cutoffMax >= 0) {
    const desired = fraction ? -cutoffMax : digitExponent - cutoffMax;
    if (desired > cutoffMaxExponent) cutoffMaxExponent = desired;
  }
  let cutoffMinExponent = digitExponent;
  if (cutoffMin >= 0) {
    const desired = fraction ? -cutoffMin : digitExponent - cutoffMin;
    if (desired < cutoffMinExponent) cutoffMinExponent = desired;
  }
  let outExponent = digitExponent - 1;

  const digits: number[] = [];
  let low: boolean;
  let high: boolean;
  let outputDigit: number;
  for (;;) {
    digitExponent -= 1;
    const q = scaledValue / scale;
    scaledValue -= q * scale;
    outputDigit = Number(q);
    const marginHigh = unequalMargins ? marginLow * 2n : marginLow;
    const scaledValueHigh = scaledValue + marginHigh;
    low = isEven ? scaledValue <= marginLow : scaledValue < marginLow;
    high = isEven ? scaledValueHigh >= scale : scaledValueHigh > scale;
    if (
      ((low || high) && digitExponent <= cutoffMinExponent) || digitExponent === cutoffMaxExponent
    ) {
      break;
    }
    digits.push(outputDigit);
    scaledValue *= 10n;
    marginLow *= 10n;
  }

  // round off the final digit
  let roundDown = low;
  if (low === high) {
    const twice = scaledValue * 2n;
    roundDown = twice < scale;
    if (twice === scale) roundDown = (outputDigit & 1) === 0;
  }
  if (roundDown) {
    digits.push(outputDigit);
  } else if (outputDigit === 9) {
    // find the first non-nine prior digit
    let n = digits.length;
    for (;;) {
      if (n === 0) {
        digits.length = 0;
        digits.push(1);
        outExponent += 1;
        break;
      }
      n -= 1;
      if (digits[n] !== 9) {
        digits[n] += 1;
        digits.length = n + 1;
        break;
      }
    }
  } else {
    digits.push(outputDigit + 1);
  }
  return { digits, exponent: outExponent };
}

/** NumPy's dragon4_positional (unique=True, fractional=True, sign="-"). */
function dragon4Positional(x: number, f32: boolean, opt: Dragon4Options): string {
  const p = floatParts(x, f32);
  const minDigits = opt.minDigits ?? -1;
  const { digits, exponent } = dragon4(p, true, opt.precision, minDigits);
  const hasSign = p.negative ? 1 : 0;
  const numDigits = digits.length;
  const ds = digits.join("");

  let out: string;
  let numWholeDigits: number;
  let numFractionDigits = 0;
  if (exponent >= 0) {
    numWholeDigits = exponent + 1;
    if (numDigits <= numWholeDigits) {
      out = ds + "0".repeat(numWholeDigits - numDigits);
    } else {
      numFractionDigits = numDigits - numWholeDigits;
      out = ds.slice(0, numWholeDigits) + "." + ds.slice(numWholeDigits);
    }
  } else {
    const numFractionZeros = -(exponent + 1);
    out = "0." + "0".repeat(numFractionZeros) + ds;
    numFractionDigits = numDigits + numFractionZeros;
    numWholeDigits = 1;
  }
  // always add decimal point, except for DptZeros mode
  if (opt.trim !== "-" && numFractionDigits === 0) out += ".";

  const desiredFractionalDigits = Math.max(minDigits, 0);
  if (opt.trim === "0") {
    if (numFractionDigits === 0) {
      out += "0";
      numFractionDigits++;
    }
  } else if (opt.trim === "k" && desiredFractionalDigits > numFractionDigits) {
    out += "0".repeat(desiredFractionalDigits - numFractionDigits);
    numFractionDigits = desiredFractionalDigits;
  }
  // when rounding, we may still end up with trailing zeros
  if (opt.trim !== "k" && numFractionDigits > 0) {
    while (out.endsWith("0")) {
      out = out.slice(0, -1);
      numFractionDigits--;
    }
    if (out.endsWith(".")) {
      if (opt.trim === "0") {
        out += "0";
        numFractionDigits++;
      } else if (opt.trim === "-") {
        out = out.slice(0, -1);
      }
    }
  }

  const digitsRight = opt.padRight ?? -1;
  if (digitsRight >= numFractionDigits) {
    if (opt.trim === "-" && numFractionDigits === 0) out += " ";
    out += " ".repeat(digitsRight - numFractionDigits);
  }
  const sign = p.negative ? "-" : "";
  const digitsLeft = opt.padLeft ?? -1;
  const leftPad = digitsLeft > numWholeDigits + hasSign
    ? digitsLeft - (numWholeDigits + hasSign)
    : 0;
  return " ".repeat(leftPad) + sign + out;
}

/** NumPy's dragon4_scientific (unique=True, sign="-"). */
function dragon4Scientific(x: number, f32: boolean, opt: Dragon4Options): string {
  const p = floatParts(x, f32);
  const minDigits = opt.minDigits ?? -1;
  const leftChars = p.negative ? 2 : 1;
  const digitsLeft = opt.padLeft ?? -1;
  let out = digitsLeft > leftChars ? " ".repeat(digitsLeft - leftChars) : "";
  if (p.negative) out += "-";

  const { digits, exponent } = dragon4(
    p,
    false,
    opt.precision < 0 ? -1 : opt.precision + 1,
    minDigits < 0 ? -1 : minDigits + 1,
  );
  out += String(digits[0]);
  let numFractionDigits = digits.length - 1;
  if (numFractionDigits > 0) out += "." + digits.slice(1).join("");
  if (opt.trim !== "-" && numFractionDigits === 0) out += ".";

  const addDigits = Math.max(minDigits, 0);
  if (opt.trim === "0") {
    if (numFractionDigits === 0) {
      out += "0";
      numFractionDigits++;
    }
  } else if (opt.trim === "k" && addDigits > numFractionDigits) {
    out += "0".repeat(addDigits - numFractionDigits);
    numFractionDigits = addDigits;
  }
  if (opt.trim !== "k" && numFractionDigits > 0) {
    while (out.endsWith("0")) {
      out = out.slice(0, -1);
      numFractionDigits--;
    }
    if (opt.trim === "0" && out.endsWith(".")) {
      out += "0";
      numFractionDigits++;
    }
  }

  let expDigits = opt.expDigits ?? -1;
  if (expDigits > 5) expDigits = 5;
  if (expDigits < 0) expDigits = 2;
  const expText = String(Math.abs(exponent)).padStart(expDigits, "0");
  return out + "e" + (exponent >= 0 ? "+" : "-") + expText;
}
