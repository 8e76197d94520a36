/**
 * The Tensor: an n-dimensional array on a backend, with NumPy's names, NumPy's
 * broadcasting and PyTorch's autograd. Its methods are thin: each op, with its
 * backward beside its forward, lives in `ops/`.
 *
 * @module
 */

import type { Backend, Storage } from "./backend.ts";
import { type GradNode, runBackward } from "./autograd.ts";
import { type DType, isFloat, type TypedArray } from "./dtype.ts";
import { formatValues } from "./format.ts";
import { formatShape, type Shape, sizeOf } from "./shape.ts";
import { ShapeError } from "../errors.ts";
import * as unary from "./ops/unary.ts";
import * as binary from "./ops/binary.ts";
import * as reduce from "./ops/reduce.ts";
import * as movement from "./ops/movement.ts";
import { matmul } from "./ops/matmul.ts";
import { logSoftmax, softmax } from "./ops/softmax.ts";
import { astype } from "./ops/astype.ts";
import { broadcastTo } from "./ops/broadcast.ts";

/** A nested array of numbers, as `toArray()` returns it (a number for a 0-d tensor). */
export type NestedArray = number | NestedArray[];

/** Options of the variance and standard deviation. */
export interface VarOptions {
  /** Delta degrees of freedom: divide by `n - ddof` (NumPy's default 0; pandas' 1). */
  ddof?: number;
  /** Keep the reduced axes with size 1. */
  keepdims?: boolean;
}

/**
 * An n-dimensional array of numbers on a backend, row-major and contiguous.
 * Make one with `tensor`, `zeros`, `randn` and the like; its methods return new
 * tensors and never change it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "@handson/nn";
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.matmul(x.T).sum();
 * y.backward();
 * assert.equal(y.item(), 52); // [[5, 11], [11, 25]] summed
 * assert.deepEqual(x.grad!.toArray(), [[8,12],[8,12]]);
 * ```
 */
export class Tensor {
  /** The size along each axis. */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The backend that holds the elements. */
  readonly backend: Backend;
  #storage: Storage;
  /** For a tensor made lazily: how to make its storage when it is first read. */
  #make: (() => Storage) | null = null;
  #transposeOf: Tensor | null = null;
  /** The gradient of the last `backward()` with respect to this tensor, summed over calls. */
  grad: Tensor | null = null;
  /** How this tensor was made, when it was made by an op that records gradients. */
  node: GradNode | null = null;
  #requiresGrad = false;

  /**
   * Wraps backend storage (ops call this; users call `tensor()` and friends).
   * The storage must hold `sizeOf(shape)` elements of `dtype`.
   */
  constructor(storage: Storage, shape: Shape, dtype: DType, backend: Backend) {
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.backend = backend;
  }

  /** The backend's handle to the elements (for ops and backends, not for users). */
  get storage(): Storage {
    if (this.#make !== null) {
      this.#storage = this.#make();
      this.#make = null;
    }
    return this.#storage;
  }

  /**
   * A tensor whose storage is made by `make` only when something reads it. The
   * 2-D transpose is made so, with `transposeOf` set: a matmul reads the
   * original matrix with a transpose flag instead, so `x.T.matmul(y)` (the
   * book's `np.dot(a1.T, dz2)`) copies nothing.
   */
  static deferred(
    make: () => Storage,
    shape: Shape,
    dtype: DType,
    backend: Backend,
    transposeOf: Tensor | null = null,
  ): Tensor {
    const t = new Tensor(undefined, shape, dtype, backend);
    t.#make = make;
    t.#transposeOf = transposeOf;
    return t;
  }

  /** The matrix this tensor is the (not yet copied) transpose of, if it is one. */
  get transposeOf(): Tensor | null {
    return this.#transposeOf;
  }

