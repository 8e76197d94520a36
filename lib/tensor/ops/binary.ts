/**
 * Element-wise ops of two tensors, with NumPy broadcasting: each op's value and
 * derivative are declared once, in `../binary_ops.ts`; here they are applied
 * and recorded for autograd, with broadcasting's backward, `unbroadcast`. And
 * `where`, of three operands.
 *
 * @module
 */

import { BINARY_OPS, type BinaryOp } from "../binary_ops.ts";
import { record, willRecord } from "../autograd.ts";
import { allocArray, type DType, isFloat, promote } from "../dtype.ts";
import { broadcastShapes, describe, sameShape } from "../shape.ts";
import { keep, Tensor } from "../tensor.ts";
import { astype } from "./astype.ts";
import { unbroadcast } from "./broadcast.ts";

/**
 * A 0-d tensor holding `value` on `like`'s backend, in `dtype`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function scalar(value: number, dtype: DType, like: Tensor): Tensor {
  const data = allocArray(dtype, 1);
  data[0] = value;
  return new Tensor(like.backend.fromArray(data), [], dtype, like.backend);
}

/**
 * A tensor of `like`'s shape, dtype and backend filled with `value`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function fullLike(like: Tensor, value: number): Tensor {
  const data = allocArray(like.dtype, like.size);
  data.fill(value);
  return new Tensor(like.backend.fromArray(data), like.shape, like.dtype, like.backend);
}

/**
 * Turns a number operand into a tensor. A number takes the tensor's dtype, as in
 * PyTorch, except that a fraction with an int32 tensor gives float32.
 */
function operand(value: Tensor | number, like: Tensor, op: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== "number") {
    throw new TypeError(`${op}: expected a Tensor or a number, found ${describe(value)}`);
  }
  const dtype = like.dtype === "int32" && !Number.isInteger(value) ? "float32" : like.dtype;
  return constant(value, dtype, like);
}

/**
 * The number operands of recent ops, as 0-d tensors, by backend and dtype,
 * then value. Why: a training loop uses the same few numbers every step
 * (`1 / m`, the rate, `1`), and making a tensor for each took half of a small
 * op's time (`x.mul(0.5)` 3.0 µs against `x.mul(y)` 1.5 on [118, 10]; Part4-2
 * has a dozen a step). Each is kept (no `tidy` frees it) and is never handed
 * to users, so nothing writes to it or disposes it. At most `MAX_CONSTANTS`
 * per dtype; the oldest go first. CPU only (see `constant`).
 */
const constants = new WeakMap<object, Partial<Record<DType, Map<number, Tensor>>>>();
const MAX_CONSTANTS = 64;

/** `value` as a kept 0-d tensor of `dtype` on `like`'s backend, made once while it is used. */
function constant(value: number, dtype: DType, like: Tensor): Tensor {
  // A Map takes -0 for 0, whose sign reaches results (1 / -0): -0 is made each time.
  // Only on the CPU: a GPU counts the memory it holds, and tests that a tidy
  // gives back what it took would count the kept constants.
  if (Object.is(value, -0) || like.backend.name !== "cpu") return scalar(value, dtype, like);
  let byDtype = constants.get(like.backend);
  if (byDtype === undefined) constants.set(like.backend, byDtype = {});
  const made = byDtype[dtype] ??= new Map();
  let t = made.get(value);
  if (t === undefined || t.isDisposed) {
    if (made.size >= MAX_CONSTANTS) made.delete(made.keys().next().value!);
    t = keep(scalar(value, dtype, like));
    made.set(value, t);
  }
  return t;
}

/** Both operands as tensors of one dtype (the wider), and the broadcast shape. */
function align(a: Tensor, bValue: Tensor | number, op: string): [Tensor, Tensor, number[]] {
  const b = operand(bValue, a, op);
  if (b.backend !== a.backend) {
    throw new TypeError(
      `${op}: operands live on different backends (${a.backend.name} and ${b.backend.name})`,
    );
  }
  const dtype = promote(a.dtype, b.dtype);
  return [astype(a, dtype), astype(b, dtype), broadcastShapes(a.shape, b.shape, op)];
}

function apply(op: BinaryOp, a: Tensor, b: Tensor, shape: number[], dtype = a.dtype): Tensor {
  // In a tidy that allows it, over a's memory when a has the result's shape and
  // dtype (never when a's values are kept for a gradient).
  let into = Tensor.overwritable(a);
  if (
    into !== undefined && (dtype !== a.dtype || !sameShape(a.shape, shape) || willRecord(a, b))
  ) {
    into = undefined;
  }
  const storage = a.backend.binary(op, a.storage, a.shape, b.storage, b.shape, shape, dtype, into);
  if (into !== undefined && storage === into) Tensor.handOver(a);
  return new Tensor(storage, shape, dtype, a.backend);
}

