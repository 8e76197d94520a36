/**
 * What the plots accept as numbers: plain arrays, typed arrays, nested arrays and
 * tensors, all turned into one flat, row-major form before drawing.
 *
 * Tensors are recognised by their shape and `dataSync()` alone, so plots do not
 * depend on the tensor core's internals and work with any object of that form.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";

/**
 * Anything with a shape and its values in row-major order, such as a `Tensor` on
 * the CPU backend.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type TensorLike, toDense } from "./input.ts";
 * const t: TensorLike = { shape: [2, 2], dataSync: () => new Float32Array([1, 2, 3, 4]) };
 * assert.equal(toDense(t, "t").shape[1], 2);
 * ```
 */
export interface TensorLike {
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** The values, row-major. */
  dataSync(): ArrayLike<number>;
}

/**
 * Numbers as a plot accepts them: a tensor, a plain or typed array, or nested
 * arrays (of numbers, typed arrays or tensors) for data with more than one
 * dimension.
 *
 * Chapter: all exercises (plots).
 */
export type ArrayInput = TensorLike | ArrayLike<number> | readonly ArrayInput[];

/**
 * Numbers in flat row-major form with their shape.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type Dense, toDense } from "./input.ts";
 * const d: Dense = toDense([[1, 2, 3]], "m");
 * assert.equal(d.shape.join(), "1,3");
 * ```
 */
export interface Dense {
  /** The size of each dimension. */
  readonly shape: readonly number[];
  /** The values, row-major; `data.length` is the product of `shape`. */
  readonly data: ArrayLike<number>;
}

/**
 * Whether `value` has the form of a tensor: a `shape` array and a `dataSync` method.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTensorLike } from "./input.ts";
 * assert.ok(isTensorLike({ shape: [1], dataSync: () => [0] }));
 * assert.ok(!isTensorLike([1, 2, 3]));
 * ```
 */
export function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === "object" && value !== null &&
    Array.isArray((value as TensorLike).shape) &&
    typeof (value as TensorLike).dataSync === "function";
}

/**
 * Turns any accepted input into its flat form; `what` names the input in error
 * messages (for example `"linePlot: y"`).
 *
 * Chapter: all exercises (plots).
 *
 * @throws {TypeError} when the input is not numbers.
 * @throws {ShapeError} when nested arrays are ragged or a tensor's data does not fill its shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toDense } from "./input.ts";
 * const { shape, data } = toDense([[1, 2], [3, 4], [5, 6]], "X");
 * assert.ok(shape.join() === "3,2" && data[3] === 4);
 * ```
 */
export function toDense(input: ArrayInput, what: string): Dense {
  if (isTensorLike(input)) {
    const data = input.dataSync();
    const shape = [...input.shape];
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) {
      throw new ShapeError(
        `${what}: expected ${size} values for shape [${shape}], found ${data.length}`,
      );
    }
    return { shape, data };
  }
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    return { shape: [(input as ArrayLike<number>).length], data: input as ArrayLike<number> };
  }
  if (!Array.isArray(input)) {
    throw new TypeError(
      `${what}: expected an array, typed array or tensor, found ${describe(input)}`,
    );
  }
  if (input.length === 0 || typeof input[0] === "number") {
    for (let i = 0; i < input.length; i++) {
      if (typeof input[i] !== "number") {
        throw new TypeError(
          `${what}: expected a number at index ${i}, found ${describe(input[i])}`,
        );
      }
    }
    return { shape: [input.length], data: input as number[] };
  }
  // Nested: every row must have the first row's shape, as in a NumPy array.
  const rows = input.map((row: ArrayInput, i: number) => toDense(row, `${what}[${i}]`));
  const inner = rows[0].shape;
  const rowSize = rows[0].data.length;
  const data = new Float64Array(rows.length * rowSize);
  rows.forEach((row, i) => {
    if (row.shape.join() !== inner.join()) {
      throw new ShapeError(
        `${what}: expected every row to have shape [${inner}] like row 0, found [${row.shape}] in row ${i}`,
      );
    }
    data.set(row.data, i * rowSize);
  });
  return { shape: [rows.length, ...inner], data };
}

/**
 * A short description of a value of the wrong kind, for error messages.
 *
 * Chapter: all exercises (plots).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describe } from "./input.ts";
 * assert.equal(describe("abc"), 'the string "abc"');
 * ```
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 20))}`;
  return `${typeof value} ${String(value)}`;
}
