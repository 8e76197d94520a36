/**
 * Reductions along axes: sum, prod, mean, max, min, argmax, argmin, var, std.
 *
 * @module
 */

import type { ReduceOp } from "../backend.ts";
import { record } from "../autograd.ts";
import { isFloat } from "../dtype.ts";
import { describe, formatShape, normalizeAxis } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { astype } from "./astype.ts";
import { broadcastTo } from "./broadcast.ts";
import { concat, reshape, slice, transpose } from "./movement.ts";
import { fullLike, where } from "./binary.ts";
import { scanAxis } from "./scan.ts";

/**
 * The options every reduction takes after its axis, as `var`/`std` take them.
 *
 * Chapter: 4.6 tensors (张量).
 */
export interface ReduceOptions {
  /** Keep the reduced axes with size 1 (NumPy's `keepdims`). */
  keepdims?: boolean;
}

/** A value for an error message, with an object's keys shown (`{ axis }`, not "a Object"). */
function shown(value: unknown): string {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      return `an object { ${Object.keys(value).join(", ")} }`;
    }
  }
  if (typeof value === "boolean") return String(value);
  return describe(value);
}

/**
 * The options of a reduction read from its second argument: a boolean
 * (`keepdims`, where `allowBoolean`) or an object with only the `allowed`
 * keys; anything else is a TypeError naming what was found.
 */