  /**
   * Replaces the values of this leaf tensor with `value`'s (converted to this
   * dtype), in place: the object, its shape, `requiresGrad` and `.grad` stay. An
   * optimiser's step and `loadStateDict` use it, so a module and its optimiser
   * see the same parameter. The storage is swapped, never written, so tensors
   * taken earlier (`detach()`, `reshape()`, a state dict) keep the old values.
   * A graph recorded before the swap must have run `backward()` already.
   */
  assign(value: Tensor): this {
    if (this.node !== null) {
      throw new TypeError(
        `assign: cannot assign to a tensor made by the op "${this.node.op}"; only leaf ` +
          "tensors (parameters) hold values that can be replaced",
      );
    }
    if (!(value instanceof Tensor)) {
      throw new TypeError(`assign: expected a Tensor value, found ${typeof value}`);
    }
    if (
      value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])
    ) {
      throw new ShapeError(
        `assign: cannot assign a value of shape ${formatShape(value.shape)} to a tensor of ` +
          `shape ${formatShape(this.shape)}`,
      );
    }
    if (value.backend !== this.backend) {
      throw new TypeError(
        `assign: the value lives on the ${value.backend.name} backend, the tensor on ` +
          this.backend.name,
      );
    }
    this.#storage = astype(value.detach(), this.dtype).storage;
    this.#make = null;
    this.#transposeOf = null;
    return this;
  }

  /** Whether gradients flow to this tensor. Only float tensors can require them. */
  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (value && !isFloat(this.dtype)) {
      throw new TypeError(
        `requiresGrad: only float32 and float64 tensors can require gradients, found ${this.dtype}`,
      );
    }
    this.#requiresGrad = value;
  }

  /** The number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  // ---- Reading values -------------------------------------------------------

  /** A copy of the elements as a typed array (CPU backend only; use `await data()` on a GPU). */
  dataSync(): TypedArray {
    return this.backend.readSync(this.storage, this.dtype, this.size);
  }

  /** A copy of the elements as a typed array, on any backend. */
  data(): Promise<TypedArray> {
    return this.backend.read(this.storage, this.dtype, this.size);
  }

  /** The elements as nested arrays (a plain number for a 0-d tensor). */
  toArray(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  /** The nested arrays, on any backend. */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** The one element of a tensor of size 1, as a number. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item: expected a tensor with one element, found shape ${formatShape(this.shape)} ` +
          `with ${this.size} elements`,
      );
    }
    return this.dataSync()[0];
  }

  /** The tensor printed like a NumPy array, with its shape, dtype and backend. */
  toString(): string {
    const prefix = "Tensor(";
    const values = formatValues(this.dataSync(), this.shape, this.dtype, prefix);
    const grad = this.requiresGrad ? ", requiresGrad=true" : "";
    return `${prefix}${values}, shape=[${this.shape.join(", ")}], dtype=${this.dtype}, ` +
      `backend=${this.backend.name}${grad})`;
  }

  /** How Deno's REPL and `console.log` show a tensor. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  // ---- Autograd -------------------------------------------------------------

  /**
   * Computes the gradient of this tensor with respect to every tensor it was made
   * from that requires one, and adds it to their `.grad`. Without `grad`, this
   * tensor must hold one element (a loss).
   */
  backward(grad?: Tensor): void {
    if (!this.requiresGrad) {
      throw new TypeError(
        "backward: this tensor does not require a gradient (make its inputs with " +
          "{ requiresGrad: true }, outside noGrad)",
      );
    }
    if (grad === undefined && this.size !== 1) {
      throw new RangeError(
        `backward: a gradient can be implied only for a tensor with one element, found shape ` +
          `${formatShape(this.shape)}; pass backward(grad)`,
      );
    }
    const seed = grad === undefined
      ? binary.fullLike(this, 1)
      : movement.reshape(astype(grad, this.dtype), this.shape);
    runBackward(this, seed);
  }

  /** Clears `.grad`, so the next `backward()` starts from zero. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** The same values, cut off from the graph (no gradient flows through it). */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, this.backend);
  }

  /** The values converted to another dtype (float to int32 truncates toward zero). */
  astype(dtype: DType): Tensor {
    return astype(this, dtype);
  }

  // ---- Element-wise, with broadcasting ---------------------------------------

  /** `this + other`. */
  add(other: Tensor | number): Tensor {
    return binary.add(this, other);
  }
  /** `this - other`. */
  sub(other: Tensor | number): Tensor {
    return binary.sub(this, other);
  }
  /** `this * other`, element-wise. */
  mul(other: Tensor | number): Tensor {
    return binary.mul(this, other);
  }
  /** `this / other` (int32 divided by int32 gives float32). */
  div(other: Tensor | number): Tensor {
    return binary.div(this, other);
  }
  /** `this ** other`. */
  pow(other: Tensor | number): Tensor {
    return binary.pow(this, other);
  }
  /** The larger of the two, element-wise. */
  maximum(other: Tensor | number): Tensor {
    return binary.maximum(this, other);
  }
  /** The smaller of the two, element-wise. */
  minimum(other: Tensor | number): Tensor {
    return binary.minimum(this, other);
  }
  /** 1 where `this > other`, else 0. */
  gt(other: Tensor | number): Tensor {
    return binary.compare("gt", this, other);
  }
  /** 1 where `this < other`, else 0. */
  lt(other: Tensor | number): Tensor {
    return binary.compare("lt", this, other);
  }
  /** 1 where `this >= other`, else 0. */
  ge(other: Tensor | number): Tensor {
    return binary.compare("ge", this, other);
  }
  /** 1 where `this <= other`, else 0. */
  le(other: Tensor | number): Tensor {
    return binary.compare("le", this, other);
  }
  /** 1 where `this == other`, else 0. */
  eq(other: Tensor | number): Tensor {
    return binary.compare("eq", this, other);
  }

  /** `-this`. */
  neg(): Tensor {
    return unary.neg(this);
  }
  /** `e ** this`. */
  exp(): Tensor {
    return unary.exp(this);
  }
  /** The natural logarithm. */
  log(): Tensor {
    return unary.log(this);
  }
  /** The square root. */
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  /** The absolute value. */
  abs(): Tensor {
    return unary.abs(this);
  }
  /** The logistic function `1 / (1 + e^-x)`. */
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  /** The hyperbolic tangent. */
  tanh(): Tensor {
    return unary.tanh(this);
  }
  /** `max(x, 0)`. */
  relu(): Tensor {
    return unary.relu(this);
  }
  /** `x` where positive, else `slope * x`. */
  leakyRelu(slope = 0.01): Tensor {
    return unary.leakyRelu(this, slope);
  }
  /** `log(1 + e^x)`, a smooth ReLU. */
  softplus(): Tensor {
    return unary.softplus(this);
  }
  /** The values limited to `[min, max]`. */
  clip(min: number, max: number): Tensor {
    return unary.clip(this, min, max);
  }

  // ---- Reductions -------------------------------------------------------------

  /** The sum over `axis` (one, several, or all when omitted). */
  sum(axis?: number | number[], keepdims = false): Tensor {
    return reduce.sum(this, axis, keepdims);
  }
  /** The mean over `axis` (int32 gives float32). */
  mean(axis?: number | number[], keepdims = false): Tensor {
    return reduce.mean(this, axis, keepdims);
  }
  /** The largest value over `axis`. */
  max(axis?: number | number[], keepdims = false): Tensor {
    return reduce.max(this, axis, keepdims);
  }
  /** The smallest value over `axis`. */
  min(axis?: number | number[], keepdims = false): Tensor {
    return reduce.min(this, axis, keepdims);
  }
  /** The int32 index of the largest value along `axis` (of the flattened tensor when omitted). */
  argmax(axis?: number, keepdims = false): Tensor {
    return reduce.argmax(this, axis, keepdims);
  }
  /** The int32 index of the smallest value along `axis` (of the flattened tensor when omitted). */
  argmin(axis?: number, keepdims = false): Tensor {
    return reduce.argmin(this, axis, keepdims);
  }
  /** The variance over `axis`, dividing by `n - ddof` (default ddof 0, as NumPy). */
  var(axis?: number | number[], options: VarOptions = {}): Tensor {
    return reduce.variance(this, axis, options.ddof ?? 0, options.keepdims ?? false);
  }
  /** The standard deviation over `axis`, dividing by `n - ddof` (default ddof 0, as NumPy). */
  std(axis?: number | number[], options: VarOptions = {}): Tensor {
    return reduce.std(this, axis, options.ddof ?? 0, options.keepdims ?? false);
  }

  // ---- Products and softmax ---------------------------------------------------

  /** The matrix product, with NumPy's rules for 1-D and batched operands. */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** `e^x / sum(e^x)` along `axis`, computed without overflow. */
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  /** `log(softmax(x))` along `axis`, computed without overflow or log(0). */
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }

  // ---- Shape ------------------------------------------------------------------

  /** The same elements in another shape; one size may be -1 (inferred). */
  reshape(shape: readonly number[]): Tensor {
    return movement.reshape(this, shape);
  }
  /** Axes `startAxis` to `endAxis` merged into one (all axes by default), as PyTorch. */
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return movement.flatten(this, startAxis, endAxis);
  }
  /** The axes permuted (reversed when none are given). */
  transpose(...axes: number[]): Tensor {
    return movement.transpose(this, axes.length === 0 ? undefined : axes);
  }
  /** The transpose (axes reversed), as NumPy's `.T`. */
  get T(): Tensor {
    return movement.transpose(this);
  }
  /** Entries `start` to `end` (exclusive) along `axis`, with Python's negative indices. */
  slice(start: number, end?: number, axis = 0): Tensor {
    return movement.slice(this, start, end, axis);
  }
  /** Entry `index` of the first axis (`x[i]` in NumPy), with that axis removed. */
  at(index: number): Tensor {
    return movement.at(this, index);
  }
  /** The entries at `indices` along `axis` (of the flattened tensor when omitted). */
  take(indices: Tensor | readonly number[], axis?: number): Tensor {
    return movement.take(this, indices, axis);
  }
  /** The tensor repeated along broadcast axes to `shape`, as NumPy's `broadcast_to`. */
  broadcastTo(shape: readonly number[]): Tensor {
    return broadcastTo(this, shape);
  }
}

function nest(values: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (axis: number, offset: number, stride: number): NestedArray[] => {
    const n = shape[axis];
    const inner = stride / Math.max(n, 1);
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = axis === shape.length - 1
        ? values[offset + i]
        : build(axis + 1, offset + i * inner, inner);
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}
