/**
 * Shapes: sizes, strides, NumPy broadcasting and axis normalisation.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";

/**
 * A tensor's shape: one non-negative integer size per axis.
 *
 * Chapter: 4.6 tensors (张量).
 */
export type Shape = readonly number[];

/**
 * Writes a shape as `[3,2]`, the form every error message uses.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/**
 * The number of elements of a shape (1 for a 0-d shape).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sizeOf } from "./shape.ts";
 * assert(sizeOf([2, 3, 4]) === 24 && sizeOf([]) === 1);
 * ```
 */
export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/**
 * Checks that `shape` is an array of non-negative integers and returns a copy.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${where}: expected a shape (an array of sizes), found ${describe(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d)) {
      throw new TypeError(`${where}: expected integer sizes in shape, found ${describe(d)}`);
    }
    if (d < 0) {
      throw new RangeError(
        `${where}: expected non-negative sizes in shape, found ${d} in ${formatShape(shape)}`,
      );
    }
  }
  return [...shape];
}

/**
 * Row-major (C-order) strides of a contiguous tensor, in elements.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Whether two shapes are equal.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The shape two shapes broadcast to under NumPy's rules: align on the right;
 * sizes must be equal or one of them 1.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { broadcastShapes } from "./shape.ts";
 * assert.deepEqual(broadcastShapes([4, 1], [3], "add"), [4, 3]);
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}: ` +
          `sizes ${da} and ${db} differ at axis ${i - n}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read a tensor of `shape` as if it had the larger shape `target`
 * (stride 0 along broadcast axes).
 *
 * Chapter: 4.6 tensors (张量).
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const offset = target.length - shape.length;
  return target.map((_, i) => {
    const j = i - offset;
    return j < 0 || shape[j] === 1 ? 0 : own[j];
  });
}

/**
 * Turns a possibly negative axis into an index in `[0, ndim)`, or throws a RangeError.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis)) {
    throw new TypeError(`${op}: expected an integer axis, found ${describe(axis)}`);
  }
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) {
    throw new RangeError(
      `${op}: axis ${axis} is out of range for a tensor of ${ndim} dimension${
        ndim === 1 ? "" : "s"
      } (expected ${-ndim} to ${ndim - 1})`,
    );
  }
  return a;
}

/**
 * A short description of a value for error messages.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function describe(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : typeof value;
}