export function reduceOptions(
  op: string,
  options: unknown,
  allowed: readonly string[],
  allowBoolean: boolean,
): { keepdims: boolean; ddof?: number } {
  const expected = `options { ${allowed.join(", ")} }`;
  if (options === undefined) return { keepdims: false };
  if (typeof options === "boolean" && allowBoolean) return { keepdims: options };
  const proto = options !== null && typeof options === "object"
    ? Object.getPrototypeOf(options)
    : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `${op}: expected ${allowBoolean ? "keepdims (a boolean) or " : ""}${expected} as the ` +
        `second argument, found ${shown(options)}` +
        (typeof options === "boolean"
          ? ` (a boolean is ambiguous here: write ${op}(axis, { keepdims: ${options} }) or ` +
            `${op}(axis, { ddof: 1 }) for PyTorch's unbiased=True)`
          : ""),
    );
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${op}: unknown option "${key}", expected ${expected}`);
    }
  }
  const keepdims = record.keepdims ?? false;
  if (typeof keepdims !== "boolean") {
    throw new TypeError(`${op}: expected a boolean keepdims, found ${shown(keepdims)}`);
  }
  return { keepdims, ddof: record.ddof as number | undefined };
}

/** The axes to reduce, sorted and unique (all axes when none are given). */
function axesOf(
  x: Tensor,
  axis: number | readonly number[] | undefined | null,
  op: string,
): number[] {
  if (axis === undefined || axis === null) return x.shape.map((_, i) => i);
  if (typeof axis !== "number" && !Array.isArray(axis)) {
    throw new TypeError(
      `${op}: expected an axis (an integer or an array of integers) as the first argument, ` +
        `found ${shown(axis)}`,
    );
  }
  const list = typeof axis === "number" ? [axis] : [...axis];
  const axes = list.map((a) => normalizeAxis(a, x.ndim, op));
  if (new Set(axes).size !== axes.length) {
    throw new RangeError(`${op}: repeated axis in [${list.join(", ")}]`);
  }
  return axes.sort((a, b) => a - b);
}

/** `x.shape` with the reduced axes set to 1. */
function keptShape(x: Tensor, axes: readonly number[]): number[] {
  return x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Reduces each of `axes` in turn with a backend primitive; no gradient is recorded. */
function reduceAxes(x: Tensor, op: ReduceOp, axes: readonly number[], keepdims: boolean): Tensor {
  let storage = x.storage;
  const shape = [...x.shape];
  const dtype = op === "argmax" || op === "argmin" ? "int32" : x.dtype;
  for (const axis of axes) {
    // An empty sum is 0 and an empty product 1; the others have no value there.
    if (shape[axis] === 0 && op !== "sum" && op !== "prod") {
      throw new RangeError(
        `${op}: cannot reduce axis ${axis} of size 0 in shape ${formatShape(x.shape)}`,
      );
    }
    const next = x.backend.reduce(op, storage, shape, axis, dtype);
    // An intermediate of a reduction over several axes belongs to no tensor: free it now.
    if (storage !== x.storage) x.backend.dispose?.(storage);
    storage = next;
    shape[axis] = 1;
  }
  const outShape = keepdims ? shape : shape.filter((_, i) => !axes.includes(i));
  return new Tensor(storage, outShape, dtype, x.backend);
}

/**
 * The sum over `axis`; its gradient is the output's gradient, repeated.
 *
 * An int32 sum stays int32 and never wraps: a sum outside the int32 range is
 * a RangeError naming it (NumPy and PyTorch give int64, which we do not
 * have; cast to float64, or float32 on a GPU, first for a wider result). A
 * sum over every axis is one pass, so only the total is checked. The CPU
 * throws at once; a GPU, which cannot without waiting for the result, rejects
 * the next read (`await t.data()` of any tensor) with the RangeError.
 */
export function sum(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis, "sum");
  if (x.dtype === "int32" && axes.length > 1 && axes.length === x.ndim) {
    const total = reduceAxes(reshape(x, [x.size]), "sum", [0], false);
    return keepdims ? reshape(total, x.shape.map(() => 1)) : total;
  }
  return record(reduceAxes(x, "sum", axes, keepdims), "sum", [x], (g) => [
    broadcastTo(reshape(g, keptShape(x, axes)), x.shape),
  ]);
}

/**
 * The product over `axis` (one, several, or all when omitted); an empty
 * product is 1. Several axes are moved to the end and merged into one, so
 * each product is one pass over its entries (PyTorch flattens for a product
 * of all entries, and has no product over several axes).
 *
 * An int32 product stays int32 and never wraps: a product outside the int32
 * range is a RangeError naming it, as `sum`'s (on a GPU, from the next read).
 */
export function prod(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis, "prod");
  // A 0-d tensor (or no axes) is its own product.
  if (axes.length === 0) return reshape(x, x.shape);
  // No axis is PyTorch's prod(x), whose gradient differs from prod(x, dim)'s (see prodGradient).
  const all = axis === undefined || axis === null;
  if (axes.length === 1) return prodAxis(x, axes[0], keepdims, all);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const merged = reshape(transpose(x, [...kept, ...axes]), [...kept.map((i) => x.shape[i]), count]);
  const out = prodAxis(merged, kept.length, false, all);
  return keepdims ? reshape(out, keptShape(x, axes)) : out;
}

/** The product over one axis, with PyTorch 1.13's gradient (`prodGradient`). */
function prodAxis(x: Tensor, axis: number, keepdims: boolean, all: boolean): Tensor {
  const out = reduceAxes(x, "prod", [axis], keepdims);
  return record(out, "prod", [x], (g) => {
    const kept = keptShape(x, [axis]);
    return [prodGradient(x, reshape(out, kept), reshape(g, kept), axis, all)];
  });
}

/**
 * The gradient of a product along `axis`, as PyTorch 1.13's `prod_backward`:
 * `g · out / x` when `x` has no zero at all; with a zero anywhere, every entry
 * takes `g ·` the product of the others in its slice, from running products
 * before and after it (a slice with one zero sends the gradient to the zero
 * alone, one with two or more sends none: zeros, or NaN where one is ∞).
 * PyTorch's product of all entries (`all`) gives plain zeros for two or more
 * zeros, as its gradient outside create_graph does. The choice is made on
 * the device (a `where` on how many entries are 0), so nothing is read back.
 */
function prodGradient(x: Tensor, out: Tensor, g: Tensor, axis: number, all: boolean): Tensor {
  if (x.size === 0) return broadcastTo(g, x.shape);
  const n = x.shape[axis];
  const direct = g.mul(out.div(x));
  const ones = fullLike(slice(x, 0, 1, axis), 1);
  // Entry k's product of entries 0..k-1, and of entries k+1..n-1 (taken from the end).
  const before = scanAxis(concat([ones, slice(x, 0, n - 1, axis)], axis), "prod", axis, false);
  const after = scanAxis(concat([slice(x, 1, n, axis), ones], axis), "prod", axis, true);
  const others = g.mul(before.mul(after));
  const zeros = sum(x.eq(0));
  const grad = where(zeros.gt(0), others, direct);
  return all ? where(zeros.gt(1), 0, grad) : grad;
}

/** The mean over `axis`: the sum divided by the number of elements summed. */
export function mean(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  const axes = axesOf(x, axis, "mean");
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const float = isFloat(x.dtype) ? x : astype(x, "float32");
  return sum(float, axes, keepdims).div(count);
}

/**
 * The largest (or smallest) value over `axis`. The gradient goes to the entries
 * that hold it, split evenly among ties (as PyTorch's `amax`).
 */
function extremum(
  op: "max" | "min",
  x: Tensor,
  axis: number | readonly number[] | undefined,
  keepdims: boolean,
): Tensor {
  const axes = axesOf(x, axis, op);
  const out = reduceAxes(x, op, axes, keepdims);
  return record(out, op, [x], (g) => {
    const kept = keptShape(x, axes);
    const hits = x.eq(reshape(out, kept));
    const share = hits.div(sum(hits, axes, true));
    return [share.mul(reshape(g, kept))];
  });
}

/** The largest value over `axis`. */
export function max(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  return extremum("max", x, axis, keepdims);
}

/** The smallest value over `axis`. */
export function min(x: Tensor, axis?: number | readonly number[], keepdims = false): Tensor {
  return extremum("min", x, axis, keepdims);
}

function argExtremum(
  op: "argmax" | "argmin",
  x: Tensor,
  axis: number | undefined,
  keepdims: boolean,
) {
  if (axis !== undefined && axis !== null && typeof axis !== "number") {
    throw new TypeError(
      `${op}: expected an integer axis as the first argument, found ${shown(axis)}`,
    );
  }
  if (axis === undefined || axis === null) {
    const flat = reduceAxes(reshape(x, [x.size]), op, [0], false);
    return keepdims ? reshape(flat, x.shape.map(() => 1)) : flat;
  }
  return reduceAxes(x, op, [normalizeAxis(axis, x.ndim, op)], keepdims);
}

/** The index of the largest value along `axis` (first on ties), as int32. */
export function argmax(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argExtremum("argmax", x, axis, keepdims);
}

/** The index of the smallest value along `axis` (first on ties), as int32. */
export function argmin(x: Tensor, axis?: number, keepdims = false): Tensor {
  return argExtremum("argmin", x, axis, keepdims);
}

/**
 * The variance over `axis`: `sum((x - mean)²) / max(n - ddof, 0)`. Written with the
 * ops above, so its gradient comes from theirs.
 */
export function variance(
  x: Tensor,
  axis: number | readonly number[] | undefined,
  ddof: number,
  keepdims: boolean,
): Tensor {
  if (typeof ddof !== "number") {
    throw new TypeError(`var: expected a number ddof, found ${shown(ddof)}`);
  }
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`var: expected a non-negative integer ddof, found ${ddof}`);
  }
  const axes = axesOf(x, axis, "var");
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  const float = isFloat(x.dtype) ? x : astype(x, "float32");
  const centered = float.sub(mean(float, axes, true));
  // NumPy and PyTorch clamp n - ddof at 0: ddof past n gives inf (or NaN), never a negative.
  return sum(centered.mul(centered), axes, keepdims).div(Math.max(count - ddof, 0));
}

/** The standard deviation over `axis`: the square root of the variance. */
export function std(
  x: Tensor,
  axis: number | readonly number[] | undefined,
  ddof: number,
  keepdims: boolean,
): Tensor {
  return variance(x, axis, ddof, keepdims).sqrt();
}
