/**
 * The typed-array matmul kernel (lib/tensor/cpu/matmul.ts) against a naive
 * triple loop in float64: every transpose combination, ragged and degenerate
 * sizes, sizes past each block size, subarray views, and garbage in `out`.
 */

import assert from "node:assert/strict";
import { matmul } from "../../lib/tensor/cpu/matmul.ts";
import { referenceMatmul } from "./matmul_reference.ts";

type FloatArray = Float32Array | Float64Array;
type FloatArrayClass = Float32ArrayConstructor | Float64ArrayConstructor;

/** A small seeded generator (mulberry32), so a failure reproduces exactly. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `size` values uniform in [-1, 1). */
function randomArray(Type: FloatArrayClass, size: number, seed: number): FloatArray {
  const next = rng(seed);
  const out = new Type(size);
  for (let i = 0; i < size; i++) out[i] = 2 * next() - 1;
  return out;
}

/** Asserts |actual − value| ≤ rtol·scale element by element. */
function assertProduct(
  actual: ArrayLike<number>,
  expected: { value: Float64Array; scale: Float64Array },
  rtol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.value.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected.value[i]);
    // `!(error <= …)` so that NaN fails too.
    if (!(error <= rtol * expected.scale[i] + Number.MIN_VALUE)) {
      assert.fail(
        `${what}: element ${i} is ${actual[i]}, expected ${expected.value[i]} (error ${error})`,
      );
    }
  }
}

const DTYPES = [
  { Type: Float32Array, rtol: 1e-5 },
  { Type: Float64Array, rtol: 1e-12 },
] as const;
const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;

/** Multiplies random operands of the given sizes every way and checks against the reference. */
function checkSizes(m: number, n: number, k: number): void {
  for (const { Type, rtol } of DTYPES) {
    for (const [transA, transB] of TRANSPOSES) {
      const seed = 1000 * m + 100 * n + 10 * k + 2 * Number(transA) + Number(transB);
      const a = randomArray(Type, m * k, seed), b = randomArray(Type, k * n, seed + 1);
      const out = new Type(m * n).fill(NaN); // garbage that must be overwritten, not read
      matmul(a, b, out, m, n, k, transA, transB);
      const what = `${Type.name} ${m}×${k}·${k}×${n} transA=${transA} transB=${transB}`;
      assertProduct(out, referenceMatmul(a, b, m, n, k, transA, transB), rtol, what);
    }
  }
}

Deno.test("matmul: a 2×3·3×2 product computed by hand", () => {
  const a = new Float64Array([1, 2, 3, 4, 5, 6]);
  const b = new Float64Array([7, 8, 9, 10, 11, 12]);
  const out = new Float64Array(4);
  matmul(a, b, out, 2, 2, 3, false, false);
  assert.deepEqual([...out], [58, 64, 139, 154]);
  // The same product from aᵀ stored as [3, 2] and bᵀ stored as [2, 3].
  const aT = new Float64Array([1, 4, 2, 5, 3, 6]);
  const bT = new Float64Array([7, 9, 11, 8, 10, 12]);
  matmul(aT, bT, out, 2, 2, 3, true, true);
  assert.deepEqual([...out], [58, 64, 139, 154]);
});

Deno.test("matmul: sizes of 1", () => {
  checkSizes(1, 1, 1);
  checkSizes(1, 7, 5); // a row vector times a matrix
  checkSizes(6, 1, 5); // a matrix times a column vector
  checkSizes(5, 6, 1); // an outer product
});

Deno.test("matmul: sizes that are not multiples of the 4×4 tile", () => {
  checkSizes(3, 7, 5);
  checkSizes(17, 9, 33);
  checkSizes(2, 3, 2);
});

Deno.test("matmul: 64×64·64×64", () => {
  checkSizes(64, 64, 64);
});

Deno.test("matmul: 130×257·257×67 (more rows than one packed block of a)", () => {
  checkSizes(130, 67, 257);
});

Deno.test("matmul: an inner size longer than one packed block", () => {
  checkSizes(9, 11, 1100); // three blocks along k, sums carried across them
});

