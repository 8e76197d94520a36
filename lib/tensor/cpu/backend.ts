/**
 * The CPU backend: typed arrays in this process's memory. It is the reference
 * every other backend is tested against, and it runs everywhere.
 *
 * @module
 */

import type {
  Backend,
  BinaryOp,
  MatmulSpec,
  ReduceOp,
  ScanOp,
  Storage,
  UnaryOp,
  View,
} from "../backend.ts";
import { type DType, dtypeOf, type FloatArray, type TypedArray } from "../dtype.ts";
import { broadcastStrides, formatShape, type Shape, sizeOf } from "../shape.ts";
import { matmul, matmulInt32 } from "./matmul.ts";
import { wasmMatmul } from "./wasm/matmul.ts";
import { blasMatmul } from "./blas.ts";
import { wasmBinary, wasmUnary } from "./wasm/elementwise.ts";
import { giveBack, reusable, takeArray } from "./reuse.ts";
import { slabArray } from "../slab.ts";
import { forgetKeptCopy } from "./wasm/runtime.ts";
import { softmaxInto } from "./softmax.ts";
import { UNARY_OPS } from "../unary_ops.ts";
import { BINARY_OPS } from "../binary_ops.ts";

/** A new array an op writes every element of (reused memory is not cleared first). */
function resultArray(dtype: DType, size: number): TypedArray {
  return takeArray(dtype, size, false);
}

/**
 * An operand's array that an op's result will overwrite (see `Backend.unary`):
 * every loop here reads an element before it writes the same index, so an
 * operand can be its own output. The WebAssembly matmul's kept copy of its
 * old bytes goes stale.
 */
function overwritten(into: Storage): TypedArray {
  const array = into as TypedArray;
  forgetKeptCopy(array.buffer);
  return array;
}

/** A new zero-filled array (for ops that add into their output). */
function zeroArray(dtype: DType, size: number): TypedArray {
  return takeArray(dtype, size, true);
}

type Unary = (x: number, p: readonly number[]) => number;
type Binary = (a: number, b: number) => number;

/** Each unary op as a scalar function (declared, with its backward, in `../unary_ops.ts`). */
const UNARY = Object.fromEntries(
  Object.entries(UNARY_OPS).map(([op, d]) => [op, d.cpu as Unary]),
) as Record<UnaryOp, Unary>;

/** Each binary op as a scalar function (declared, with its backward, in `../binary_ops.ts`). */
const BINARY = Object.fromEntries(
  Object.entries(BINARY_OPS).map(([op, d]) => [op, d.cpu]),
) as Record<BinaryOp, Binary>;

/**
 * The int32 versions of the ops whose float formula is not exact on int32
 * values (a product of two int32 values needs up to 62 bits, float64 keeps 53)
 * or that check their operands (a divisor of 0). The others are exact (a sum
 * or difference needs 33 bits, and storing it in an Int32Array wraps it as
 * int32 arithmetic does).
 */
const INT32_BINARY = Object.fromEntries(
  Object.entries(BINARY_OPS).flatMap(([op, d]) => d.cpuInt !== undefined ? [[op, d.cpuInt]] : []),
) as Partial<Record<BinaryOp, Binary>>;

/** Elements per call of a hot loop (see `sliced`). */
const SLICE = 1 << 16;

/**
 * Runs `loop` over [0, n) a slice at a time; false, touching nothing, when its
 * first slice says the op is not one it has. Why slices: a loop over a large
 * array in one call runs in V8's interpreter until on-stack replacement brings
 * compiled code, which took 180–250 ms for the first 60000×128 mask or
 * comparison (7 ms afterwards); in slices the function itself is compiled
 * after a few calls, as it would be for a small array. (Callers call the
 * loop directly for a small array, without making a closure.)
 */
function sliced(n: number, loop: (from: number, to: number) => boolean): boolean {
  for (let from = 0; from < n || from === 0; from += SLICE) {
    if (!loop(from, Math.min(n, from + SLICE))) return false;
  }
  return true;
}

