/**
 * Data types of tensors and the typed arrays that hold them.
 *
 * @module
 */

import { slabArray } from "./slab.ts";
import { adviseHugePages, HUGE_PAGE_MIN_BYTES } from "./cpu/huge_pages.ts";

/**
 * The element types a tensor can hold: `float32` (the default), `float64`, `int32`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export type DType = "float32" | "float64" | "int32";

/**
 * The typed array that stores a tensor's elements.
 *
 * Chapter: 4.6 tensors (张量).
 */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/**
 * The typed array that stores floating-point elements.
 *
 * Chapter: 4.6 tensors (张量).
 */
export type FloatArray = Float32Array | Float64Array;

/**
 * The dtypes, in order of promotion (a binary op takes the later of its two).
 *
 * Chapter: 4.6 tensors (张量).
 */
export const DTYPES: readonly DType[] = ["int32", "float32", "float64"];

/**
 * Checks that `dtype` names a known dtype and returns it.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDType } from "./dtype.ts";
 * assert(checkDType("float64") === "float64");
 * ```
 */
export function checkDType(dtype: unknown, where = "dtype"): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) {
    return dtype as DType;
  }
  throw new TypeError(
    `${where}: expected one of "float32", "float64", "int32", found ${JSON.stringify(dtype)}`,
  );
}

/**
 * Allocates a zero-filled typed array of `size` elements for `dtype` (a small
 * one is a view on a shared slab: see `slab.ts`). Memory that cannot be had is
 * a RangeError saying how much was asked for (V8's own words name neither).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allocArray } from "./dtype.ts";
 * assert(allocArray("int32", 3) instanceof Int32Array);
 * assert.throws(() => allocArray("float64", 2 ** 50), /2\^50 float64 elements \(9.0 PB\)/);
 * ```
 */
export function allocArray(dtype: DType, size: number, where?: string): TypedArray {
  try {
    const array = fresh(dtype, size);
    // Fresh and untouched: the moment to ask for huge pages (a 61 MB array's first touch: 150 ms).
    if (array.byteLength >= HUGE_PAGE_MIN_BYTES) adviseHugePages(array);
    return array;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const bytes = size * BYTES[dtype];
    throw new RangeError(
      `${where === undefined ? "" : `${where}: `}cannot allocate ${
        countText(size)
      } ${dtype} elements (${bytesText(bytes)}): more than ` +
        `this machine's memory or V8's limit on one array allows (${e.message})`,
    );
  }
}

function fresh(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return slabArray(Float32Array, size);
    case "float64":
      return slabArray(Float64Array, size);
    case "int32":
      return slabArray(Int32Array, size);
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** A count, as a power of two when it is one (2^50 reads better than 1125899906842624). */
function countText(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) && log >= 20 ? `2^${log}` : String(n);
}

/** Bytes in the largest unit that keeps the figure at or above 1. */
function bytesText(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
  let i = 0;
  while (bytes >= 1000 && i < units.length - 1) {
    bytes /= 1000;
    i++;
  }
  return `${bytes.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * The dtype a typed array holds.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dtypeOf } from "./dtype.ts";
 * assert(dtypeOf(new Float64Array(2)) === "float64");
 * ```
 */
export function dtypeOf(array: TypedArray): DType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Float64Array) return "float64";
  return "int32";
}

/**
 * The dtype of a binary op's result: the wider of the two (int32 < float32 < float64).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { promote } from "./dtype.ts";
 * assert(promote("int32", "float32") === "float32");
 * ```
 */
export function promote(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/**
 * Whether `dtype` is a floating-point type.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function isFloat(dtype: DType): boolean {
  return dtype !== "int32";
}
