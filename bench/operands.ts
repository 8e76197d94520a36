/**
 * Deterministic operands for the benchmarks: values in [-1, 1), cheap to make
 * even at 47 million elements, and the same in every run.
 *
 * @module
 */

/**
 * Fills `array` with values in [-1, 1) (a different pattern per `seed`); returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fill } from "./operands.ts";
 * assert.deepEqual([...fill(new Float64Array(2))], [-1, 0.919]);
 * ```
 */
export function fill<T extends Float32Array | Float64Array>(array: T, seed = 0): T {
  for (let i = 0; i < array.length; i++) array[i] = ((i * 7919 + seed) % 2000) / 1000 - 1;
  return array;
}

/**
 * Filled operands `a` [m, k] and `b` [k, n], and room for their product.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matmulOperands } from "./operands.ts";
 * const { a, b, out } = matmulOperands(Float32Array, 2, 3, 4);
 * assert.deepEqual([a.length, b.length, out.length], [6, 12, 8]);
 * assert.notDeepEqual([...a.subarray(0, 6)], [...b.subarray(0, 6)]); // two patterns
 * ```
 */
export function matmulOperands(
  Type: Float32ArrayConstructor | Float64ArrayConstructor,
  m: number,
  k: number,
  n: number,
): {
  a: Float32Array | Float64Array;
  b: Float32Array | Float64Array;
  out: Float32Array | Float64Array;
} {
  return { a: fill(new Type(m * k)), b: fill(new Type(k * n), 1), out: new Type(m * n) };
}
