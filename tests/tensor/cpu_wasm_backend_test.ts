/**
 * The CPU backend's fast element-wise paths (WebAssembly SIMD for mid sizes,
 * written-out loops otherwise) for the ops training runs most (ReLU, exp, the
 * ReLU mask, a bias added to every row, a row's maximum subtracted, …)
 * compute exactly what each op's definition computes: NaN, -0 and
 * broadcasting included, at sizes below, in and above the WebAssembly window,
 * with the kernels on and off.
 */

import { assert, assertEquals } from "../assert.ts";
import { CpuBackend } from "../../lib/tensor/cpu/backend.ts";
import type { BinaryOp, UnaryOp } from "../../lib/tensor/backend.ts";
import { setWasmEnabled } from "../../lib/tensor/cpu/wasm/runtime.ts";
import { MAX_BYTES, MIN_ELEMENTS, wasmBinary } from "../../lib/tensor/cpu/wasm/elementwise.ts";

const cpu = new CpuBackend();

/** The values each op must reproduce, by definition (as `UNARY`/`BINARY` in backend.ts). */
const UNARY_DEF: Partial<Record<UnaryOp, (x: number) => number>> = {
  relu: (x) => (x < 0 ? 0 : x),
  exp: Math.exp,
  log: Math.log,
  neg: (x) => -x,
  sqrt: Math.sqrt,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  abs: Math.abs,
};
const BINARY_DEF: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  gt: (a, b) => (a > b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
};

/** Values with the awkward cases in them: ±0, NaN, ±infinity, ties. */
const VALUES = [-2, -0, 0, 0.5, 3, NaN, Infinity, -Infinity, 3, -1.25, 7, 0.5];

/** `VALUES` repeated to `size` elements, shifted by `shift` so operands differ. */
function values(size: number, shift = 0): number[] {
  return Array.from(
    { length: size },
    (_, i) => VALUES[(i + shift) % VALUES.length] * (1 + (i % 7) / 8),
  );
}

/** Runs `check` with the WebAssembly kernels on, then off. */
function bothWays(check: (label: string) => void) {
  for (const on of [true, false]) {
    setWasmEnabled(on);
    try {
      check(on ? "wasm on" : "wasm off");
    } finally {
      setWasmEnabled(true);
    }
  }
}

/** Row counts that give a size below the WebAssembly window and one in it (37 columns: ragged). */
const COLS = 37;
const ROW_COUNTS = [3, Math.ceil(MIN_ELEMENTS / COLS) + 5];

