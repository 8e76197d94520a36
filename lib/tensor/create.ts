/**
 * Making tensors: from nested arrays or typed arrays, filled, ranges, random,
 * and one-hot encoding.
 *
 * @module
 */

import { allocArray, checkDType, type DType, dtypeOf, type TypedArray } from "./dtype.ts";
import { defaultGenerator, type Generator } from "./random.ts";
import { currentBackend } from "./select_backend.ts";
import { checkShape, describe, formatShape, sizeOf } from "./shape.ts";
import { Tensor } from "./tensor.ts";

/**
 * Options for making a tensor.
 *
 * Chapter: 4.6 tensors (张量).
 */
export interface TensorOptions {
  /** The element type (default `float32`, or the typed array's own type). */
  dtype?: DType;
  /** Whether gradients flow to the tensor (float dtypes only). */
  requiresGrad?: boolean;
}

/**
 * Options for `tensor()`: a shape can be given for flat data.
 *
 * Chapter: 4.6 tensors (张量).
 */
export interface FromDataOptions extends TensorOptions {
  /** The shape to give flat data (a typed array or a flat list). */
  shape?: readonly number[];
}

/**
 * Options for random tensors.
 *
 * Chapter: 4.6 tensors (张量).
 */
export interface RandomOptions extends TensorOptions {
  /** The generator to draw from (default: the global one that `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * Typed arrays `tensor()` accepts; those not of a tensor dtype are converted (uint8 to float32).
 *
 * Chapter: 4.6 tensors (张量).
 */
export type TypedArrayInput =
  | TypedArray
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Int16Array
  | Uint16Array
  | Uint32Array;

/**
 * Nested arrays of numbers (or booleans, read as 0 and 1).
 *
 * Chapter: 4.6 tensors (张量).
 */
export type NestedInput = number | boolean | readonly NestedInput[];

function make(data: TypedArray, shape: readonly number[], options: TensorOptions): Tensor {
  const backend = currentBackend();
  const t = new Tensor(backend.fromArray(data), shape, dtypeOf(data), backend);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** The shape of nested arrays, checking that they are not ragged. */
function nestedShape(data: NestedInput): number[] {
  const shape: number[] = [];
  let level: NestedInput = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
    // The filling below recurses once per axis: refuse what would overflow the stack.
    if (shape.length > MAX_AXES) {
      throw new RangeError(
        `tensor: expected nested arrays at most ${MAX_AXES} deep (as NumPy's 64 axes), found ` +
          "deeper nesting",
      );
    }
  }
  return shape;
}

/** The most axes a tensor made from nested arrays may have (NumPy 2's limit). */
const MAX_AXES = 64;

function flattenInto(
  data: NestedInput,
  shape: readonly number[],
  out: TypedArray,
  path: number[],
  at: { i: number },
): void {
  const depth = path.length;
  if (depth === shape.length) {
    if (typeof data === "number") out[at.i++] = data;
    else if (typeof data === "boolean") out[at.i++] = data ? 1 : 0;
    else {
      throw new TypeError(
        `tensor: expected a number at index [${path.join("][")}], found ${describe(data)}` +
          (Array.isArray(data) ? " (ragged nested array)" : ""),
      );
    }
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new TypeError(
      `tensor: ragged nested array: expected ${shape[depth]} entries at index ` +
        `[${path.join("][")}], found ${Array.isArray(data) ? data.length : describe(data)}`,
    );
  }
  for (let j = 0; j < data.length; j++) {
    path.push(j);
    flattenInto(data[j], shape, out, path, at);
    path.pop();
  }
}

/**
 * A tensor from nested arrays, a number, or a typed array (with an optional
 * `shape` for flat data). The default dtype is float32; a typed array keeps its
 * own type unless `dtype` is given.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "@handson/nn";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * assert.deepEqual([x.shape, x.dtype], [[2, 3], "float32"]);
 * const y = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * assert.deepEqual([y.dtype, y.at(1).toArray()], ["float64", [3, 4]]);
 * ```
 */
export function tensor(
  data: NestedInput | TypedArrayInput,
  options: FromDataOptions = {},
): Tensor {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const known = data instanceof Float32Array || data instanceof Float64Array ||
      data instanceof Int32Array;
    const dtype = checkDType(options.dtype ?? (known ? dtypeOf(data) : "float32"), "tensor");
    const same = known && dtype === dtypeOf(data);
    // A copy either way: the tensor must not change when the caller's array does.
    const typed = same ? (data as TypedArray).slice() : allocArray(dtype, data.length);
    if (!same && dtype === "int32") checkInt32(data as ArrayLike<number>);
    if (!same) typed.set(data as ArrayLike<number>);
    return withShape(typed, [data.length], options);
  }
  const dtype = checkDType(options.dtype ?? "float32", "tensor");
  const shape = nestedShape(data as NestedInput);
  // int32 values are read as doubles first: an Int32Array would wrap 2^31 or 1e20 silently.
  const out = allocArray(dtype === "int32" ? "float64" : dtype, sizeOf(shape));
  flattenInto(data as NestedInput, shape, out, [], { i: 0 });
  if (dtype !== "int32") return withShape(out, shape, options);
  checkInt32(out);
  const ints = allocArray("int32", out.length);
  ints.set(out);
  return withShape(ints, shape, options);
}