Deno.test("matmul: more columns than one packed block of b", () => {
  checkSizes(5, 1030, 6);
});

Deno.test("matmul: empty products", () => {
  for (const { Type } of DTYPES) {
    for (const [transA, transB] of TRANSPOSES) {
      // m = 0 or n = 0: nothing to write.
      const untouched = new Type([7]);
      matmul(new Type(0), new Type(12), untouched, 0, 4, 3, transA, transB);
      matmul(new Type(12), new Type(0), untouched, 4, 0, 3, transA, transB);
      assert.deepEqual([...untouched], [7]);
      // k = 0: every element is an empty sum, 0.
      const out = new Type(6).fill(NaN);
      matmul(new Type(0), new Type(0), out, 2, 3, 0, transA, transB);
      assert.deepEqual([...out], [0, 0, 0, 0, 0, 0]);
    }
  }
});

Deno.test("matmul: out is overwritten, not accumulated into", () => {
  for (const { Type, rtol } of DTYPES) {
    const [m, n, k] = [13, 10, 700];
    const a = randomArray(Type, m * k, 1), b = randomArray(Type, k * n, 2);
    const expected = referenceMatmul(a, b, m, n, k, false, false);
    const out = new Type(m * n).fill(1e30);
    matmul(a, b, out, m, n, k, false, false);
    assertProduct(out, expected, rtol, `${Type.name} first call`);
    matmul(a, b, out, m, n, k, false, false);
    assertProduct(out, expected, rtol, `${Type.name} second call into the same out`);
  }
});

Deno.test("matmul: subarray views with non-zero offsets", () => {
  for (const { Type, rtol } of DTYPES) {
    for (const [transA, transB] of TRANSPOSES) {
      const [m, n, k] = [11, 6, 9];
      const aBuffer = randomArray(Type, 3 + m * k + 2, 3);
      const bBuffer = randomArray(Type, 5 + k * n + 1, 4);
      const outBuffer = new Type(7 + m * n + 4).fill(-5);
      const a = aBuffer.subarray(3, 3 + m * k);
      const b = bBuffer.subarray(5, 5 + k * n);
      const out = outBuffer.subarray(7, 7 + m * n);
      matmul(a, b, out, m, n, k, transA, transB);
      const what = `${Type.name} views transA=${transA} transB=${transB}`;
      assertProduct(out, referenceMatmul(a, b, m, n, k, transA, transB), rtol, what);
      // Nothing outside the view of out was written.
      assert.deepEqual([...outBuffer.subarray(0, 7)], Array(7).fill(-5), what);
      assert.deepEqual([...outBuffer.subarray(7 + m * n)], Array(4).fill(-5), what);
    }
  }
});

Deno.test("matmul: mixed array types", () => {
  const [m, n, k] = [5, 7, 6];
  const a = randomArray(Float32Array, m * k, 5), b = randomArray(Float64Array, k * n, 6);
  const expected = referenceMatmul(a, b, m, n, k, false, true);
  const out64 = new Float64Array(m * n);
  matmul(a, b, out64, m, n, k, false, true);
  assertProduct(out64, expected, 1e-12, "float32·float64 into float64");
  const out32 = new Float32Array(m * n);
  matmul(a, b, out32, m, n, k, false, true);
  assertProduct(out32, expected, 1e-5, "float32·float64 into float32");
});

Deno.test("matmul: bad sizes throw a RangeError that names the argument", () => {
  const x = new Float64Array(6);
  assert.throws(() => matmul(x, x, x, -1, 2, 3, false, false), {
    name: "RangeError",
    message: /m to be/,
  });
  assert.throws(() => matmul(x, x, x, 2, 1.5, 3, false, false), {
    name: "RangeError",
    message: /n to be/,
  });
  assert.throws(
    () => matmul(x, x, new Float64Array(3), 2, 2, 3, false, false),
    { name: "RangeError", message: /expected out to hold at least m·n = 4 elements, found 3/ },
  );
  assert.throws(
    () => matmul(x, new Float64Array(5), x, 2, 2, 3, false, false),
    { name: "RangeError", message: /expected b to hold at least k·n = 6 elements, found 5/ },
  );
});
