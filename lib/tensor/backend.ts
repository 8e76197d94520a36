/**
 * The backend interface: the short list of primitives every backend implements.
 * The rich Tensor API (`lib/tensor/ops/`) is written once on top of these, so a
 * new backend (WebGPU) only implements this file's interface.
 *
 * Primitives take and return opaque storage handles and plain shapes; they know
 * nothing of autograd. All storage is row-major and contiguous.
 *
 * @module
 */

import type { DType, TypedArray } from "./dtype.ts";
import type { Shape } from "./shape.ts";
import type { UnaryOp } from "./unary_ops.ts";
import type { BinaryOp } from "./binary_ops.ts";

/**
 * A backend's handle to the memory that holds a tensor's elements.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type Storage = unknown;

export type { UnaryOp } from "./unary_ops.ts";
export type { BinaryOp } from "./binary_ops.ts";

/**
 * Reductions along one axis. `argmax`/`argmin` give int32 indices (first on ties);
 * `prod` of an empty axis is 1, as `sum`'s is 0.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

/**
 * Running reductions along one axis (see {@linkcode Backend.scan}): `sum` is
 * PyTorch's `cumsum`, `prod` its `cumprod` (which `prod`'s gradient uses).
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export type ScanOp = "sum" | "prod";

/**
 * Sizes and flags of a (batched) matrix product; see {@linkcode Backend.matmul}.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export interface MatmulSpec {
  /** Number of independent products (1 for a plain 2-D matmul). */
  batch: number;
  /** Rows of the result. */
  m: number;
  /** Columns of the result. */
  n: number;
  /** The inner size. */
  k: number;
  /** `a` is stored as [k, m] (so the product uses its transpose). */
  transA: boolean;
  /** `b` is stored as [n, k]. */
  transB: boolean;
}

/**
 * A strided window onto storage: which element `index` maps to.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export interface View {
  /** Element strides per axis (0 repeats along an axis). */
  strides: readonly number[];
  /** Element offset of index [0, 0, …]. */
  offset: number;
}

/**
 * The primitives a backend implements.
 *
 * Chapter: 4.6 tensors (backends, beyond the book).
 */
export interface Backend {
  /** The backend's name, as `getBackend()` reports it. */
  readonly name: "cpu" | "webgpu";
  /** Storage holding `data`; the backend may keep `data` itself, so the caller must not change it. */
  fromArray(data: TypedArray): Storage;
  /** New zero-filled storage of `size` elements. */
  zeros(dtype: DType, size: number): Storage;
  /**
   * The elements as a new typed array, read synchronously. Absent where reading
   * must wait for a device (WebGPU): there `read` is the only way.
   */
  readSync?(storage: Storage, dtype: DType, size: number): TypedArray;
  /** The elements as a new typed array. */
  read(storage: Storage, dtype: DType, size: number): Promise<TypedArray>;
  /**
   * `out[i] = op(x[i])`, stored as `outDtype`. With `into` (storage of the
   * result's size and dtype that the caller gives up: `x`'s own, in
   * `tidyReusing`), a backend may write the result there and
   * return it, or ignore it and return new storage.
   */
  unary(
    op: UnaryOp,
    x: Storage,
    size: number,
    outDtype: DType,
    params: readonly number[],
    into?: Storage,
  ): Storage;
  /**
   * `out[idx] = op(a[idx], b[idx])` with NumPy broadcasting to `outShape`;
   * `into` as for `unary` (`a`'s storage, when `a` has the result's shape).
   */
  binary(
    op: BinaryOp,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
    into?: Storage,
  ): Storage;
  /** `out[idx] = cond[idx] != 0 ? a[idx] : b[idx]`, all three broadcast to `outShape`. */
  where(
    cond: Storage,
    condShape: Shape,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
  ): Storage;
  /** Reduces axis `axis` of `x`; the result has that axis removed. */
  reduce(op: ReduceOp, x: Storage, shape: Shape, axis: number, outDtype: DType): Storage;
  /**
   * The running sum (or product) along axis `axis` of `x`, which has `shape`
   * and `dtype`: the result has the same shape and dtype, and entry `k` along
   * the axis combines entries 0 to `k` (with `reverse`, entries `k` to the
   * last). An int32 running value outside the int32 range is a RangeError,
   * never wrapped: at once on the CPU; a GPU raises a flag that the next read
   * turns into the RangeError.
   */
  scan(
    op: ScanOp,
    x: Storage,
    shape: Shape,
    axis: number,
    reverse: boolean,
    dtype: DType,
  ): Storage;
  /**
   * Optional fused pass: softmax (or, with `log`, log-softmax) of float `x`
   * along `axis`, with the bits of the composite ops (max, sub, exp, sum,
   * div; log-softmax: max, sub, exp, sum, log, sub), which run where it is absent.
   */
  softmax?(x: Storage, shape: Shape, axis: number, log: boolean): Storage;
  /**
   * Batched `out[b] = op(a[b]) · op(b[b])`, all operands in `dtype`. For int32,
   * products and sums wrap as int32 arithmetic does (as PyTorch's); a backend
   * without an int32 product throws a TypeError naming the dtype.
   */
  matmul(a: Storage, b: Storage, spec: MatmulSpec, dtype: DType): Storage;
  /**
   * Picks entries `indices` (int32; negative ones count from the end) along `axis`:
   * the result's shape is `shape` with `shape[axis]` replaced by `count`. An index
   * out of range is a RangeError where the backend can check it.
   */
  gather(x: Storage, shape: Shape, axis: number, indices: Storage, count: number): Storage;
  /** The backward of gather: adds `g`'s entries into a zero tensor with `size` along `axis`. */
  scatterAdd(g: Storage, gShape: Shape, axis: number, indices: Storage, size: number): Storage;
  /** Copies `shape` elements from `src` seen through `srcView` into `dst` seen through `dstView`. */
  copy(src: Storage, srcView: View, dst: Storage, dstView: View, shape: Shape): void;
  /** Converts elements to another dtype (float to int truncates toward zero). */
  cast(x: Storage, size: number, from: DType, to: DType): Storage;
  /**
   * Checks that `count` int32 class labels lie in [0, classes), for a backend
   * that cannot read them without waiting (a GPU's; one that can read has no
   * need of it: `oneHot` reads and checks them). A RangeError now where it still
   * knows their values (uploaded from an array), otherwise out of the next read.
   * A label equal to `ignore` (a loss's `ignoreIndex`) passes.
   */
  checkLabels?(labels: Storage, count: number, classes: number, ignore?: number): void;
  /**
   * Takes back storage that no tensor uses any more: `Tensor` counts the
   * tensors that share a storage and calls it when the last one is disposed
   * (by `dispose()` or `tidy`). A GPU frees the memory, which the garbage
   * collector cannot see, so it is also called for tensors collected without
   * `dispose()`; the CPU keeps large arrays for reuse (see `reusable`).
   */
  dispose?(storage: Storage): void;
  /**
   * Present on a backend whose memory the garbage collector frees by itself
   * (the CPU's typed arrays): whether `dispose` would take `storage` back. Only
   * such storage is counted, and only on `dispose()`: a tensor the collector
   * finds leaves its storage to the collector (a finaliser would keep the
   * memory alive until it ran, and a synchronous loop never lets it run).
   */
  reusable?(storage: Storage): boolean;
  /** The bytes of memory the backend holds for live storage (not counting its pool of free buffers). */
  bytesHeld?(): number;
  /**
   * Waits until all work recorded so far has run; rejects with the first error
   * the device reported (a shader that did not compile, a lost device).
   */
  sync?(): Promise<void>;
}