/**
 * The four arithmetic ops on equal-size operands, written out (each computes
 * exactly what its entry in `BINARY_OPS` does): a loop with the operator
 * inline runs several times faster than one that calls `BINARY[op]` per
 * element, and these four are most of what training does (with `gt` and
 * `eq` for masks and accuracy). Returns false for any other op. Comparisons
 * are written `+(a > b)`, not `a > b ? 1 : 0`: V8 compiles the conditional to a
 * branch, which on data with random signs (a ReLU's mask) mispredicts half the
 * time and ran 3–4 times slower over 7.7 million elements.
 */
function arithmetic(
  op: BinaryOp,
  x: TypedArray,
  y: TypedArray,
  out: TypedArray,
  from: number,
  to: number,
) {
  switch (op) {
    case "add":
      for (let i = from; i < to; i++) out[i] = x[i] + y[i];
      return true;
    case "sub":
      for (let i = from; i < to; i++) out[i] = x[i] - y[i];
      return true;
    case "mul":
      for (let i = from; i < to; i++) out[i] = x[i] * y[i];
      return true;
    case "div":
      for (let i = from; i < to; i++) out[i] = x[i] / y[i];
      return true;
    case "gt":
      for (let i = from; i < to; i++) out[i] = +(x[i] > y[i]);
      return true;
    case "eq":
      for (let i = from; i < to; i++) out[i] = +(x[i] === y[i]);
      return true;
    case "maskPositive":
      for (let i = from; i < to; i++) out[i] = x[i] * +(y[i] > 0);
      return true;
    default:
      return false;
  }
}

/** The same, with a scalar right operand. */
function arithmeticScalar(
  op: BinaryOp,
  x: TypedArray,
  v: number,
  out: TypedArray,
  from: number,
  to: number,
) {
  switch (op) {
    case "add":
      for (let i = from; i < to; i++) out[i] = x[i] + v;
      return true;
    case "sub":
      for (let i = from; i < to; i++) out[i] = x[i] - v;
      return true;
    case "mul":
      for (let i = from; i < to; i++) out[i] = x[i] * v;
      return true;
    case "div":
      for (let i = from; i < to; i++) out[i] = x[i] / v;
      return true;
    // The ReLU's mask in backward (`a1 > 0`), and the like.
    case "gt":
      for (let i = from; i < to; i++) out[i] = +(x[i] > v);
      return true;
    case "lt":
      for (let i = from; i < to; i++) out[i] = +(x[i] < v);
      return true;
    case "ge":
      for (let i = from; i < to; i++) out[i] = +(x[i] >= v);
      return true;
    case "le":
      for (let i = from; i < to; i++) out[i] = +(x[i] <= v);
      return true;
    case "eq":
      for (let i = from; i < to; i++) out[i] = +(x[i] === v);
      return true;
    default:
      return false;
  }
}

/**
 * The four arithmetic ops along one row of a broadcast: `out[o + j] =
 * x[ia + j·sa] op y[ib + j·sb]` for j < n. A bias added to each row of a
 * batch reads both operands in order (sa = sb = 1); a row maximum or sum
 * subtracted or divided along a row repeats one value of y (sb = 0), as
 * softmax does. Returns false for any other op.
 */
function arithmeticRow(
  op: BinaryOp,
  x: TypedArray,
  ia: number,
  sa: number,
  y: TypedArray,
  ib: number,
  sb: number,
  out: TypedArray,
  o: number,
  n: number,
) {
  if (sa === 1 && sb === 1) {
    switch (op) {
      case "add":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] + y[ib + j];
        return true;
      case "sub":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] - y[ib + j];
        return true;
      case "mul":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] * y[ib + j];
        return true;
      case "div":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] / y[ib + j];
        return true;
    }
  } else if (sa === 1 && sb === 0) {
    const v = y[ib];
    switch (op) {
      case "add":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] + v;
        return true;
      case "sub":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] - v;
        return true;
      case "mul":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] * v;
        return true;
      case "div":
        for (let j = 0; j < n; j++) out[o + j] = x[ia + j] / v;
        return true;
    }
  }
  return false;
}