/**
 * Throws a RangeError naming the first value int32 cannot hold: NaN, an
 * infinity, or a number out of its range (an Int32Array would wrap 2^31 to
 * -2^31 and make NaN 0 without a word). Fractions are truncated toward zero,
 * as NumPy and PyTorch convert them.
 */
function checkInt32(values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i], t = Math.trunc(v);
    if (!(t >= -2147483648 && t <= 2147483647)) {
      throw new RangeError(
        `tensor: expected int32 values (from -2147483648 to 2147483647; fractions are ` +
          `truncated), found ${v} at index ${i}`,
      );
    }
  }
}

/** Makes a tensor of `data`, in `options.shape` when one is given (same number of elements). */
function withShape(data: TypedArray, natural: number[], options: FromDataOptions): Tensor {
  if (options.shape === undefined) return make(data, natural, options);
  const shape = checkShape(options.shape, "tensor");
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(
      `tensor: shape ${formatShape(shape)} needs ${sizeOf(shape)} elements, found ${data.length}`,
    );
  }
  return make(data, shape, options);
}

/** A tensor of `shape` filled with `value`. */
function filled(shapeIn: readonly number[], value: number, options: TensorOptions, op: string) {
  const shape = checkShape(shapeIn, op);
  const data = allocArray(checkDType(options.dtype ?? "float32", op), sizeOf(shape), op);
  if (value !== 0) data.fill(value);
  return make(data, shape, options);
}

/**
 * A tensor of zeros.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { zeros } from "@handson/nn";
 * assert(zeros([2, 3]).sum().item() === 0);
 * ```
 */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled(shape, 0, options, "zeros");
}

/**
 * A tensor of ones.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ones } from "@handson/nn";
 * assert(ones([2, 3]).sum().item() === 6);
 * ```
 */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled(shape, 1, options, "ones");
}

/**
 * A tensor filled with `value`.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { full } from "@handson/nn";
 * assert.deepEqual(full([2], 7, { dtype: "int32" }).toArray(), [7, 7]);
 * ```
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  if (typeof value !== "number") {
    throw new TypeError(`full: expected a number to fill with, found ${describe(value)}`);
  }
  return filled(shape, value, options, "full");
}

/**
 * A tensor of zeros with the shape and dtype of `like`.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor, zerosLike } from "@handson/nn";
 * assert.deepEqual(zerosLike(tensor([[1, 2]])).shape, [1, 2]);
 * ```
 */
export function zerosLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return filled(like.shape, 0, { dtype: like.dtype, ...options }, "zerosLike");
}

/**
 * A tensor of ones with the shape and dtype of `like`.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onesLike, tensor } from "@handson/nn";
 * assert(onesLike(tensor([1, 2, 3])).sum().item() === 3);
 * ```
 */
export function onesLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return filled(like.shape, 1, { dtype: like.dtype, ...options }, "onesLike");
}

/**
 * The identity matrix (`n` rows, `m` columns, default `m = n`).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eye } from "@handson/nn";
 * assert.deepEqual(eye(2).toArray(), [[1,0],[0,1]]);
 * ```
 */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const shape = checkShape([n, m], "eye");
  const data = allocArray(checkDType(options.dtype ?? "float32", "eye"), n * m, "eye");
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return make(data, shape, options);
}

/**
 * Evenly spaced values in `[start, stop)` with `step`, as NumPy's `arange`:
 * `arange(5)` is 0..4. All-integer arguments give int32, others float32.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { arange } from "@handson/nn";
 * assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
 * assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
 * ```
 */
export function arange(
  start: number,
  stop?: number,
  step = 1,
  options: TensorOptions = {},
): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`arange: expected a finite number for ${name}, found ${describe(v)}`);
    }
  }
  if (step === 0) throw new RangeError("arange: step must not be 0");
  const integral = [start, stop, step].every(Number.isInteger);
  const dtype = checkDType(options.dtype ?? (integral ? "int32" : "float32"), "arange");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return make(data, [n], options);
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, computed as
 * NumPy's `linspace` does (so the values agree to the last bit in float64).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linspace } from "@handson/nn";
 * assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: TensorOptions = {},
): Tensor {
  if (!Number.isInteger(num) || num < 0) {
    throw new RangeError(`linspace: expected a non-negative integer num, found ${describe(num)}`);
  }
  const data = allocArray(checkDType(options.dtype ?? "float32", "linspace"), num);
  const step = (stop - start) / Math.max(num - 1, 1);
  for (let i = 0; i < num; i++) data[i] = i * step + start;
  if (num > 1) data[num - 1] = stop;
  return make(data, [num], options);
}

