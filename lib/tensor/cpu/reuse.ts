/**
 * Large CPU arrays given back by `dispose()` (and so by `tidy`), handed out
 * again to the next op that needs the same number of bytes.
 *
 * Why: a new large typed array is fresh memory from the system, and the
 * first write to each of its 4 KiB pages is a page fault. On our build
 * machine that costs about 100 ms for one 60000×128 float64 activation
 * (61 MB; NumPy pays the same for a fresh array: `np.maximum(a, 0)` takes
 * 100 ms the first time and 15 ms once its allocator reuses the block), and
 * the book's full-batch epoch makes six of them. A training step inside
 * `tidy` gives its temporaries back, and the next step's ops find them here:
 * no page faults in a steady loop.
 *
 * Only arrays that own their whole buffer and are larger than a slab's
 * (`../slab.ts`: small arrays share slabs, which the collector frees) are
 * taken. (Small arrays were reused too, once: Part4-2, some 40 of them per
 * epoch, ran no faster, as counting each one's holders cost what the slab
 * saved.) A tensor collected without `dispose()` is left to the collector: a
 * finaliser would keep its array alive until it ran, and a synchronous loop
 * never lets it run. At most `MAX_KEPT_BYTES` wait here; the oldest go first.
 *
 * @module
 */

import { allocArray, type DType, type TypedArray } from "../dtype.ts";
import { SLAB_MAX_BYTES } from "../slab.ts";

/** The most bytes kept for reuse: six 61 MB activations of the book's full-batch epoch fit. */
export const MAX_KEPT_BYTES = 512 * 2 ** 20;

/** Buffers waiting for reuse, by byte length, oldest first. */
const waiting = new Map<number, ArrayBuffer[]>();
/** Every waiting buffer in the order it came back, for evicting the oldest. */
const order: ArrayBuffer[] = [];
let keptBytes = 0;

/** The typed array type of each dtype. */
const TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/**
 * Whether `array` would be kept by `giveBack`: larger than a slab's arrays,
 * and the only view on a plain `ArrayBuffer` of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reusable } from "./reuse.ts";
 * assert.equal(reusable(new Float64Array(1 << 20)), true);
 * assert.equal(reusable(new Float64Array(8)), false); // small: the collector's
 * assert.equal(reusable(new Float64Array(1 << 20).subarray(1)), false); // not the whole buffer
 * ```
 */
export function reusable(array: TypedArray): boolean {
  const buffer = array.buffer;
  return array.byteLength > SLAB_MAX_BYTES && array.byteOffset === 0 &&
    buffer.byteLength === array.byteLength && buffer instanceof ArrayBuffer &&
    !buffer.resizable;
}

/**
 * Keeps the memory of `array`, which no tensor uses any more, for the next
 * array of its byte length (`reusable` arrays only; others are left alone).
 */
export function giveBack(array: TypedArray): void {
  if (!reusable(array)) return;
  const buffer = array.buffer as ArrayBuffer;
  const bytes = buffer.byteLength;
  if (bytes > MAX_KEPT_BYTES) return;
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
 * An array of `size` elements of `dtype`: a waiting buffer of that many bytes
 * when there is one (zero-filled only when `zeroed`: most ops write every
 * element), else a new zero-filled array.
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
  const list = bytes > SLAB_MAX_BYTES ? waiting.get(bytes) : undefined;
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
 * How many bytes wait for reuse now (for tests and benchmarks).
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
