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
import { describe, formatShape, type Shape, sizeOf } from "./shape.ts";
import { ShapeError } from "../errors.ts";
import * as unary from "./ops/unary.ts";
import * as binary from "./ops/binary.ts";
import * as reduce from "./ops/reduce.ts";
import { type ReduceOptions, reduceOptions } from "./ops/reduce.ts";
import * as movement from "./ops/movement.ts";
import * as composite from "./ops/composite.ts";
import { cumsum } from "./ops/scan.ts";
import { matmul } from "./ops/matmul.ts";
import { logSoftmax, softmax } from "./ops/softmax.ts";
import { astype } from "./ops/astype.ts";
import { broadcastTo } from "./ops/broadcast.ts";

/**
 * A nested array of numbers, as `toArray()` returns it (a number for a 0-d tensor).
 *
 * Chapter: 4.6 tensors (张量).
 */
export type NestedArray = number | NestedArray[];

export type { ReduceOptions };

/**
 * Options of the variance and standard deviation.
 *
 * Chapter: 4.6 tensors (张量).
 */
export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: divide by `max(n - ddof, 0)` (NumPy's default 0; pandas' 1). */
  ddof?: number;
}

/** The option names each kind of reduction takes. */
const KEEP = ["keepdims"] as const;
const VAR = ["ddof", "keepdims"] as const;

/**
 * Options of `backward()`.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 */
export interface BackwardOptions {
  /** Keep the graph, so that another `backward()` may run through it (PyTorch's `retain_graph`). */
  retainGraph?: boolean;
}

/** `retainGraph` read from `backward`'s options; anything else there is a TypeError. */
function backwardOptions(options: unknown): boolean {
  if (options === undefined) return false;
  const proto = options !== null && typeof options === "object"
    ? Object.getPrototypeOf(options)
    : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(
      `backward: expected options { retainGraph }, found ${describe(options)}`,
    );
  }
  const { retainGraph = false, ...rest } = options as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new TypeError(`backward: unknown option "${unknown[0]}", expected { retainGraph }`);
  }
  if (typeof retainGraph !== "boolean") {
    throw new TypeError(`backward: expected a boolean retainGraph, found ${describe(retainGraph)}`);
  }
  return retainGraph;
}