function randomArray(shapeIn: readonly number[], options: RandomOptions, op: string) {
  const shape = checkShape(shapeIn, op);
  const dtype = checkDType(options.dtype ?? "float32", op);
  if (dtype === "int32") {
    throw new TypeError(`${op}: expected a float dtype for random values, found int32`);
  }
  return { shape, data: allocArray(dtype, sizeOf(shape), op) as Float32Array | Float64Array };
}

/**
 * Uniform random values in [0, 1): the same stream as NumPy's
 * `np.random.rand` after `np.random.seed` / `manualSeed`.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, rand } from "@handson/nn";
 * manualSeed(0);
 * assert(rand([3], { dtype: "float64" }).at(0).item() === 0.5488135039273248);
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { shape: s, data } = randomArray(shape, options, "rand");
  (options.generator ?? defaultGenerator()).fillRandom(data);
  return make(data, s, options);
}

/**
 * Standard normal random values: the same stream as NumPy's
 * `np.random.randn` after `np.random.seed` / `manualSeed`.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, randn } from "@handson/nn";
 * manualSeed(0);
 * assert(randn([2, 10], { dtype: "float64" }).at(0).at(0).item() === 1.764052345967664);
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const { shape: s, data } = randomArray(shape, options, "randn");
  (options.generator ?? defaultGenerator()).fillNormal(data);
  return make(data, s, options);
}

/**
 * Random integers in `[low, high)`, as NumPy's `np.random.randint` (default
 * dtype int32).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manualSeed, randint } from "@handson/nn";
 * manualSeed(0);
 * assert.deepEqual(randint(0, 10, [5]).toArray(), [5, 0, 3, 3, 7]);
 * ```
 */
export function randint(
  low: number,
  high: number,
  shapeIn: readonly number[],
  options: RandomOptions = {},
): Tensor {
  const shape = checkShape(shapeIn, "randint");
  const data = allocArray(
    checkDType(options.dtype ?? "int32", "randint"),
    sizeOf(shape),
    "randint",
  );
  const generator = options.generator ?? defaultGenerator();
  for (let i = 0; i < data.length; i++) data[i] = generator.randint(low, high);
  return make(data, shape, options);
}

/**
 * One-hot rows for integer labels: label `c` becomes a row of `numClasses`
 * zeros with a 1 at `c` (the book's 独热编码). Labels: an int32 tensor or an array.
 * A label outside the classes is a RangeError; for labels computed on a GPU,
 * which are not read back here, it comes out of the next read.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { oneHot } from "@handson/nn";
 * assert.deepEqual(oneHot([2, 0], 3).toArray(), [[0,0,1],[1,0,0]]);
 * ```
 */
export function oneHot(
  labels: Tensor | readonly number[],
  numClasses: number,
  options: TensorOptions = {},
): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(
      `oneHot: expected a positive integer numClasses, found ${describe(numClasses)}`,
    );
  }
  if (labels instanceof Tensor && labels.backend.readSync === undefined) {
    return oneHotOnDevice(labels, numClasses, options);
  }
  const values = labels instanceof Tensor ? labels.dataSync() : labels;
  const shape = labels instanceof Tensor ? labels.shape : [values.length];
  const out = allocArray(
    checkDType(options.dtype ?? "float32", "oneHot"),
    values.length * numClasses,
  );
  for (let i = 0; i < values.length; i++) {
    const c = values[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new RangeError(
        `oneHot: label ${describe(c)} at index ${i} is out of range for ${numClasses} classes ` +
          `(expected an integer from 0 to ${numClasses - 1})`,
      );
    }
    out[i * numClasses + c] = 1;
  }
  return make(out, [...shape, numClasses], options);
}

/**
 * One-hot rows computed where the labels are (a GPU), by comparing them with
 * 0…numClasses-1: reading them back to check them would wait for the device.
 * The backend checks them (`checkLabels`): a label outside the classes is a
 * RangeError now where it knows the values, otherwise out of the next read.
 */
function oneHotOnDevice(labels: Tensor, numClasses: number, options: TensorOptions): Tensor {
  const backend = labels.backend;
  const classes = new Int32Array(numClasses).map((_, i) => i);
  const range = new Tensor(backend.fromArray(classes), [numClasses], "int32", backend);
  const ints = labels.astype("int32");
  backend.checkLabels?.(ints.storage, ints.size, numClasses);
  const out = ints.reshape([...labels.shape, 1]).eq(range)
    .astype(checkDType(options.dtype ?? "float32", "oneHot"));
  if (options.requiresGrad) out.requiresGrad = true;
  return out;
}
