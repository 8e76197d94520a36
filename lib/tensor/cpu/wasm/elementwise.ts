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
import { BINARY_KERNELS, UNARY_KERNELS } from "./kernel_shapes.ts";
import { align, freeStart, reserve, view, wasmRuntime } from "./runtime.ts";

/** Fewest elements worth the call and the copies. */
export const MIN_ELEMENTS = 1024;
/** Most bytes an operand may have: past it, copies cost more than the SIMD loop saves. */
export const MAX_BYTES = 1 << 20;

/**
 * Each kernel's export name, by op and float type, made once: a name built
 * per call (`binary_${op}_${dtype}`) is a fresh string that the lookup must
 * hash. With it, the copies lost their small arrays and closures: a product
 * of two [118, 10] float64 tensors left 1.7 kB of garbage for the collector,
 * where it left 3.0 (an inline op leaves 0.9).
 */
const BINARY_NAMES = new Map<string, { f32: string; f64: string }>(
  BINARY_KERNELS.map((op) => [op, { f32: `binary_${op}_f32`, f64: `binary_${op}_f64` }]),
);
const UNARY_NAMES = new Map<string, { f32: string; f64: string }>(
  UNARY_KERNELS.map((op) => [op, { f32: `unary_${op}_f32`, f64: `unary_${op}_f64` }]),
);

/**
 * The kernels' float type for `x` and `out` of one float type (and `y`, when
 * given) in the window (or any size past its start, with `anyLarge`), else null.
 */
function kernelType(
  x: TypedArray,
  y: TypedArray | null,
  out: TypedArray,
  size: number,
  anyLarge = false,
): "f32" | "f64" | null {
  const Type = x.constructor;
  if (out.constructor !== Type || (y !== null && y.constructor !== Type)) return null;
  if (Type !== Float32Array && Type !== Float64Array) return null;
  const bytes = size * (Type === Float32Array ? 4 : 8);
  if (size < MIN_ELEMENTS || (bytes > MAX_BYTES && !anyLarge)) return null;
  return Type === Float32Array ? "f32" : "f64";
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
  const names = BINARY_NAMES.get(op);
  if (names === undefined || x.length !== size) return false;
  const dtype = kernelType(x, y, out, size);
  if (dtype === null) return false;
  // The kernel walks rowCount rows of colCount values; y moves yStep bytes a
  // row and is a row of colCount values (yVector) or one value.
  const cols = outShape[outShape.length - 1] ?? 1, rows = size / cols;
  const bytes = dtype === "f32" ? 4 : 8;
  const yLast = yShape[yShape.length - 1] ?? 1;
  let rowCount = 1, colCount = size, yStep = 0, yVector = true;
  if (y.length === 1) yVector = false;
  else if (y.length !== size) {
    if (y.length === cols && yLast === cols) {
      rowCount = rows;
      colCount = cols;
    } else if (y.length === rows && yLast === 1) {
      rowCount = rows;
      colCount = cols;
      yStep = bytes;
      yVector = false;
    } else return false;
  }
  const rt = wasmRuntime();
  if (rt === null) return false;
  // x, y and the result one after another from the free start, each 64-byte aligned.
  const at = freeStart(rt);
  const yAt = at + align(size * bytes), outAt = yAt + align(y.length * bytes);
  if (!reserve(rt, outAt + align(size * bytes) - rt.heap)) return false;
  view(rt, dtype, at, size).set(x);
  view(rt, dtype, yAt, y.length).set(y);
  rt.functions[names[dtype]](at, yAt, outAt, rowCount, colCount, yStep, +yVector);
  out.set(view(rt, dtype, outAt, size));
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
  const names = UNARY_NAMES.get(op);
  if (names === undefined || x.length !== size) return false;
  // relu is a branch in TypeScript (x < 0 ? 0 : x), which mispredicts on
  // activations of random sign: there the kernel's branch-free pmax pays for
  // the copies at any size, taken a block at a time.
  const dtype = kernelType(x, null, out, size, op === "relu");
  if (dtype === null) return false;
  const rt = wasmRuntime();
  if (rt === null) return false;
  const bytes = dtype === "f32" ? 4 : 8;
  const block = Math.min(size, MAX_BYTES / bytes);
  const at = freeStart(rt), outAt = at + align(block * bytes);
  if (!reserve(rt, outAt + align(block * bytes) - rt.heap)) return false;
  const kernel = rt.functions[names[dtype]];
  for (let start = 0; start < size; start += block) {
    const n = Math.min(block, size - start);
    view(rt, dtype, at, n).set(start === 0 && n === size ? x : x.subarray(start, start + n));
    kernel(at, outAt, n);
    out.set(view(rt, dtype, outAt, n), start);
  }
  return true;
}
