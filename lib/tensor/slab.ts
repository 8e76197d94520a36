/**
 * Zero-filled memory for small typed arrays, carved from shared slabs.
 *
 * Why: V8 gives every `new Float64Array(n)` of more than a few bytes its own
 * backing store outside the JavaScript heap, and that costs 1–4 µs however small
 * the array (measured here: 1.1 µs for 8 elements, 3.6 µs for 1,180), while a
 * view on an existing `ArrayBuffer` costs about 0.1 µs. The book's Part4-2
 * network makes some 40 tensors of 10 to 1,180 elements per epoch, so
 * allocation alone was a quarter of its training time.
 *
 * How: each size class (a power of two of bytes) has a current slab; an array
 * takes the next free bytes of its class's slab, and a full slab is replaced by
 * a new one. Nothing is ever handed out twice, so the memory is zero as a new
 * typed array's is, and the garbage collector frees a slab once no array on it
 * is alive. The cost of that: an array kept alive keeps its whole slab, so a
 * slab holds at most `ARRAYS_PER_SLAB` arrays of its class and the waste is
 * bounded by that factor; arrays of more than `SLAB_MAX_BYTES` are allocated on
 * their own, where the per-array cost is small beside the work done on them.
 *
 * Arrays from a slab share their `.buffer`: read one through `byteOffset` and
 * `byteLength` (as `set`, `subarray` and `DataView(a.buffer, a.byteOffset, …)`
 * do), never as the whole buffer.
 *
 * @module
 */

/**
 * The largest array, in bytes, taken from a slab.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SLAB_MAX_BYTES, slabArray } from "./slab.ts";
 * const big = slabArray(Float64Array, SLAB_MAX_BYTES / 8 + 1);
 * assert.equal(big.buffer.byteLength, big.byteLength); // a buffer of its own
 * ```
 */
export const SLAB_MAX_BYTES = 32 * 1024;
/** How many arrays of its size class a slab holds at most. */
const ARRAYS_PER_SLAB = 16;
/** Offsets are kept to multiples of 16 bytes (room for any element type). */
const ALIGN = 16;
/** The smallest size class: 2^6 = 64 bytes. */
const MIN_CLASS_LOG = 6;

interface Slab {
  buffer: ArrayBuffer;
  used: number;
}

/** The current slab of each size class, by log2 of the class's bytes. */
const slabs: (Slab | undefined)[] = [];

/** A typed array type: its element size, and its two constructors a slab uses. */
interface TypedArrayType<T> {
  readonly BYTES_PER_ELEMENT: number;
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
}

/**
 * A zero-filled array of `size` elements of `Type`: a view on its size class's
 * slab when it is small, an array of its own otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { slabArray } from "./slab.ts";
 * const a = slabArray(Float32Array, 3), b = slabArray(Float32Array, 3);
 * a[0] = 1;
 * assert.deepEqual([...a], [1, 0, 0]);
 * assert.deepEqual([...b], [0, 0, 0]); // never the same memory
 * assert.equal(a.buffer, b.buffer); // but the same slab
 * ```
 */
export function slabArray<T>(Type: TypedArrayType<T>, size: number): T {
  const bytes = size * Type.BYTES_PER_ELEMENT;
  if (bytes > SLAB_MAX_BYTES || bytes === 0) return new Type(size);
  // The size class: the power of two at or above `bytes` (2^log).
  const log = Math.max(32 - Math.clz32(bytes - 1), MIN_CLASS_LOG);
  const need = Math.ceil(bytes / ALIGN) * ALIGN;
  let slab = slabs[log];
  if (slab === undefined || slab.used + need > slab.buffer.byteLength) {
    slab = { buffer: new ArrayBuffer(ARRAYS_PER_SLAB << log), used: 0 };
    slabs[log] = slab;
  }
  const offset = slab.used;
  slab.used += need;
  return new Type(slab.buffer, offset, size);
}