/**
 * The unary ops training runs most, written out as `arithmetic` is; returns
 * false for the others. Each computes exactly what its entry in `UNARY` does.
 */
function unaryInline(
  op: UnaryOp,
  src: TypedArray,
  out: TypedArray,
  from: number,
  to: number,
): boolean {
  switch (op) {
    case "relu":
      for (let i = from; i < to; i++) {
        const v = src[i];
        out[i] = v < 0 ? 0 : v;
      }
      return true;
    case "exp":
      for (let i = from; i < to; i++) out[i] = Math.exp(src[i]);
      return true;
    case "log":
      for (let i = from; i < to; i++) out[i] = Math.log(src[i]);
      return true;
    case "neg":
      for (let i = from; i < to; i++) out[i] = -src[i];
      return true;
    case "sqrt":
      for (let i = from; i < to; i++) out[i] = Math.sqrt(src[i]);
      return true;
    case "sigmoid":
      for (let i = from; i < to; i++) out[i] = 1 / (1 + Math.exp(-src[i]));
      return true;
    case "tanh":
      for (let i = from; i < to; i++) out[i] = Math.tanh(src[i]);
      return true;
    default:
      return false;
  }
}

/**
 * Calls `visit` once per innermost row of `shape`, with the element offset of
 * that row's first element in each of `views`. Rows are walked in row-major
 * order; the caller loops along the last axis itself, which keeps the hot loop
 * free of index arithmetic.
 */