/**
 * An n-dimensional array of numbers on a backend, row-major and contiguous.
 * Make one with `tensor`, `zeros`, `randn` and the like; its methods return new
 * tensors and never change it.
 *
 * Chapter: 4.6 tensors (张量).
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
  /**
   * The size along each axis: read it, never change it (`reshape` makes a
   * tensor of another shape). It is the tensor's own copy, not frozen: V8's
   * builtins take slow paths on frozen arrays (`slice` ran ten times slower),
   * and Part4-2's small steps ran 11 % faster without.
   */
  readonly shape: Shape;
  /** The element type. */
  readonly dtype: DType;
  /** The backend that holds the elements. */
  readonly backend: Backend;
  #storage: Storage;
  /**
   * For a 2-D transpose not yet copied: the storage of the matrix it
   * transposes, held by this tensor (not the matrix's tensor, which may be
   * disposed first) and copied into `#storage` when something reads it.
   */
  #transposeSource: Storage = undefined;
  #disposed = false;
  /** Whether an op wrote its result over this tensor's memory (see `tidyReusing`). */
  #consumed = false;
  /**
   * The id of the `tidy` scope this tensor was made in (the innermost then), or
   * 0. An id, not the scope's list: a tensor that outlives its scope must not
   * keep the scope's other tensors alive.
   */
  #scopeId = 0;
  /** The values as last read from a backend that reads asynchronously (for printing). */
  #values: TypedArray | null = null;
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
    this.shape = [...shape];
    this.dtype = dtype;
    this.backend = backend;
    this.#storage = storage;
    if (storage !== undefined) hold(this, storage);
    const scope = scopes[scopes.length - 1];
    if (scope !== undefined) {
      scope.tensors.push(this);
      this.#scopeId = scope.id;
    }
  }

  /**
   * For ops, not users: `x`'s storage when an op may write its result over it
   * (see `tidyReusing`), else undefined. It may when `x` was made in the
   * innermost `tidy`, which allows reuse; is neither kept, nor recorded for
   * gradients, nor a deferred transpose; and no other tensor shares its memory
   * (the backend counts who holds it: the CPU's large arrays).
   *
   * @example An op's side of the exchange, as `ops/unary.ts` does it
   * ```ts
   * import assert from "node:assert/strict";
   * import { full } from "../../mod.ts";
   * import { Tensor, tidyReusing } from "./tensor.ts";
   * const big = full([100, 100], -1, { dtype: "float64" }); // 80 kB: its holders are counted
   * assert.equal(Tensor.overwritable(big), undefined); // outside tidyReusing: never
   * tidyReusing(() => {
   *   const x = big.mul(2), view = x.reshape([10000]);
   *   assert.equal(Tensor.overwritable(x), undefined); // the view shares its memory
   *   view.dispose();
   *   const into = Tensor.overwritable(x);
   *   assert.ok(into !== undefined);
   *   const storage = x.backend.unary("neg", x.storage, x.size, x.dtype, [], into);
   *   assert.equal(storage, into); // the CPU wrote over x's memory
   *   Tensor.handOver(x); // before the result's tensor holds it
   *   const out = new Tensor(storage, x.shape, x.dtype, x.backend);
   *   assert.equal(x.isDisposed, true);
   *   assert.equal(out.max().item(), 2);
   * });
   * ```
   */
  static overwritable(x: Tensor): Storage {
    const scope = scopes[scopes.length - 1];
    if (scope === undefined || !scope.reuse || x.#scopeId !== scope.id) return undefined;
    if (x.#disposed || x.#transposeSource !== undefined || x.#requiresGrad) return undefined;
    if (x.node !== null || keptTensors.has(x)) return undefined;
    const storage = x.#storage;
    if (x.backend.reusable === undefined || !x.backend.reusable(storage)) return undefined;
    return holders.get(storage as object) === 1 ? storage : undefined;
  }

  /**
   * For ops, not users: an op wrote its result over `x`'s storage (from
   * `overwritable`), which now belongs to the result's tensor, made next; `x`
   * is disposed, and using it says why.
   */
  static handOver(x: Tensor): void {
    holders.delete(x.#storage as object); // the result's tensor holds it next
    x.#disposed = x.#consumed = true;
    x.#storage = undefined;
    x.#values = null;
  }

  /** The backend's handle to the elements (for ops and backends, not for users). */
  get storage(): Storage {
    this.#checkAlive();
    const source = this.#transposeSource;
    if (source !== undefined) {
      const [rows, cols] = this.shape; // the source is [cols, rows]
      const out = this.backend.zeros(this.dtype, rows * cols);
      this.backend.copy(source, { strides: [1, rows], offset: 0 }, out, {
        strides: [cols, 1],
        offset: 0,
      }, this.shape);
      hold(this, out); // before letting the source go, as in assign
      letGo(this.backend, source);
      this.#storage = out;
      this.#transposeSource = undefined;
    }
    return this.#storage;
  }

  /**
   * The transpose of matrix `x`, copied only when something other than a
   * matmul reads it: a matmul reads `x`'s storage with a transpose flag
   * instead, so `x.T.matmul(y)` (the book's `np.dot(a1.T, dz2)`) copies
   * nothing. It holds `x`'s storage, not `x`, so it lives on after `x` is
   * disposed (by `dispose()` or a `tidy` that returns only the transpose),
   * and it keeps the values `x` had when it was taken (see `assign`).
   */
  static lazyTranspose(x: Tensor): Tensor {
    if (x.ndim !== 2) {
      throw new RangeError(`lazyTranspose: expected a matrix, found shape ${formatShape(x.shape)}`);
    }
    const source = x.storage;
    const t = new Tensor(undefined, [x.shape[1], x.shape[0]], x.dtype, x.backend);
    hold(t, source);
    t.#transposeSource = source;
    return t;
  }

  /**
   * For a 2-D transpose not yet copied: the storage of the [n, m] matrix it
   * transposes, to be read with a transpose flag (ops and backends use it).
   */
  get transposeSource(): Storage {
    this.#checkAlive();
    return this.#transposeSource;
  }

  /**
   * Replaces the values of this leaf tensor with `value`'s (converted to this
   * dtype), in place: the object, its shape, `requiresGrad` and `.grad` stay. An
   * optimiser's step and `loadStateDict` use it, so a module and its optimiser
   * see the same parameter. The storage is swapped, never written, so tensors
   * taken earlier (`detach()`, `reshape()`, `T`, a state dict) keep the old values.
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
    this.#checkAlive();
    const next = value.dtype === this.dtype
      ? value.storage
      : this.backend.cast(value.storage, value.size, value.dtype, this.dtype);
    const before = this.#transposeSource ?? this.#storage;
    hold(this, next); // before letting the old storage go: they may be the same
    if (before !== undefined) letGo(this.backend, before);
    this.#storage = next;
    this.#transposeSource = undefined;
    this.#values = null;
    return this;
  }

  // ---- Memory ---------------------------------------------------------------

  /**
   * Frees the tensor's memory now, instead of when the garbage collector finds
   * it. It matters on a GPU, whose memory the collector cannot see; on the CPU
   * a large array is kept for the next op's result of the same size (no fresh
   * memory, whose first touch is slow: see `cpu/reuse.ts`). Memory shared with other tensors (a
   * `reshape`, a `detach()`) stays until they are disposed too. Using a
   * disposed tensor is an error; disposing it again does nothing.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([1, 2, 3]);
   * const y = x.reshape([3, 1]);
   * x.dispose();
   * assert.equal(x.isDisposed, true);
   * assert.deepEqual(y.toArray(), [[1], [2], [3]]); // y shares the memory and keeps it
   * assert.throws(() => x.add(1), /disposed/);
   * ```
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const storage = this.#transposeSource ?? this.#storage;
    this.#storage = undefined;
    this.#transposeSource = undefined;
    this.#values = null;
    if (storage !== undefined && this.backend.dispose !== undefined) {
      finalizer.unregister(this);
      letGo(this.backend, storage);
    }
  }

  #checkAlive(): void {
    if (this.#consumed) {
      throw new Error(
        `Tensor: the memory of this tensor of shape ${formatShape(this.shape)} was reused ` +
          "for the result of an op it went into (in tidyReusing), so its values are gone; " +
          "there, use a tensor only once as an op's first operand",
      );
    }
    if (this.#disposed) {
      throw new Error(
        `Tensor: this tensor of shape ${formatShape(this.shape)} was disposed (by dispose() or ` +
          "tidy()), so its values are gone; return it from tidy() or keep() it to use it later",
      );
    }
  }

  /** Whether `dispose()` (or the end of a `tidy`) freed this tensor. */
  get isDisposed(): boolean {
    return this.#disposed;
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

  /**
   * A copy of the elements as a typed array, read synchronously: on the CPU
   * backend only. A GPU is read asynchronously (`await t.data()`), since
   * reading waits for the work queued before it.
   */
  dataSync(): TypedArray {
    return this.#readSync("dataSync", "await t.data()");
  }

  /**
   * A copy of the elements as a typed array, on any backend. On a GPU this is
   * where the queued work is submitted and waited for.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.deepEqual(await tensor([1, 2]).mul(3).data(), new Float32Array([3, 6]));
   * ```
   */
  async data(): Promise<TypedArray> {
    if (this.#values !== null) return this.#values.slice();
    const values = await this.backend.read(this.storage, this.dtype, this.size);
    // Kept for printing, which cannot wait (Deno's inspect is synchronous).
    if (this.backend.readSync === undefined && values.length <= KEEP_READ_VALUES) {
      this.#values = values.slice();
    }
    return values;
  }

  /** The elements as nested arrays (a plain number for a 0-d tensor); CPU only, see `array()`. */
  toArray(): NestedArray {
    return nest(this.#readSync("toArray", "await t.array()"), this.shape);
  }

  /** The nested arrays, on any backend. */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape);
  }

  /** The one element of a tensor of size 1, as a number; CPU only, see `itemAsync()`. */
  item(): number {
    this.#checkOne("item");
    return this.#readSync("item", "await t.itemAsync()")[0];
  }

  /**
   * The one element of a tensor of size 1, on any backend.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.equal(await tensor([1, 2, 3]).sum().itemAsync(), 6);
   * ```
   */
  async itemAsync(): Promise<number> {
    this.#checkOne("itemAsync");
    return (await this.data())[0];
  }

  #checkOne(op: string): void {
    if (this.size !== 1) {
      throw new RangeError(
        `${op}: expected a tensor with one element, found shape ${formatShape(this.shape)} ` +
          `with ${this.size} elements`,
      );
    }
  }

  #readSync(op: string, instead: string): TypedArray {
    const storage = this.storage;
    if (this.backend.readSync === undefined) {
      throw new TypeError(
        `${op}: a ${this.backend.name} tensor can only be read asynchronously; use ` +
          `\`${instead}\` (the GPU's work is waited for, not blocked on)`,
      );
    }
    return this.backend.readSync(storage, this.dtype, this.size);
  }

  /**
   * The tensor printed like a NumPy array, with its shape, dtype and backend.
   * A GPU tensor shows its values once they have been read (`await t.data()`);
   * before that, a hint.
   */
  toString(): string {
    const prefix = "Tensor(";
    const tail = `shape=[${this.shape.join(", ")}], dtype=${this.dtype}, ` +
      `backend=${this.backend.name}${this.requiresGrad ? ", requiresGrad=true" : ""})`;
    if (this.#disposed) return `${prefix}<disposed>, ${tail}`;
    const values = this.backend.readSync !== undefined ? this.dataSync() : this.#values;
    if (values === null) {
      return `${prefix}<${this.size} values on the ${this.backend.name} backend: ` +
        `await t.data() to read them>, ${tail}`;
    }
    return `${prefix}${formatValues(values, this.shape, this.dtype, prefix)}, ${tail}`;
  }

  /** How Deno's REPL and `console.log` show a tensor. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  // ---- Autograd -------------------------------------------------------------

  /**
   * Computes the gradient of this tensor with respect to every tensor it was made
   * from that requires one, and adds it to their `.grad`. Without `grad`, this
   * tensor must hold one element (a loss). The graph is used up, as in PyTorch:
   * a second backward through it throws, unless the first one was
   * `backward({ retainGraph: true })`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([1, 2], { requiresGrad: true });
   * const y = x.mul(x).sum();
   * y.backward({ retainGraph: true });
   * y.backward(); // allowed once more: gradients add up
   * assert.deepEqual(x.grad!.toArray(), [4, 8]);
   * assert.throws(() => y.backward(), /second time/);
   * ```
   */
  backward(grad?: Tensor | BackwardOptions, options?: BackwardOptions): void {
    if (grad !== undefined && !(grad instanceof Tensor)) {
      if (options !== undefined) {
        throw new TypeError(
          `backward: expected a Tensor gradient before the options, found ${describe(grad)}`,
        );
      }
      [grad, options] = [undefined, grad];
    }
    const retainGraph = backwardOptions(options);
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
    runBackward(this, seed, retainGraph);
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
  /**
   * `this mod other` with the sign of the divisor, as PyTorch's `remainder`
   * and Python's `%` (int32 stays int32; an int32 divisor of 0 is a
   * RangeError). Gradients as PyTorch's: 1 for `this`, `-⌊this / other⌋` for
   * `other`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.deepEqual(tensor([5, -5, 5]).remainder(tensor([3, 3, -3])).toArray(), [2, 1, -1]);
   * assert.deepEqual(tensor([7.5, -1]).remainder(2).toArray(), [1.5, 1]);
   * ```
   */
  remainder(other: Tensor | number): Tensor {
    return binary.binaryOp("remainder", this, other);
  }
  /**
   * `⌊this / other⌋`, rounded toward -∞ as PyTorch 1.13's `floor_divide`
   * (so `1 // 0.1` is 9, from the exact remainder; int32 stays int32, and an
   * int32 divisor of 0 is a RangeError). A step: its gradient is 0.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.deepEqual(tensor([7, -7]).floorDivide(2).toArray(), [3, -4]);
   * const seven = tensor([7, -7], { dtype: "int32" });
   * assert.deepEqual(seven.floorDivide(-2).toArray(), [-4, 3]);
   * ```
   */
  floorDivide(other: Tensor | number): Tensor {
    return binary.binaryOp("floorDivide", this, other);
  }

  /**
   * `this · (other > 0)` in one pass, without storing the mask: a ReLU's
   * backward as the book writes it (`dz1 = da1 * (a1 > 0)`), with the same
   * bits, in one array's memory instead of two (on MNIST's full batch the
   * mask alone is a 61 MB array).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const a1 = tensor([0, 2, 0, 5]), da1 = tensor([1, 2, 3, 4]);
   * assert.deepEqual(da1.maskPositive(a1).toArray(), da1.mul(a1.gt(0)).toArray());
   * ```
   */
  maskPositive(other: Tensor | number): Tensor {
    return binary.binaryOp("maskPositive", this, other);
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
  /** 1 where `this != other`, else 0 (NaN differs from everything, itself included). */
  ne(other: Tensor | number): Tensor {
    return composite.ne(this, other);
  }

  /** `-this`. */
  neg(): Tensor {
    return unary.unaryOp(this, "neg");
  }
  /** `e ** this`. */
  exp(): Tensor {
    return unary.unaryOp(this, "exp");
  }
  /** The natural logarithm. */
  log(): Tensor {
    return unary.unaryOp(this, "log");
  }
  /** The square root. */
  sqrt(): Tensor {
    return unary.unaryOp(this, "sqrt");
  }
  /** The absolute value. */
  abs(): Tensor {
    return unary.unaryOp(this, "abs");
  }
  /** The logistic function `1 / (1 + e^-x)`. */
  sigmoid(): Tensor {
    return unary.unaryOp(this, "sigmoid");
  }
  /** The hyperbolic tangent. */
  tanh(): Tensor {
    return unary.unaryOp(this, "tanh");
  }
  /** `max(x, 0)`. */
  relu(): Tensor {
    return unary.unaryOp(this, "relu");
  }
  /** `x` where positive, else `slope * x`. */
  leakyRelu(slope = 0.01): Tensor {
    return unary.leakyRelu(this, slope);
  }
  /** `log(1 + e^x)`, a smooth ReLU. */
  softplus(): Tensor {
    return unary.unaryOp(this, "softplus");
  }
  /** The values limited to `[min, max]`. */
  clip(min: number, max: number): Tensor {
    return unary.clip(this, min, max);
  }
  /** The sine (radians). */
  sin(): Tensor {
    return unary.unaryOp(this, "sin");
  }
  /** The cosine (radians). */
  cos(): Tensor {
    return unary.unaryOp(this, "cos");
  }
  /** `log(1 + this)`, exact for small values. */
  log1p(): Tensor {
    return unary.unaryOp(this, "log1p");
  }
  /** `e ** this - 1`, exact for small values. */
  expm1(): Tensor {
    return unary.unaryOp(this, "expm1");
  }
  /** The base-2 logarithm. */
  log2(): Tensor {
    return unary.unaryOp(this, "log2");
  }
  /** The base-10 logarithm. */
  log10(): Tensor {
    return unary.unaryOp(this, "log10");
  }
  /** Rounded down (int32 stays as it is); its gradient is 0. */
  floor(): Tensor {
    return unary.unaryOp(this, "floor");
  }
  /** Rounded up (int32 stays as it is); its gradient is 0. */
  ceil(): Tensor {
    return unary.unaryOp(this, "ceil");
  }
  /** Rounded to the nearest integer, halves to even (as NumPy and PyTorch); its gradient is 0. */
  round(): Tensor {
    return unary.unaryOp(this, "round");
  }
  /** -1, 0 or 1 by the sign (0 for ±0 and NaN, as PyTorch); its gradient is 0. */
  sign(): Tensor {
    return unary.unaryOp(this, "sign");
  }
  /**
   * Rounded toward 0 (int32 stays as it is); its gradient is 0.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.deepEqual(tensor([2.7, -2.7, 0.5]).trunc().toArray(), [2, -2, 0]);
   * ```
   */
  trunc(): Tensor {
    return unary.unaryOp(this, "trunc");
  }
  /**
   * The error function, `2/√π ∫₀ˣ e^(-t²) dt`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const [a, b] = tensor([0, 1], { dtype: "float64" }).erf().toArray() as number[];
   * assert.equal(a, 0);
   * assert.ok(Math.abs(b - 0.8427007929497149) < 1e-15);
   * ```
   */
  erf(): Tensor {
    return unary.unaryOp(this, "erf");
  }
  /**
   * GELU, by default PyTorch's exact form: `this · Φ(this)` with Φ the
   * standard normal's distribution function, `½(1 + erf(x/√2))`; with
   * `"tanh"`, PyTorch's `approximate="tanh"`: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const [a, b, c] = tensor([-1, 0, 1], { dtype: "float64" }).gelu().toArray() as number[];
   * assert.ok(Math.abs(a + 0.15865525393145707) < 1e-15);
   * assert.equal(b, 0);
   * assert.ok(Math.abs(c - 0.8413447460685429) < 1e-15);
   * ```
   */
  gelu(approximate: "none" | "tanh" = "none"): Tensor {
    if (approximate === "tanh") return composite.geluTanh(this);
    if (approximate !== "none") {
      throw new TypeError(
        `gelu: expected approximate "none" or "tanh", found ${JSON.stringify(approximate)}`,
      );
    }
    return unary.unaryOp(this, "gelu");
  }
  /** `this²`. */
  square(): Tensor {
    return composite.square(this);
  }
  /** `1 / this`. */
  reciprocal(): Tensor {
    return composite.reciprocal(this);
  }
  /** `1 / √this`. */
  rsqrt(): Tensor {
    return composite.rsqrt(this);
  }
  /** `this · σ(this)` (SiLU, or swish). */
  silu(): Tensor {
    return composite.silu(this);
  }
  /** ELU: `this` where positive, else `alpha · (e^this - 1)`. */
  elu(alpha = 1): Tensor {
    return composite.elu(this, alpha);
  }

  // ---- Reductions -------------------------------------------------------------
  // Each takes `(axis, options)`: the axis (one, several, or all when omitted or
  // null), then `{ keepdims }` (or `keepdims` itself, a boolean), as `var`/`std`
  // take `{ ddof, keepdims }`. Any other argument is a TypeError naming it.

  /**
   * The sum over `axis` (one, several, or all when omitted). An int32 sum
   * stays int32 and is a RangeError if it leaves the int32 range (never
   * wrapped; on a GPU the next read rejects with it).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([[1, 2], [3, 4]]);
   * assert.deepEqual(x.sum(1).toArray(), [3, 7]);
   * assert.deepEqual(x.sum(1, { keepdims: true }).toArray(), [[3], [7]]);
   * assert.deepEqual(x.sum(1, true).toArray(), [[3], [7]]); // keepdims, NumPy's way
   * assert.throws(() => x.sum({ axis: 1 } as never), TypeError);
   * ```
   */
  sum(axis?: number | number[] | null, options?: ReduceOptions | boolean): Tensor {
    return reduce.sum(this, axis ?? undefined, reduceOptions("sum", options, KEEP, true).keepdims);
  }
  /**
   * The product over `axis` (one, several, or all when omitted; an empty
   * product is 1); options as `sum`'s. The gradient is PyTorch's, zeros
   * included: with one zero in a product, only the zero's entry gets a
   * gradient (the product of the others). An int32 product stays int32 and
   * is a RangeError if it leaves the int32 range (never wrapped; on a GPU the
   * next read rejects with it).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([[1, 2, 3], [4, 0, 6]], { requiresGrad: true });
   * assert.deepEqual(x.prod(1).toArray(), [6, 0]);
   * assert.deepEqual(x.prod(0, true).toArray(), [[4, 0, 18]]);
   * assert.equal(x.prod().item(), 0);
   * x.prod(1).sum().backward();
   * assert.deepEqual(x.grad!.toArray(), [[6, 3, 2], [0, 24, 0]]);
   * assert.throws(() => tensor([65536, 65536], { dtype: "int32" }).prod(), RangeError);
   * ```
   */
  prod(axis?: number | number[] | null, options?: ReduceOptions | boolean): Tensor {
    const { keepdims } = reduceOptions("prod", options, KEEP, true);
    return reduce.prod(this, axis ?? undefined, keepdims);
  }
  /**
   * The running sum along `axis` (required, as PyTorch's `dim`; negative
   * counts from the end): entry k is the sum of entries 0 to k, in the same
   * shape and dtype. Its gradient is the running sum of the output's gradient
   * taken from the end. An int32 running sum stays int32 and is a RangeError
   * if it leaves the int32 range (never wrapped; on a GPU the next read
   * rejects with it).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
   * assert.deepEqual(x.cumsum(1).toArray(), [[1, 3, 6], [4, 9, 15]]);
   * assert.deepEqual(x.cumsum(-2).toArray(), [[1, 2, 3], [5, 7, 9]]);
   * x.cumsum(1).sum().backward();
   * assert.deepEqual(x.grad!.toArray(), [[3, 2, 1], [3, 2, 1]]);
   * assert.throws(() => x.cumsum(2), RangeError);
   * ```
   */
  cumsum(axis: number): Tensor {
    return cumsum(this, axis);
  }
  /** The mean over `axis` (int32 gives float32); options as `sum`'s. */
  mean(axis?: number | number[] | null, options?: ReduceOptions | boolean): Tensor {
    return reduce.mean(
      this,
      axis ?? undefined,
      reduceOptions("mean", options, KEEP, true).keepdims,
    );
  }
  /** The largest value over `axis`; options as `sum`'s. */
  max(axis?: number | number[] | null, options?: ReduceOptions | boolean): Tensor {
    return reduce.max(this, axis ?? undefined, reduceOptions("max", options, KEEP, true).keepdims);
  }
  /**
   * `log Σ e^x` over `axis` (all axes when omitted), computed without
   * overflow, as PyTorch's `logsumexp`; `keepdims` keeps the axis as size 1.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([[0, 0], [1000, 1000]], { dtype: "float64" });
   * assert.deepEqual(x.logsumexp(1).toArray(), [Math.LN2, 1000 + Math.LN2]);
   * ```
   */
  logsumexp(axis?: number, keepdims = false): Tensor {
    return composite.logsumexp(this, axis, keepdims);
  }
  /**
   * The Euclidean (2-) norm over `axis` (all axes when omitted), as PyTorch's
   * `norm`; its gradient is 0 where the norm is 0.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * assert.equal(tensor([3, 4]).norm().item(), 5);
   * assert.deepEqual(tensor([[3, 4], [0, 0]]).norm(1).toArray(), [5, 0]);
   * ```
   */
  norm(axis?: number, keepdims = false): Tensor {
    return composite.norm(this, axis, keepdims);
  }
  /** The smallest value over `axis`; options as `sum`'s. */
  min(axis?: number | number[] | null, options?: ReduceOptions | boolean): Tensor {
    return reduce.min(this, axis ?? undefined, reduceOptions("min", options, KEEP, true).keepdims);
  }
  /**
   * The int32 index of the largest value along `axis` (of the flattened tensor
   * when omitted); options as `sum`'s.
   */
  argmax(axis?: number | null, options?: ReduceOptions | boolean): Tensor {
    const { keepdims } = reduceOptions("argmax", options, KEEP, true);
    return reduce.argmax(this, axis ?? undefined, keepdims);
  }
  /**
   * The int32 index of the smallest value along `axis` (of the flattened tensor
   * when omitted); options as `sum`'s.
   */
  argmin(axis?: number | null, options?: ReduceOptions | boolean): Tensor {
    const { keepdims } = reduceOptions("argmin", options, KEEP, true);
    return reduce.argmin(this, axis ?? undefined, keepdims);
  }
  /**
   * The variance over `axis`, dividing by `max(n - ddof, 0)` (default ddof 0,
   * as NumPy). A boolean second argument is a TypeError: PyTorch reads
   * `std(0, True)` as unbiased, so write `{ ddof: 1 }` or `{ keepdims: true }`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([1, 2.5], { dtype: "float64" });
   * assert.equal(x.var(0, { ddof: 1 }).item(), 1.125);
   * assert.equal(x.var(0, { ddof: 3 }).item(), Infinity); // n - ddof clamped at 0, as NumPy
   * assert.throws(() => x.std(0, true as never), TypeError);
   * ```
   */
  var(axis?: number | number[] | null, options?: VarOptions): Tensor {
    const { ddof, keepdims } = reduceOptions("var", options, VAR, false);
    return reduce.variance(this, axis ?? undefined, ddof ?? 0, keepdims);
  }
  /** The standard deviation over `axis`, the square root of `var` (same options). */
  std(axis?: number | number[] | null, options?: VarOptions): Tensor {
    const { ddof, keepdims } = reduceOptions("std", options, VAR, false);
    return reduce.std(this, axis ?? undefined, ddof ?? 0, keepdims);
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
  /**
   * Size-1 `axis` removed (every size-1 axis when omitted; an axis of another
   * size stays, as in PyTorch).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { zeros } from "@handson/nn";
   * assert.deepEqual(zeros([2, 1, 3, 1]).squeeze().shape, [2, 3]);
   * assert.deepEqual(zeros([2, 1, 3]).squeeze(1).shape, [2, 3]);
   * assert.deepEqual(zeros([2, 1, 3]).unsqueeze(0).shape, [1, 2, 1, 3]);
   * ```
   */
  squeeze(axis?: number): Tensor {
    return composite.squeeze(this, axis);
  }
  /** A new axis of size 1 at `axis` (from `-ndim - 1` to `ndim`). */
  unsqueeze(axis: number): Tensor {
    return composite.unsqueeze(this, axis);
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
  /**
   * Entries `start` to `end` (exclusive) along `axis`, every `step`-th one,
   * with Python's negative indices: `x.slice(1, 7, 0, 2)` is NumPy's and
   * PyTorch's `x[1:7:2]`. The step is positive, as PyTorch requires.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { arange } from "@handson/nn";
   * const x = arange(10);
   * assert.deepEqual(x.slice(1, 7, 0, 2).toArray(), [1, 3, 5]);
   * assert.deepEqual(x.slice(-3).toArray(), [7, 8, 9]);
   * assert.deepEqual(x.reshape([2, 5]).slice(0, undefined, 1, 3).toArray(), [[0, 3], [5, 8]]);
   * ```
   */
  slice(start: number, end?: number, axis = 0, step = 1): Tensor {
    return movement.slice(this, start, end, axis, step);
  }
  /**
   * Entry `index` of the first axis (`x[i]` in NumPy), with that axis removed.
   * One index only: `x.at(0, 1)` is a TypeError (write `x.at(0).at(1)`).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { tensor } from "@handson/nn";
   * const x = tensor([[1, 2], [3, 4]]);
   * assert.deepEqual(x.at(-1).toArray(), [3, 4]);
   * assert.equal(x.at(0).at(1).item(), 2);
   * assert.throws(() => (x.at as (...i: number[]) => unknown)(0, 1), TypeError);
   * ```
   */
  at(index: number, ...more: never[]): Tensor {
    if (more.length > 0) {
      throw new TypeError(
        `at: expected one index, found ${more.length + 1} (${[index, ...more].join(", ")}); ` +
          `index one axis at a time: x.at(${index}).at(${more[0]})`,
      );
    }
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

// ---- Memory: shared storage, the garbage-collector safety net, tidy scopes -----------

/** Values read from a GPU that a tensor keeps for printing: up to this many. */
const KEEP_READ_VALUES = 65536;

/**
 * How many live tensors hold each storage, on backends that take memory back
 * (`backend.dispose`): a reshape or a detach shares its input's storage, so
 * the memory goes back only when the last of them lets go. On the CPU only
 * the arrays it would reuse are counted, and a holder the collector took is
 * never subtracted: its storage is then never given back, which is safe.
 */
const holders = new WeakMap<object, number>();

/**
 * The safety net: a tensor collected without `dispose()` lets go of its
 * storage then. It comes late (the collector sees small objects, not GPU
 * memory), so loops should use `tidy`.
 */
const finalizer = new FinalizationRegistry<{ backend: Backend; storage: Storage }>(
  ({ backend, storage }) => letGo(backend, storage),
);

/** The `tidy` scopes running now, innermost last. */
const scopes: Scope[] = [];
let lastScopeId = 0;

/** A `tidy` running now: the tensors made in it, its id, and whether it is a `tidyReusing`. */
interface Scope {
  tensors: Tensor[];
  id: number;
  reuse: boolean;
}

/** Tensors `keep()` took out of every scope. */
const keptTensors = new WeakSet<Tensor>();

/**
 * Counts `tensor` as a holder of `storage`, and watches it for the collector
 * where the collector cannot see the memory (a GPU's).
 */
function hold(tensor: Tensor, storage: Storage): void {
  const backend = tensor.backend;
  if (backend.dispose === undefined) return;
  if (backend.reusable !== undefined && !backend.reusable(storage)) return;
  const key = storage as object;
  holders.set(key, (holders.get(key) ?? 0) + 1);
  if (backend.reusable !== undefined) return; // the collector frees it, not a finaliser
  finalizer.unregister(tensor);
  finalizer.register(tensor, { backend, storage }, tensor);
}

/** One holder of `storage` is gone; the last one gives it back to the backend. */
function letGo(backend: Backend, storage: Storage): void {
  if (backend.dispose === undefined) return;
  if (backend.reusable !== undefined && !backend.reusable(storage)) return;
  const key = storage as object;
  const held = holders.get(key);
  // Never counted: not made by a tensor here, so not ours to give back for reuse.
  if (held === undefined && backend.reusable !== undefined) return;
  const left = (held ?? 1) - 1;
  if (left > 0) holders.set(key, left);
  else {
    holders.delete(key);
    backend.dispose(storage);
  }
}

/** Adds every tensor in `value` (a tensor, or arrays and plain objects of them) to `found`. */
function collectTensors(value: unknown, found: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value instanceof Tensor) {
    found.add(value);
    return;
  }
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, found, seen);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const v of Object.values(value)) collectTensors(v, found, seen);
  }
}

/**
 * Runs `fn` and frees every tensor it made, except those it returns (a tensor,
 * or arrays and plain objects of tensors) and those passed to `keep()`. A
 * training step in `tidy` leaves GPU memory where it was; so does a loop that
 * evaluates a model. `fn` must be synchronous: read values (`await t.data()`)
 * outside, from a returned tensor. Run `backward()` inside the same `tidy` as
 * the forward pass: the graph's intermediate tensors are freed when it ends,
 * and so is every `.grad` it made that is not returned.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor, tidy } from "@handson/nn";
 * const x = tensor([1, 2, 3]);
 * let inside: ReturnType<typeof tensor> | undefined;
 * const y = tidy(() => {
 *   inside = x.mul(2);
 *   return inside.add(1);
 * });
 * assert.deepEqual(y.toArray(), [3, 5, 7]);
 * assert.equal(inside!.isDisposed, true); // made inside, not returned: freed
 * assert.equal(x.isDisposed, false); // made outside: left alone
 * ```
 */
export function tidy<T>(fn: () => T): T {
  return runTidy(fn, false);
}

/**
 * `tidy(fn)`, in which an element-wise op may also write its result over its
 * first operand when that operand was made in this scope (not in an inner
 * one), has the result's shape and dtype, and nothing else holds its memory:
 * NumPy's temporary elision, which adds the bias of `X @ W1 + b1` into the
 * product's memory (here the relu after it too). The operand is then
 * disposed, so using it again is an error, never a wrong value. Only where no gradient is recorded, and only for the
 * CPU's large arrays (the ones whose memory matters).
 *
 * Internal, not exported from the module: `fn` must use each tensor it makes
 * at most once as an op's first operand, and so must every function it calls.
 * The book's networks use it for lines of primitive ops (`X·W1 + b1`, then
 * relu); a composite op that reads an input twice would fail here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eye, full } from "../../mod.ts";
 * import { type Tensor, tidyReusing } from "./tensor.ts";
 * // Large enough (100×100 float64, 80 kB) for its memory to matter.
 * const X = full([100, 100], -2, { dtype: "float64" }), W = eye(100, 100, { dtype: "float64" });
 * let z: Tensor | undefined;
 * const a = tidyReusing(() => (z = X.matmul(W)).add(3).relu());
 * assert.equal(a.max().item(), 1);
 * assert.throws(() => z!.sum(), /reused/); // its memory became the sum's, then the relu's
 * assert.equal(X.max().item(), -2); // made outside: never overwritten
 * ```
 */
export function tidyReusing<T>(fn: () => T): T {
  return runTidy(fn, true);
}

function runTidy<T>(fn: () => T, reuse: boolean): T {
  if (typeof fn !== "function") {
    throw new TypeError(`tidy: expected a function, found ${typeof fn}`);
  }
  const scope: Scope = { tensors: [], id: ++lastScopeId, reuse };
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    for (const t of scope.tensors) if (!keptTensors.has(t)) t.dispose();
    throw e;
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    // Tensors made after its first await would escape the scope; nothing is freed.
    throw new TypeError(
      "tidy: expected a synchronous function, found one that returned a Promise; await " +
        "outside tidy, or dispose() the tensors yourself",
    );
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned);
  const parent = scopes[scopes.length - 1];
  for (const t of scope.tensors) {
    if (keptTensors.has(t)) continue;
    if (returned.has(t)) parent?.tensors.push(t);
    else t.dispose();
  }
  return result;
}

/**
 * Marks `tensor` to survive every `tidy` it was made in (state a loop keeps
 * from one step to the next), and returns it.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keep, tensor, tidy } from "@handson/nn";
 * let state = tensor([0]);
 * tidy(() => {
 *   state = keep(state.add(1));
 * });
 * assert.deepEqual(state.toArray(), [1]);
 * ```
 */
export function keep<T extends Tensor>(tensor: T): T {
  if (!(tensor instanceof Tensor)) {
    throw new TypeError(`keep: expected a Tensor, found ${typeof tensor}`);
  }
  keptTensors.add(tensor);
  return tensor;
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
