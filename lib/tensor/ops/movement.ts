/**
 * Ops that move elements without computing: reshape, flatten, transpose,
 * slicing, gathering, concat and stack. All but reshape are one strided `copy`
 * (or `gather`) on the backend; each backward moves the gradient back.
 *
 * @module
 */

import { record } from "../autograd.ts";
import { allocArray } from "../dtype.ts";
import { ShapeError } from "../../errors.ts";
import { describe, formatShape, normalizeAxis, type Shape, sizeOf, stridesOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { astype } from "./astype.ts";
import { promote } from "../dtype.ts";

/**
 * The same elements in another shape (no copy). One size may be -1, inferred from the rest.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function reshape(x: Tensor, shapeIn: readonly number[]): Tensor {
  if (!Array.isArray(shapeIn)) {
    throw new TypeError(
      `reshape: expected a shape (an array of sizes), found ${describe(shapeIn)}`,
    );
  }
  const shape = [...shapeIn];
  const unknown = shape.indexOf(-1);
  const known = sizeOf(shape.filter((_, i) => i !== unknown));
  if (shape.some((d, i) => !Number.isInteger(d) || (d < 0 && i !== unknown))) {
    throw new RangeError(
      `reshape: invalid shape ${formatShape(shape)} (sizes must be integers >= 0, one may be -1)`,
    );
  }
  if (unknown >= 0) {
    if (shape.lastIndexOf(-1) !== unknown) {
      throw new RangeError(`reshape: only one size may be -1, found ${formatShape(shape)}`);
    }
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${
          formatShape(shape)
        }`,
      );
    }
    shape[unknown] = x.size / known;
  }
  if (sizeOf(shape) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${
        formatShape(shape)
      } (${sizeOf(shape)} elements)`,
    );
  }
  const out = new Tensor(x.storage, shape, x.dtype, x.backend);
  return record(out, "reshape", [x], (g) => [reshape(g, x.shape)]);
}

/**
 * Axes `startAxis..endAxis` (inclusive) merged into one, as PyTorch's `flatten`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeAxis(startAxis, x.ndim, "flatten");
  const end = normalizeAxis(endAxis, x.ndim, "flatten");
  if (start > end) {
    throw new RangeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  }
  const merged = sizeOf(x.shape.slice(start, end + 1));
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** A contiguous copy of `x` read through `strides` and `offset` as a tensor of `shape`. */
function strided(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  const out = x.backend.zeros(x.dtype, sizeOf(shape));
  x.backend.copy(
    x.storage,
    { strides, offset },
    out,
    { strides: stridesOf(shape), offset: 0 },
    shape,
  );
  return new Tensor(out, shape, x.dtype, x.backend);
}

/**
 * `x` with its axes permuted to `axes` (reversed by default); the gradient is permuted back.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  const perm = axes === undefined
    ? x.shape.map((_, i) => x.ndim - 1 - i)
    : axes.map((a) => normalizeAxis(a, x.ndim, "transpose"));
  if (perm.length !== x.ndim || new Set(perm).size !== perm.length) {
    throw new RangeError(
      `transpose: expected a permutation of ${x.ndim} axes, found [${axes?.join(", ")}]`,
    );
  }
  const own = stridesOf(x.shape);
  const shape = perm.map((a) => x.shape[a]), strides = perm.map((a) => own[a]);
  // A matrix's transpose is copied only if something other than matmul reads it.
  const out = x.ndim === 2 && perm[0] === 1
    ? Tensor.lazyTranspose(x)
    : strided(x, shape, strides, 0);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return record(out, "transpose", [x], (g) => [transpose(g, inverse)]);
}

/** Python's slice bounds: negative counts from the end, then clamped to [0, size]. */
function bound(i: number, size: number): number {
  return Math.min(Math.max(i < 0 ? i + size : i, 0), size);
}

/**
 * Entries `start..end` (exclusive) along `axis`; the gradient is zero outside them.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function slice(x: Tensor, start: number, end?: number, axis = 0, step = 1): Tensor {
  if (x.ndim === 0) throw new RangeError("slice: cannot slice a 0-d tensor");
  const ax = normalizeAxis(axis, x.ndim, "slice");
  for (const [name, v] of [["start", start], ["end", end ?? 0], ["step", step]] as const) {
    if (!Number.isInteger(v)) {
      throw new TypeError(`slice: expected an integer ${name}, found ${describe(v)}`);
    }
  }
  // A step is positive, as PyTorch requires (NumPy's negative steps, which reverse, are not taken).
  if (step < 1) throw new RangeError(`slice: expected a positive step, found ${step}`);
  const size = x.shape[ax];
  const from = bound(start, size);
  const to = Math.max(from, bound(end ?? size, size));
  const shape = x.shape.map((d, i) => (i === ax ? Math.ceil((to - from) / step) : d));
  // Every `step`-th entry: the same memory walked with the axis's stride times the step.
  const strides = stridesOf(x.shape).map((s, i) => (i === ax ? s * step : s));
  const offset = from * stridesOf(x.shape)[ax];
  const out = strided(x, shape, strides, offset);
  return record(out, "slice", [x], (g) => {
    // Write the gradient into the entries taken, in a zero tensor of x's shape.
    const grad = g.backend.zeros(g.dtype, x.size);
    g.backend.copy(g.storage, { strides: stridesOf(shape), offset: 0 }, grad, {
      strides,
      offset,
    }, shape);
    return [new Tensor(grad, x.shape, g.dtype, g.backend)];
  });
}

/**
 * Entry `index` of the first axis, with that axis removed (`x[i]` in NumPy).
 *
 * Chapter: 4.6 tensors (张量).
 */
export function at(x: Tensor, index: number): Tensor {
  if (!Number.isInteger(index)) {
    throw new TypeError(`at: expected an integer index, found ${describe(index)}`);
  }
  const size = x.shape[0];
  if (x.ndim === 0 || index < -size || index >= size) {
    throw new RangeError(
      `at: index ${describe(index)} is out of range for shape ${formatShape(x.shape)}` +
        (x.ndim === 0 ? "" : ` (expected ${-size} to ${size - 1})`),
    );
  }
  const i = index < 0 ? index + size : index;
  return reshape(slice(x, i, i + 1), x.shape.slice(1));
}

/** Indices along axis `axis` of `x` as an int32 tensor on `x`'s backend. */
function indexTensor(x: Tensor, indices: Tensor | readonly number[], axis: number): Tensor {
  if (indices instanceof Tensor) {
    if (indices.dtype !== "int32") {
      throw new TypeError(`take: expected int32 indices, found ${indices.dtype}`);
    }
    return indices;
  }
  if (!Array.isArray(indices)) {
    throw new TypeError(`take: expected an array of integer indices, found ${describe(indices)}`);
  }
  const size = x.shape[axis];
  indices.forEach((index, i) => {
    if (!Number.isInteger(index)) {
      throw new TypeError(
        `take: expected integer indices, found ${describe(index)} at position ${i}`,
      );
    }
    // Checked here, not only by the backend: an Int32Array would wrap 2^32 to 0, a valid row.
    if (index < -size || index >= size) {
      throw new RangeError(
        `take: index ${index} is out of range for axis ${axis} of size ${size} ` +
          `(expected ${-size} to ${size - 1})`,
      );
    }
  });
  const data = allocArray("int32", indices.length);
  data.set(indices);
  return new Tensor(x.backend.fromArray(data), [indices.length], "int32", x.backend);
}

/**
 * The entries at `indices` along `axis` (NumPy's `take`): the result's shape is
 * `x.shape` with axis `axis` replaced by the indices' shape. The gradient adds
 * back into the rows that were picked, once per pick.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function take(x: Tensor, indicesIn: Tensor | readonly number[], axis?: number): Tensor {
  if (axis === undefined) return take(reshape(x, [x.size]), indicesIn, 0);
  const ax = normalizeAxis(axis, x.ndim, "take");
  const indices = indexTensor(x, indicesIn, ax);
  const count = indices.size;
  const storage = x.backend.gather(x.storage, x.shape, ax, indices.storage, count);
  const flatShape = x.shape.map((d, i) => (i === ax ? count : d));
  const out = new Tensor(storage, flatShape, x.dtype, x.backend);
  const taken = record(out, "take", [x], (g) => [
    new Tensor(
      g.backend.scatterAdd(g.storage, flatShape, ax, indices.storage, x.shape[ax]),
      x.shape,
      g.dtype,
      g.backend,
    ),
  ]);
  return reshape(taken, [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)]);
}

/**
 * Tensors joined along an existing axis. Their shapes must agree on the other
 * axes; dtypes are promoted to the widest.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { concat, tensor } from "@handson/nn";
 * const c = concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]);
 * assert.deepEqual(c.shape, [3, 2]);
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (
    !Array.isArray(tensors as unknown) || tensors.length === 0 ||
    tensors.some((t) => !(t instanceof Tensor))
  ) {
    throw new TypeError(
      `concat: expected a non-empty array of Tensors, found ${describe(tensors)}`,
    );
  }
  const first = tensors[0];
  if (first.ndim === 0) throw new ShapeError("concat: cannot join 0-d tensors; use stack");
  const ax = normalizeAxis(axis, first.ndim, "concat");
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${formatShape(t.shape)}, which does not match ` +
          `${formatShape(first.shape)} outside axis ${ax}`,
      );
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promote);
  const inputs = tensors.map((t) => astype(t, dtype));
  const shape = first.shape.map((
    d,
    j,
  ) => (j === ax ? inputs.reduce((n, t) => n + t.shape[ax], 0) : d));
  const outStrides = stridesOf(shape);
  const storage = first.backend.zeros(dtype, sizeOf(shape));
  const starts: number[] = [];
  let start = 0;
  for (const t of inputs) {
    starts.push(start);
    first.backend.copy(t.storage, { strides: stridesOf(t.shape), offset: 0 }, storage, {
      strides: outStrides,
      offset: start * outStrides[ax],
    }, t.shape);
    start += t.shape[ax];
  }
  const out = new Tensor(storage, shape, dtype, first.backend);
  return record(
    out,
    "concat",
    inputs,
    (g) => inputs.map((t, i) => slice(g, starts[i], starts[i] + t.shape[ax], ax)),
  );
}

/**
 * Tensors of one shape stacked along a new axis.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stack, tensor } from "@handson/nn";
 * const s = stack([tensor([1, 2]), tensor([3, 4])], 1);
 * assert.deepEqual(s.toArray(), [[1,3],[2,4]]);
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (
    !Array.isArray(tensors as unknown) || tensors.length === 0 ||
    tensors.some((t) => !(t instanceof Tensor))
  ) {
    throw new TypeError(`stack: expected a non-empty array of Tensors, found ${describe(tensors)}`);
  }
  const first = tensors[0];
  const ax = normalizeAxis(axis, first.ndim + 1, "stack");
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError(
        `stack: tensor ${i} has shape ${formatShape(t.shape)}, expected ${
          formatShape(first.shape)
        }`,
      );
    }
  });
  const expanded = [...first.shape.slice(0, ax), 1, ...first.shape.slice(ax)];
  return concat(tensors.map((t) => reshape(t, expanded)), ax);
}