function forEachRow(shape: Shape, views: readonly View[], visit: (offsets: number[]) => void) {
  const nd = shape.length;
  const offsets = views.map((v) => v.offset);
  if (nd <= 1) return visit(offsets);
  const index = new Array<number>(nd - 1).fill(0);
  const rows = sizeOf(shape.slice(0, -1));
  for (let r = 0; r < rows; r++) {
    visit(offsets);
    // Advance the multi-index like an odometer, updating each view's offset.
    for (let axis = nd - 2; axis >= 0; axis--) {
      index[axis]++;
      for (let v = 0; v < views.length; v++) offsets[v] += views[v].strides[axis];
      if (index[axis] < shape[axis]) break;
      for (let v = 0; v < views.length; v++) offsets[v] -= views[v].strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}

/** The view that reads a tensor of `shape` broadcast to `target`. */
function broadcastView(shape: Shape, target: Shape): View {
  return { strides: broadcastStrides(shape, target), offset: 0 };
}

/**
 * `out = x op y` for the four arithmetic ops where y is one row of `n` values
 * repeated down x's rows (a bias), written out as `arithmetic` is; false for
 * any other op.
 */
function arithmeticRows(
  op: BinaryOp,
  x: TypedArray,
  y: TypedArray,
  out: TypedArray,
  n: number,
  size: number,
): boolean {
  switch (op) {
    case "add":
      for (let o = 0; o < size; o += n) for (let j = 0; j < n; j++) out[o + j] = x[o + j] + y[j];
      return true;
    case "sub":
      for (let o = 0; o < size; o += n) for (let j = 0; j < n; j++) out[o + j] = x[o + j] - y[j];
      return true;
    case "mul":
      for (let o = 0; o < size; o += n) for (let j = 0; j < n; j++) out[o + j] = x[o + j] * y[j];
      return true;
    case "div":
      for (let o = 0; o < size; o += n) for (let j = 0; j < n; j++) out[o + j] = x[o + j] / y[j];
      return true;
    default:
      return false;
  }
}

/** The size of a shape's last axis (1 for a scalar). */
function lastOf(shape: Shape): number {
  return shape[shape.length - 1] ?? 1;
}

function lastStride(view: View): number {
  return view.strides[view.strides.length - 1] ?? 0;
}

/** Splits `shape` around `axis` into [outer, size, inner] for reductions and gathers. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

function checkIndex(i: number, size: number, axis: number): number {
  const j = i < 0 ? i + size : i;
  if (j < 0 || j >= size) {
    throw new RangeError(
      `take: index ${i} is out of range for axis ${axis} of size ${size} ` +
        `(expected ${-size} to ${size - 1})`,
    );
  }
  return j;
}

/** Throws if a sum (or product) does not fit in int32 (storing it would wrap it silently). */
function checkInt32Sums(sums: Float64Array, op: "sum" | "prod" = "sum"): void {
  const what = op === "sum" ? "sum" : "product";
  for (const v of sums) {
    if (v > 2147483647 || v < -2147483648) {
      throw new RangeError(
        `${op}: the int32 ${what} ${v} is outside the int32 range [-2147483648, 2147483647]; ` +
          `${op} x.astype("float64") (or "float32") for a wider result`,
      );
    }
  }
}

/**
 * `acc[i] *= src[row + i]` for i < n, as `dtype` multiplies: float32 rounds
 * after each factor; int32 keeps a 0 exact (float64 may have overflowed to ∞
 * on the way, and ∞·0 would be NaN where the exact product is 0; a non-zero
 * integer factor never shrinks a product, so one out of range stays out).
 */
function multiplyInto(acc: Float64Array, src: TypedArray, row: number, n: number, dtype: DType) {
  if (dtype === "float32") {
    for (let i = 0; i < n; i++) acc[i] = Math.fround(acc[i] * src[row + i]);
  } else if (dtype === "int32") {
    for (let i = 0; i < n; i++) {
      const v = src[row + i];
      acc[i] = v === 0 ? 0 : acc[i] * v;
    }
  } else {
    for (let i = 0; i < n; i++) acc[i] *= src[row + i];
  }
}

/** The batched int32 product, each with `matmulInt32` (exact, wrapping as int32). */
function matmulInt32Batch(x: Int32Array, y: Int32Array, spec: MatmulSpec): Int32Array {
  const { batch, m, n, k, transA, transB } = spec;
  const out = new Int32Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    matmulInt32(
      x.subarray(i * m * k, (i + 1) * m * k),
      y.subarray(i * k * n, (i + 1) * k * n),
      out.subarray(i * m * n, (i + 1) * m * n),
      m,
      n,
      k,
      transA,
      transB,
    );
  }
  return out;
}

/** The CPU backend. Storage is a typed array of the tensor's dtype. */
export class CpuBackend implements Backend {
  /** Always `"cpu"`. */
  readonly name = "cpu" as const;

  /** Keeps `data` itself as the storage. */
  fromArray(data: TypedArray): Storage {
    return data;
  }

  /** New zero-filled storage. */
  zeros(dtype: DType, size: number): Storage {
    return zeroArray(dtype, size);
  }

  /** Keeps a large array no tensor uses any more for the next op's result (`./reuse.ts`). */
  dispose(storage: Storage): void {
    const array = storage as TypedArray;
    if (!reusable(array)) return;
    forgetKeptCopy(array.buffer); // the WebAssembly matmul's copy of these bytes goes stale
    giveBack(array);
  }

  /** Whether `dispose` takes `storage` back: arrays larger than a slab's, owning their buffer. */
  reusable(storage: Storage): boolean {
    return reusable(storage as TypedArray);
  }

  /** A copy of the elements. */
  readSync(storage: Storage): TypedArray {
    return (storage as TypedArray).slice();
  }

  /** A copy of the elements, as a promise (for code that also runs on a GPU). */
  read(storage: Storage): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage));
  }

  /** Applies a unary op element-wise (into `into`'s array when given: see `Backend.unary`). */
  unary(
    op: UnaryOp,
    x: Storage,
    size: number,
    outDtype: DType,
    params: readonly number[],
    into?: Storage,
  ): Storage {
    const src = x as TypedArray;
    const out = into === undefined ? resultArray(outDtype, size) : overwritten(into);
    // WebAssembly SIMD where it pays (mid sizes), else a written-out loop, else the general one.
    if (
      !wasmUnary(op, src, out) &&
      !(size <= SLICE
        ? unaryInline(op, src, out, 0, size)
        : sliced(size, (from, to) => unaryInline(op, src, out, from, to)))
    ) {
      const f = UNARY[op];
      for (let i = 0; i < size; i++) out[i] = f(src[i], params);
    }
    return out;
  }

  /** Applies a binary op element-wise with broadcasting. */
  binary(
    op: BinaryOp,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
    into?: Storage,
  ): Storage {
    const x = a as TypedArray, y = b as TypedArray;
    const size = sizeOf(outShape);
    const out = into === undefined ? resultArray(outDtype, size) : overwritten(into);
    // int32 products go through their exact kernel, never the float loops.
    const exact = outDtype === "int32" ? INT32_BINARY[op] : undefined;
    const f = exact ?? BINARY[op];
    if (exact === undefined && wasmBinary(op, x, aShape, y, bShape, outShape, out)) return out;
    if (x.length === size && y.length === size) {
      if (
        exact !== undefined ||
        !(size <= SLICE
          ? arithmetic(op, x, y, out, 0, size)
          : sliced(size, (from, to) => arithmetic(op, x, y, out, from, to)))
      ) {
        for (let i = 0; i < size; i++) out[i] = f(x[i], y[i]);
      }
    } else if (x.length === size && y.length === 1) {
      const v = y[0];
      if (
        exact !== undefined ||
        !(size <= SLICE
          ? arithmeticScalar(op, x, v, out, 0, size)
          : sliced(size, (from, to) => arithmeticScalar(op, x, v, out, from, to)))
      ) {
        for (let i = 0; i < size; i++) out[i] = f(x[i], v);
      }
    } else if (x.length === 1 && y.length === size) {
      const v = x[0];
      for (let i = 0; i < size; i++) out[i] = f(v, y[i]);
    } else if (x.length === size && y.length === lastOf(bShape) && y.length === lastOf(outShape)) {
      // A row repeated down every row (a bias), written out: through forEachRow
      // a [118, 10] bias add took 4.3 µs.
      if (exact !== undefined || !arithmeticRows(op, x, y, out, y.length, size)) {
        const n = y.length;
        for (let o = 0; o < size; o += n) {
          for (let j = 0; j < n; j++) out[o + j] = f(x[o + j], y[j]);
        }
      }
    } else {
      const va = broadcastView(aShape, outShape), vb = broadcastView(bShape, outShape);
      const sa = lastStride(va), sb = lastStride(vb);
      const n = outShape[outShape.length - 1] ?? 1;
      let o = 0;
      forEachRow(outShape, [va, vb], ([ia, ib]) => {
        if (exact !== undefined || !arithmeticRow(op, x, ia, sa, y, ib, sb, out, o, n)) {
          for (let j = 0; j < n; j++) out[o + j] = f(x[ia + j * sa], y[ib + j * sb]);
        }
        o += n;
      });
    }
    return out;
  }

  /** Picks from `a` where `cond` is non-zero, else from `b`, with broadcasting. */
  where(
    cond: Storage,
    condShape: Shape,
    a: Storage,
    aShape: Shape,
    b: Storage,
    bShape: Shape,
    outShape: Shape,
    outDtype: DType,
  ): Storage {
    const c = cond as TypedArray, x = a as TypedArray, y = b as TypedArray;
    const out = resultArray(outDtype, sizeOf(outShape));
    const views = [condShape, aShape, bShape].map((s) => broadcastView(s, outShape));
    const [sc, sa, sb] = views.map(lastStride);
    const n = outShape[outShape.length - 1] ?? 1;
    let o = 0;
    forEachRow(outShape, views, ([ic, ia, ib]) => {
      for (let j = 0; j < n; j++, o++) {
        out[o] = c[ic + j * sc] !== 0 ? x[ia + j * sa] : y[ib + j * sb];
      }
    });
    return out;
  }

  /**
   * Reduces one axis. Sums accumulate in float64 whatever the dtype; an int32
   * sum or product that leaves the int32 range is a RangeError, never wrapped.
   * A float32 product is rounded to float32 after each factor, as PyTorch's
   * and the GPU's are (so a product that overflows on the way is ∞ there too).
   */
  reduce(op: ReduceOp, x: Storage, shape: Shape, axis: number, outDtype: DType): Storage {
    const src = x as TypedArray;
    const [outer, n, inner] = around(shape, axis);
    const out = resultArray(outDtype, outer * inner);
    const isArg = op === "argmax" || op === "argmin";
    // `better(v, best)`: whether v replaces the running value (NaN wins, as in NumPy).
    const better = op === "max" || op === "argmax"
      ? (v: number, best: number) => v > best || (v !== v && best === best)
      : (v: number, best: number) => v < best || (v !== v && best === best);
    // Views on a slab (see slab.ts): a fresh typed array costs V8 1–4 µs, as much as a small sum.
    const acc = slabArray(Float64Array, inner);
    const arg = slabArray(Int32Array, inner);
    // Sums and products start from their identity and take every entry; the others from entry 0.
    const folds = op === "sum" || op === "prod";
    const first = folds ? 0 : 1;
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let i = 0; i < inner; i++) acc[i] = op === "sum" ? 0 : op === "prod" ? 1 : src[base + i];
      if (isArg) arg.fill(0);
      // Walk the reduced axis in the outer loop so that the inner loop reads memory in order.
      for (let k = first; k < n; k++) {
        const row = base + k * inner;
        if (op === "sum") {
          for (let i = 0; i < inner; i++) acc[i] += src[row + i];
        } else if (op === "prod") {
          multiplyInto(acc, src, row, inner, outDtype);
        } else {
          for (let i = 0; i < inner; i++) {
            const v = src[row + i];
            if (better(v, acc[i])) {
              acc[i] = v;
              arg[i] = k;
            }
          }
        }
      }
      if (folds && outDtype === "int32") checkInt32Sums(acc, op);
      out.set(isArg ? arg : acc, o * inner);
    }
    return out;
  }

  /**
   * Running sums or products along one axis, in the order PyTorch's CPU
   * kernel takes (from the last entry back with `reverse`, as its
   * flip-cumsum-flip). Sums accumulate in float64, as PyTorch's float32
   * `cumsum` does on the CPU; products round as `reduce`'s do. An int32
   * running value outside the int32 range is a RangeError naming it.
   */
  scan(
    op: ScanOp,
    x: Storage,
    shape: Shape,
    axis: number,
    reverse: boolean,
    dtype: DType,
  ): Storage {
    const src = x as TypedArray;
    const [outer, n, inner] = around(shape, axis);
    const out = resultArray(dtype, outer * n * inner);
    const acc = slabArray(Float64Array, inner);
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      acc.fill(op === "sum" ? 0 : 1);
      for (let step = 0; step < n; step++) {
        const k = reverse ? n - 1 - step : step;
        const row = base + k * inner;
        if (op === "sum") {
          for (let i = 0; i < inner; i++) acc[i] += src[row + i];
        } else {
          multiplyInto(acc, src, row, inner, dtype);
        }
        if (dtype === "int32") {
          for (let i = 0; i < inner; i++) {
            if (acc[i] > 2147483647 || acc[i] < -2147483648) {
              const name = op === "sum" ? "cumsum" : "cumprod";
              throw new RangeError(
                `${name}: the int32 running ${op === "sum" ? "sum" : "product"} ${acc[i]} at ` +
                  `index ${k} of axis ${axis} (shape ${formatShape(shape)}) is outside the ` +
                  `int32 range [-2147483648, 2147483647]; ${name} x.astype("float64") ` +
                  '(or "float32") for a wider result',
              );
            }
          }
        }
        for (let i = 0; i < inner; i++) out[row + i] = acc[i];
      }
    }
    return out;
  }

  /** Softmax or log-softmax along `axis` in one pass per row (`./softmax.ts`). */
  softmax(x: Storage, shape: Shape, axis: number, log: boolean): Storage {
    const src = x as FloatArray;
    const out = resultArray(dtypeOf(src), src.length) as FloatArray;
    softmaxInto(src, out, ...around(shape, axis), log);
    return out;
  }

  /**
   * Batched matrix product: the platform's BLAS for large float products
   * (`./blas.ts`: with --allow-ffi and an optimised library), else WebAssembly
   * SIMD kernels on all cores, else the TypeScript kernel.
   */
  matmul(a: Storage, b: Storage, spec: MatmulSpec, dtype: DType): Storage {
    if (dtype === "int32") return matmulInt32Batch(a as Int32Array, b as Int32Array, spec);
    const { batch, m, n, k, transA, transB } = spec;
    const x = a as FloatArray, y = b as FloatArray;
    // Zeroed: the TypeScript kernel adds its tiles into the result.
    const out = zeroArray(dtype, batch * m * n) as FloatArray;
    // The BLAS reads and writes these arrays in place, one call per matrix of
    // the batch. Else the WebAssembly kernels where they run (twice as fast as
    // the TypeScript kernel already at 16×16·16×16, copies included:
    // bench/cpu_wasm_bench.ts), else the TypeScript one.
    for (let i = 0; i < batch; i++) {
      const args = [
        x.subarray(i * m * k, (i + 1) * m * k),
        y.subarray(i * k * n, (i + 1) * k * n),
        out.subarray(i * m * n, (i + 1) * m * n),
        m,
        n,
        k,
        transA,
        transB,
      ] as const;
      if (!blasMatmul(...args) && !wasmMatmul(...args)) matmul(...args);
    }
    return out;
  }

  /** Gathers along an axis; negative indices count from the end; others throw a RangeError. */
  gather(x: Storage, shape: Shape, axis: number, indices: Storage, count: number): Storage {
    const src = x as TypedArray, idx = indices as Int32Array;
    const [outer, size, inner] = around(shape, axis);
    const out = resultArray(dtypeOf(src), outer * count * inner);
    for (let j = 0; j < count; j++) checkIndex(idx[j], size, axis);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const from = (o * size + checkIndex(idx[j], size, axis)) * inner;
        out.set(src.subarray(from, from + inner), (o * count + j) * inner);
      }
    }
    return out;
  }

  /** Adds each gathered row of `g` back to where it came from. */
  scatterAdd(g: Storage, gShape: Shape, axis: number, indices: Storage, size: number): Storage {
    const src = g as TypedArray, idx = indices as Int32Array;
    const [outer, count, inner] = around(gShape, axis);
    const out = zeroArray(dtypeOf(src), outer * size * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const to = (o * size + checkIndex(idx[j], size, axis)) * inner;
        const from = (o * count + j) * inner;
        for (let i = 0; i < inner; i++) out[to + i] += src[from + i];
      }
    }
    return out;
  }

  /** Strided copy: the one primitive behind transpose, slicing, concat and broadcastTo. */
  copy(src: Storage, srcView: View, dst: Storage, dstView: View, shape: Shape): void {
    const s = src as TypedArray, d = dst as TypedArray;
    if (sizeOf(shape) === 0) return;
    const ss = lastStride(srcView), ds = lastStride(dstView);
    const n = shape[shape.length - 1] ?? 1;
    forEachRow(shape, [srcView, dstView], ([is, id]) => {
      for (let j = 0; j < n; j++) d[id + j * ds] = s[is + j * ss];
    });
  }

  /** Converts to another dtype; float to int32 truncates toward zero. */
  cast(x: Storage, size: number, _from: DType, to: DType): Storage {
    const out = resultArray(to, size);
    out.set(x as TypedArray);
    return out;
  }
}