/**
 * `op` applied element-wise to `a` and `b` with broadcasting, and its gradient
 * as `BINARY_OPS` declares it, summed back over the broadcast axes. Comparisons
 * are not recorded (not differentiable).
 *
 * Chapter: 4.6 tensors (张量).
 */
export function binaryOp(op: BinaryOp, aValue: Tensor, bValue: Tensor | number): Tensor {
  const declaration = BINARY_OPS[op];
  let [a, b, shape] = align(aValue, bValue, op);
  if (declaration.floatOnly && !isFloat(a.dtype)) {
    [a, b] = [astype(a, "float32"), astype(b, "float32")];
  }
  const out = apply(op, a, b, shape);
  const backward = declaration.backward;
  if (backward === undefined || !willRecord(a, b)) return out;
  return record(out, op, [a, b], (g) => {
    const [ga, gb] = backward(g, a, b, out, where);
    return [
      ga === null ? null : unbroadcast(ga, a.shape),
      gb === null ? null : unbroadcast(gb, b.shape),
    ];
  });
}

/**
 * `a + b`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function add(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("add", a, b);
}

/**
 * `a - b`.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("sub", a, b);
}

/**
 * `a * b`: d(ab)/da = b, d(ab)/db = a.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("mul", a, b);
}

/**
 * `a / b` (int32 / int32 gives float32): d/da = 1/b, d/db = -a/b² = -out/b.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function div(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("div", a, b);
}

/**
 * `a ** b`, with C's special values (`1 ** NaN` is 1): d/da = b·a^(b-1),
 * d/db = a^b·ln a. At the points where these formulas give NaN or ∞ the
 * gradients are PyTorch's: d/da is 0 where b = 0 (`x ** 0` is constant), and
 * d/db is 0 where a = 0 and b ≥ 0 (where `0·ln 0` is taken as 0).
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "@handson/nn";
 * const a = tensor([0, 0, 2], { requiresGrad: true });
 * const b = tensor([0, 1, 0], { requiresGrad: true });
 * a.pow(b).sum().backward();
 * assert.deepEqual(a.grad!.toArray(), [0, 1, 0]);
 * assert.deepEqual(b.grad!.toArray(), [0, 0, Math.fround(Math.LN2)]);
 * ```
 */
export function pow(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("pow", a, b);
}

/**
 * The larger of `a` and `b`, element-wise.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function maximum(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("maximum", a, b);
}

/**
 * The smaller of `a` and `b`, element-wise.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function minimum(a: Tensor, b: Tensor | number): Tensor {
  return binaryOp("minimum", a, b);
}

/**
 * A comparison: 1 where it holds, else 0, in the operands' dtype. Not differentiable.
 *
 * Chapter: 4.6 tensors (张量).
 */
export function compare(
  op: "gt" | "lt" | "ge" | "le" | "eq",
  a: Tensor,
  b: Tensor | number,
): Tensor {
  return binaryOp(op, a, b);
}

/**
 * `a` where `condition` is non-zero, else `b`, with broadcasting (NumPy's
 * `np.where(condition, a, b)`). The gradient flows to the side that was picked.
 *
 * Chapter: 4.6 tensors (张量).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor, where } from "@handson/nn";
 * const x = tensor([-2, 3]);
 * assert.deepEqual(where(x.gt(0), x, 0).toArray(), [0, 3]);
 * ```
 */
export function where(condition: Tensor, aValue: Tensor | number, bValue: Tensor | number): Tensor {
  if (!(condition instanceof Tensor)) {
    throw new TypeError(`where: expected a Tensor condition, found ${describe(condition)}`);
  }
  const first = aValue instanceof Tensor ? aValue : bValue instanceof Tensor ? bValue : condition;
  const [a, b, ab] = align(operand(aValue, first, "where"), bValue, "where");
  const shape = broadcastShapes(condition.shape, ab, "where");
  const storage = a.backend.where(
    condition.storage,
    condition.shape,
    a.storage,
    a.shape,
    b.storage,
    b.shape,
    shape,
    a.dtype,
  );
  const out = new Tensor(storage, shape, a.dtype, a.backend);
  return record(out, "where", [a, b], (g) => {
    const zero = scalar(0, g.dtype, g);
    return [
      unbroadcast(where(condition, g, zero), a.shape),
      unbroadcast(where(condition, zero, g), b.shape),
    ];
  });
}
