/**
 * Element-wise functions of one tensor: each op's value and derivative are
 * declared once, in `../unary_ops.ts` (the book's 4.5 and its activation
 * functions among them); here they are applied and recorded for autograd.
 *
 * @module
 */

import { UNARY_OPS, type UnaryOp } from "../unary_ops.ts";
import { record, willRecord } from "../autograd.ts";
import { isFloat } from "../dtype.ts";
import { describe } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/**
 * `op` applied to each element of `x` (with `params`, for the ops that take
 * some), and its gradient as `UNARY_OPS` declares it. int32 stays int32 for
 * the ops that declare an integer form; the others give float32.
 */
export function unaryOp(x: Tensor, op: UnaryOp, params: readonly number[] = []): Tensor {
  const declaration = UNARY_OPS[op];
  const keepsInt = declaration.wgslInt !== undefined;
  const dtype = isFloat(x.dtype) || keepsInt ? x.dtype : "float32";
  // In a tidy that allows it, over x's memory (never when x's values are kept for a gradient).
  let into = Tensor.overwritable(x);
  if (into !== undefined && (dtype !== x.dtype || willRecord(x))) into = undefined;
  const storage = x.backend.unary(op, x.storage, x.size, dtype, params, into);
  if (into !== undefined && storage === into) Tensor.handOver(x);
  const out = new Tensor(storage, x.shape, dtype, x.backend);
  if (!willRecord(x)) return out;
  return record(out, op, [x], (g) => [declaration.backward(g, x, out, params)]);
}

/** `x` where x ≥ 0, else `slope·x`. */
export function leakyRelu(x: Tensor, slope: number): Tensor {
  checkNumber(slope, "leakyRelu", "slope");
  return unaryOp(x, "leakyRelu", [slope]);
}

/** `x` limited to `[min, max]`. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  checkNumber(min, "clip", "min");
  checkNumber(max, "clip", "max");
  if (min > max) throw new RangeError(`clip: expected min <= max, found min ${min} > max ${max}`);
  return unaryOp(x, "clip", [min, max]);
}

function checkNumber(value: unknown, op: string, name: string): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${op}: expected a number for ${name}, found ${describe(value)}`);
  }
}
