/**
 * CPU arrays given back by `dispose()` (and so by `tidy`), handed out again
 * to the next op that needs one of the same size.
 *
 * Why, for large arrays: a new one is fresh memory from the system, and the
 * first write to each of its 4 KiB pages is a page fault. On our build
 * machine that costs about 100 ms for one 60000×128 float64 activation
 * (61 MB; NumPy pays the same for a fresh array: `np.maximum(a, 0)` takes
 * 100 ms the first time and 15 ms once its allocator reuses the block), and
 * the book's full-batch epoch makes six of them. Why, for small ones: even a
 * view carved from a slab (`../slab.ts`) costs a new object and, in the end,
 * the collector's time; Part4-2 makes some 40 of them per epoch. A training
 * step inside `tidy` gives its temporaries back, and the next step's ops find
 * them here: no new memory in a steady loop.
 *
 * Taken back: arrays larger than a slab's that are the only view on a plain
 * `ArrayBuffer` of their own (handed out again as a new view on that buffer,
 * whatever the dtype), and arrays carved from a slab (handed out again as the
 * same object, for the same dtype and length). A tensor collected without
 * `dispose()` is left to the collector: a finaliser would keep its array alive
 * until it ran, and a synchronous loop never lets it run. At most
 * `MAX_KEPT_BYTES` of large arrays wait here (the oldest go first), and at
 * most `MAX_SMALL_BYTES` of small ones (past that, a given-back array is left
 * to the collector).
 *
 * @module
 */

import { allocArray, type DType, type TypedArray } from "../dtype.ts";
import { isSlabArray, SLAB_MAX_BYTES } from "../slab.ts";

/** The most bytes of large arrays kept for reuse: six 61 MB activations of the book's epoch fit. */
export const MAX_KEPT_BYTES = 512 * 2 ** 20;
/** The most bytes of small arrays kept for reuse. */
export const MAX_SMALL_BYTES = 16 * 2 ** 20;

/** Large buffers waiting for reuse, by byte length, oldest first. */
const waiting = new Map<number, ArrayBuffer[]>();
/** Every waiting large buffer in the order it came back, for evicting the oldest. */
const order: ArrayBuffer[] = [];
let keptBytes = 0;

/** Small arrays waiting for reuse, by `smallKey`. */
const small = new Map<number, TypedArray[]>();
let smallBytes = 0;

/** The typed array type of each dtype. */
const TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;
const DTYPE_INDEX = { float32: 0, float64: 1, int32: 2 } as const;

/** One number for a dtype and a length (lengths of small arrays are far below 2^50). */
function smallKey(dtype: DType, length: number): number {
  return length * 4 + DTYPE_INDEX[dtype];
}

/** The dtype of a typed array this module hands out. */
function dtypeOfArray(array: TypedArray): DType {
  return array instanceof Float32Array
    ? "float32"
    : array instanceof Float64Array
    ? "float64"
    : "int32";
}

/**
 * Whether `array` would be kept by `giveBack`: carved from a slab, or larger
 * than a slab's arrays and the only view on a plain `ArrayBuffer` of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reusable } from "./reuse.ts";
 * import { slabArray } from "../slab.ts";
 * assert.equal(reusable(new Float64Array(1 << 20)), true);
 * assert.equal(reusable(slabArray(Float64Array, 8)), true);
 * assert.equal(reusable(new Float64Array(8)), false); // small and not a slab's
 * assert.equal(reusable(new Float64Array(1 << 20).subarray(1)), false); // part of a buffer
 * ```
 */
export function reusable(array: TypedArray): boolean {
  if (array.byteLength <= SLAB_MAX_BYTES) return array.byteLength > 0 && isSlabArray(array);
  const buffer = array.buffer;
  return array.byteOffset === 0 && buffer.byteLength === array.byteLength &&
    buffer instanceof ArrayBuffer && !buffer.resizable;
}

/**
 * Keeps `array`, which no tensor uses any more, for the next array of its
 * size (`reusable` arrays only; others are left alone).
 */
export function giveBack(array: TypedArray): void {
  if (!reusable(array)) return;
  const bytes = array.byteLength;
  if (bytes <= SLAB_MAX_BYTES) {
    if (smallBytes + bytes > MAX_SMALL_BYTES) return;
    const key = smallKey(dtypeOfArray(array), array.length);
    let list = small.get(key);
    if (list === undefined) small.set(key, list = []);
    list.push(array);
    smallBytes += bytes;
    return;
  }
  if (bytes > MAX_KEPT_BYTES) return;
  const buffer = array.buffer as ArrayBuffer;
  let list = waiting.get(bytes);
  if (list === undefined) waiting.set(bytes, list = []);
  list.push(buffer);
  order.push(buffer);
  keptBytes += bytes;
  while (keptBytes > MAX_KEPT_BYTES) {
    const oldest = order.shift()!;
    const same = waiting.get(oldest.byteLength)!;
    same.splice(same.indexOf(oldest), 1);
    if (same.length === 0) waiting.delete(oldest.byteLength);
    keptBytes -= oldest.byteLength;
  }
}

/**
 * An array of `size` elements of `dtype`: one given back earlier when there is
 * one (zero-filled only when `zeroed`: most ops write every element), else a
 * new zero-filled array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { giveBack, takeArray } from "./reuse.ts";
 * const a = takeArray("float64", 1 << 16, true);
 * a.fill(7);
 * giveBack(a);
 * const b = takeArray("float32", 1 << 17, true); // the same bytes, as float32
 * assert.equal(b.buffer, a.buffer);
 * assert.equal(b[0], 0);
 * ```
 */
export function takeArray(dtype: DType, size: number, zeroed: boolean): TypedArray {
  const Type = TYPES[dtype];
  const bytes = size * Type.BYTES_PER_ELEMENT;
  if (bytes <= SLAB_MAX_BYTES) {
    const list = small.get(smallKey(dtype, size));
    const array = list?.pop();
    if (array === undefined) return allocArray(dtype, size);
    smallBytes -= bytes;
    if (zeroed) array.fill(0);
    return array;
  }
  const list = waiting.get(bytes);
  if (list === undefined) return allocArray(dtype, size);
  const buffer = list.pop()!;
  if (list.length === 0) waiting.delete(bytes);
  order.splice(order.lastIndexOf(buffer), 1);
  keptBytes -= bytes;
  const array = new Type(buffer);
  if (zeroed) array.fill(0);
  return array;
}

/**
 * How many bytes of large arrays wait for reuse now (for tests and benchmarks).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keptBytesNow } from "./reuse.ts";
 * assert.ok(keptBytesNow() >= 0);
 * ```
 */
export function keptBytesNow(): number {
  return keptBytes;
}