/** Same-value equality, element by element (tells -0 from 0 and matches NaN). */
function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>, message: string) {
  assertEquals(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`${message}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

Deno.test("written-out unary loops give what each op's definition gives, -0 and NaN included", () => {
  for (const Type of [Float32Array, Float64Array]) {
    const x = Type.from(VALUES);
    for (const [op, f] of Object.entries(UNARY_DEF) as [UnaryOp, (x: number) => number][]) {
      const dtype = Type === Float32Array ? "float32" : "float64";
      const out = cpu.unary(op, x, x.length, dtype, []) as Float32Array | Float64Array;
      assertSame(out, Type.from(VALUES.map(f)), `${op} ${dtype}`);
    }
  }
});

Deno.test("written-out binary loops: same shapes, a scalar, a row and a column broadcast", () => {
  const rows = 3, cols = 4;
  const x = Float64Array.from(VALUES); // [3, 4]
  const row = Float64Array.from([0, -0, NaN, 2]); // [1, 4], as a bias
  const col = Float64Array.from([0.5, -0, 3]); // [3, 1], as a row's maximum
  const scalar = Float64Array.from([0.5]);
  const y = Float64Array.from(VALUES).reverse();
  for (
    const [op, f] of Object.entries(BINARY_DEF) as [BinaryOp, (a: number, b: number) => number][]
  ) {
    const run = (b: Float64Array, bShape: number[]) =>
      cpu.binary(op, x, [rows, cols], b, bShape, [rows, cols], "float64") as Float64Array;
    const expect = (pick: (i: number, j: number) => number) =>
      Float64Array.from(
        { length: rows * cols },
        (_, k) => f(x[k], pick(Math.floor(k / cols), k % cols)),
      );
    assertSame(run(y, [rows, cols]), expect((i, j) => y[i * cols + j]), `${op} same shape`);
    assertSame(run(scalar, []), expect(() => 0.5), `${op} scalar`);
    assertSame(run(row, [1, cols]), expect((_, j) => row[j]), `${op} row`);
    assertSame(run(col, [rows, 1]), expect((i) => col[i]), `${op} column`);
  }
});

Deno.test("a bias broadcast over a batch of rows, and a column over a 3-D batch", () => {
  // [2, 3] + [3]: NumPy's bias add.
  const out = cpu.binary(
    "add",
    Float32Array.from([1, 2, 3, 4, 5, 6]),
    [2, 3],
    Float32Array.from([10, 20, 30]),
    [3],
    [2, 3],
    "float32",
  );
  assertEquals([...(out as Float32Array)], [11, 22, 33, 14, 25, 36]);
  // [2, 2, 2] / [2, 2, 1]: each pair divided by its own value.
  const div = cpu.binary(
    "div",
    Float64Array.from([2, 4, 6, 8, 10, 20, 9, 3]),
    [2, 2, 2],
    Float64Array.from([2, 2, 10, 3]),
    [2, 2, 1],
    [2, 2, 2],
    "float64",
  );
  assertEquals([...(div as Float64Array)], [1, 2, 3, 4, 1, 2, 3, 1]);
});

Deno.test("element-wise ops agree with their definitions at every size, kernels on and off", () => {
  for (const Type of [Float32Array, Float64Array]) {
    const dtype = Type === Float32Array ? "float32" : "float64";
    for (const rows of ROW_COUNTS) {
      const size = rows * COLS;
      const x = Type.from(values(size)), y = Type.from(values(size, 5));
      const row = Type.from(values(COLS, 3)), col = Type.from(values(rows, 7));
      const scalar = Type.from([0.5]);
      bothWays((label) => {
        for (const [op, f] of Object.entries(UNARY_DEF) as [UnaryOp, (x: number) => number][]) {
          const out = cpu.unary(op, x, size, dtype, []) as Float32Array | Float64Array;
          assertSame(
            out,
            Type.from(Array.from(x, (v) => f(v))),
            `${op} ${dtype} [${rows}, ${COLS}] ${label}`,
          );
        }
        const binaries = Object.entries(BINARY_DEF) as [
          BinaryOp,
          (a: number, b: number) => number,
        ][];
        for (const [op, f] of binaries) {
          const cases: [
            string,
            Float32Array | Float64Array,
            number[],
            (i: number, j: number) => number,
          ][] = [
            ["same shape", y, [rows, COLS], (i, j) => y[i * COLS + j]],
            ["scalar", scalar, [], () => 0.5],
            ["row", row, [COLS], (_, j) => row[j]],
            ["column", col, [rows, 1], (i) => col[i]],
          ];
          for (const [name, b, bShape, pick] of cases) {
            const out = cpu.binary(op, x, [rows, COLS], b, bShape, [rows, COLS], dtype) as
              | Float32Array
              | Float64Array;
            const expected = Type.from(
              Array.from({ length: size }, (_, k) => f(x[k], pick(Math.floor(k / COLS), k % COLS))),
            );
            assertSame(out, expected, `${op} ${name} ${dtype} [${rows}, ${COLS}] ${label}`);
            if (size >= MIN_ELEMENTS && label === "wasm on") {
              const shape = [rows, COLS];
              assert(
                wasmBinary(op, x, shape, b, bShape, shape, new Type(size)),
                `${op} ${name} ran`,
              );
            }
          }
        }
      });
    }
  }
});

Deno.test("past the WebAssembly window: TypeScript loops, and relu's kernel a block at a time", () => {
  const size = MAX_BYTES / 4 + COLS; // float32: one operand over MAX_BYTES
  const x = Float32Array.from(values(size)), row = Float32Array.from(values(COLS, 3));
  const rows = size / COLS;
  const sum = cpu.binary("add", x, [rows, COLS], row, [COLS], [rows, COLS], "float32");
  assertSame(sum as Float32Array, Float32Array.from(x, (v, k) => v + row[k % COLS]), "bias add");
  // relu goes through the kernel in blocks of MAX_BYTES (its TypeScript loop is a
  // branch that mispredicts): 2.5 blocks of float64, with -0 and NaN throughout.
  const x64 = Float64Array.from(values((MAX_BYTES / 8) * 2.5 + 3));
  bothWays((label) => {
    for (const v of [x, x64]) {
      const dtype = v instanceof Float32Array ? "float32" : "float64";
      const relu = cpu.unary("relu", v, v.length, dtype, []) as Float32Array | Float64Array;
      assertSame(relu, v.map((e) => (e < 0 ? 0 : e)), `relu ${dtype}, ${label}`);
    }
  });
});
