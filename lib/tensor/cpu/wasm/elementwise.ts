/**
 * Element-wise ops on the WebAssembly kernels (`kernels_elementwise.ts`):
 * copy the operands in, run four float32 (two float64) lanes at a time, copy
 * the result out. On one thread: the copies are the main thread's anyway.
 *
 * It pays only in a window of sizes (bench/cpu_wasm_elementwise.ts): below
 * about a thousand elements the call and the copies cost more than the loop;
 * past about 1 MB an operand, every way is bound by memory and the copies make
 * the WebAssembly path the slower one (except for relu, whose TypeScript loop
 * is a branch: see `wasmUnary`). Between (a mini-batch's activations,
 * Adam's steps on the weights) it runs 1.5 to 3 times faster than the
 * backend's TypeScript loops, which V8 cannot specialise once a program has
 * used more than one array type (the He-initialised weights are drawn in
 * float64, labels are int32).
 *
 * @module
 */

import type { BinaryOp, UnaryOp } from "../../backend.ts";
import type { TypedArray } from "../../dtype.ts";
import type { Shape } from "../../shape.ts";
import { BINARY_KERNELS, UNARY_KERNELS } from "./kernels_elementwise.ts";
import { align, freeStart, reserve, type Runtime, view, wasmRuntime } from "./runtime.ts";

/** Fewest elements worth the call and the copies. */
export const MIN_ELEMENTS = 1024;
/** Most bytes an operand may have: past it, copies cost more than the SIMD loop saves. */
export const MAX_BYTES = 1 << 20;

const BINARY = new Set<string>(BINARY_KERNELS);
const UNARY = new Set<string>(UNARY_KERNELS);

/**
 * The kernels' float type for arrays of one float type in the window (or any
 * size past its start, with `anyLarge`), else null.
 */
function kernelType(arrays: TypedArray[], size: number, anyLarge = false): "f32" | "f64" | null {
  const Type = arrays[0].constructor;
  if (arrays.some((a) => a.constructor !== Type)) return null;
  if (Type !== Float32Array && Type !== Float64Array) return null;
  const bytes = size * (Type === Float32Array ? 4 : 8);
  if (size < MIN_ELEMENTS || (bytes > MAX_BYTES && !anyLarge)) return null;
  return Type === Float32Array ? "f32" : "f64";
}

/** Copies `arrays` into the memory one after another; returns their byte addresses. */
function copyIn(rt: Runtime, dtype: "f32" | "f64", arrays: TypedArray[], outSize: number) {
  const bytes = dtype === "f32" ? 4 : 8;
  let at = freeStart(rt);
  const sizes = [...arrays.map((a) => a.length), outSize];
  if (!reserve(rt, at - rt.heap + sizes.reduce((s, n) => s + align(n * bytes), 0))) return null;
  const addresses = sizes.map((n) => {
    const address = at;
    at += align(n * bytes);
    return address;
  });
  arrays.forEach((a, i) => view(rt, dtype, addresses[i], a.length).set(a));
  return addresses;
}

/**
 * `out = x op y` with NumPy broadcasting, for the patterns training meets:
 * x is the full shape, and y has it too, or is one value, or a row repeated
 * down the leading axes (a bias), or a column repeated along the last axis (a
 * row's maximum or sum). Returns false, touching nothing, for anything else.
 *
 * @example A bias added to each row of a batch
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmBinary } from "./elementwise.ts";
 * const x = Float32Array.from({ length: 1024 }, (_, i) => i); // [256, 4]
 * const bias = new Float32Array([0.5, 1, 1.5, 2]);
 * const out = new Float32Array(1024);
 * assert.equal(wasmBinary("add", x, [256, 4], bias, [4], [256, 4], out), true);
 * assert.deepEqual([...out.subarray(0, 5)], [0.5, 2, 3.5, 5, 4.5]);
 * ```
 */
export function wasmBinary(
  op: BinaryOp,
  x: TypedArray,
  _xShape: Shape,
  y: TypedArray,
  yShape: Shape,
  outShape: Shape,
  out: TypedArray,
): boolean {
  const size = out.length;
  if (!BINARY.has(op) || x.length !== size) return false;
  const dtype = kernelType([x, y, out], size);
  if (dtype === null) return false;
  // [rows, cols, y's byte step per row, whether y is a row of cols values]
  const cols = outShape[outShape.length - 1] ?? 1, rows = size / cols;
  const bytes = dtype === "f32" ? 4 : 8;
  const yLast = yShape[yShape.length - 1] ?? 1;
  let layout: [number, number, number, boolean];
  if (y.length === size) layout = [1, size, 0, true];
  else if (y.length === 1) layout = [1, size, 0, false];
  else if (y.length === cols && yLast === cols) layout = [rows, cols, 0, true];
  else if (y.length === rows && yLast === 1) layout = [rows, cols, bytes, false];
  else return false;
  const rt = wasmRuntime();
  if (rt === null) return false;
  const at = copyIn(rt, dtype, [x, y], size);
  if (at === null) return false;
  const [rowCount, colCount, yStep, yVector] = layout;
  rt.functions[`binary_${op}_${dtype}`](at[0], at[1], at[2], rowCount, colCount, yStep, +yVector);
  out.set(view(rt, dtype, at[2], size));
  return true;
}

/**
 * `out = op(x)` for the unary ops with kernels (relu, neg, sqrt, abs); returns
 * false, touching nothing, for others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmUnary } from "./elementwise.ts";
 * const x = Float64Array.from({ length: 2000 }, (_, i) => i - 1000);
 * const out = new Float64Array(2000);
 * assert.equal(wasmUnary("relu", x, out), true);
 * assert.deepEqual([out[0], out[1000], out[1999]], [0, 0, 999]);
 * assert.equal(wasmUnary("relu", x.subarray(0, 10), out.subarray(0, 10)), false); // too few
 * ```
 */
export function wasmUnary(op: UnaryOp, x: TypedArray, out: TypedArray): boolean {
  const size = out.length;
  if (!UNARY.has(op) || x.length !== size) return false;
  // relu is a branch in TypeScript (x < 0 ? 0 : x), which mispredicts on
  // activations of random sign: there the kernel's branch-free pmax pays for
  // the copies at any size, taken a block at a time.
  const dtype = kernelType([x, out], size, op === "relu");
  if (dtype === null) return false;
  const rt = wasmRuntime();
  if (rt === null) return false;
  const block = Math.min(size, MAX_BYTES / (dtype === "f32" ? 4 : 8));
  const at = copyIn(rt, dtype, [x.subarray(0, block)], block);
  if (at === null) return false;
  const kernel = rt.functions[`unary_${op}_${dtype}`];
  for (let start = 0; start < size; start += block) {
    const n = Math.min(block, size - start);
    if (start > 0) view(rt, dtype, at[0], n).set(x.subarray(start, start + n));
    kernel(at[0], at[1], n);
    out.set(view(rt, dtype, at[1], n), start);
  }
  return true;
}
