/**
 * Element-wise functions of one tensor, each with its derivative beside it
 * (the book's 4.5 and its activation functions).
 *
 * @module
 */

import type { UnaryOp } from "../backend.ts";
import { record } from "../autograd.ts";
import { isFloat } from "../dtype.ts";
import { describe } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** Ops whose result stays int32 for int32 input; the others give float32. */
const KEEPS_INT = new Set<UnaryOp>(["neg", "abs", "relu", "clip"]);

function apply(x: Tensor, op: UnaryOp, params: readonly number[] = []): Tensor {
  const dtype = isFloat(x.dtype) || KEEPS_INT.has(op) ? x.dtype : "float32";
  return new Tensor(
    x.backend.unary(op, x.storage, x.size, dtype, params),
    x.shape,
    dtype,
    x.backend,
  );
}

/** `-x`. */
export function neg(x: Tensor): Tensor {
  return record(apply(x, "neg"), "neg", [x], (g) => [g.neg()]);
}

/** `e^x`; its derivative is itself. */
export function exp(x: Tensor): Tensor {
  const out = apply(x, "exp");
  return record(out, "exp", [x], (g) => [g.mul(out)]);
}

/** `ln x`; d/dx = 1/x. */
export function log(x: Tensor): Tensor {
  return record(apply(x, "log"), "log", [x], (g) => [g.div(x)]);
}

/** `√x`; d/dx = 1/(2√x). */
export function sqrt(x: Tensor): Tensor {
  const out = apply(x, "sqrt");
  return record(out, "sqrt", [x], (g) => [g.div(out.mul(2))]);
}

/** `|x|`; d/dx = sign(x) (0 at 0, as PyTorch). */
export function abs(x: Tensor): Tensor {
  return record(apply(x, "abs"), "abs", [x], (g) => [g.mul(x.gt(0).sub(x.lt(0)))]);
}

/** `σ(x) = 1 / (1 + e^-x)`; σ' = σ(1 - σ) (book 4.5). */
export function sigmoid(x: Tensor): Tensor {
  const out = apply(x, "sigmoid");
  return record(out, "sigmoid", [x], (g) => [g.mul(out).mul(out.neg().add(1))]);
}

/** `tanh x`; d/dx = 1 - tanh² x. */
export function tanh(x: Tensor): Tensor {
  const out = apply(x, "tanh");
  return record(out, "tanh", [x], (g) => [g.mul(out.mul(out).neg().add(1))]);
}

/** `max(x, 0)`; d/dx = 1 where x > 0, else 0. */
export function relu(x: Tensor): Tensor {
  return record(apply(x, "relu"), "relu", [x], (g) => [g.mul(x.gt(0))]);
}

/** `x` where x ≥ 0, else `slope·x`; d/dx = 1 where x > 0, else `slope` (at 0 too, as PyTorch). */
export function leakyRelu(x: Tensor, slope: number): Tensor {
  checkNumber(slope, "leakyRelu", "slope");
  return record(apply(x, "leakyRelu", [slope]), "leakyRelu", [x], (g) => {
    const positive = x.gt(0);
    return [g.mul(positive.mul(1 - slope).add(slope))];
  });
}

/** `ln(1 + e^x)`; d/dx = σ(x). */
export function softplus(x: Tensor): Tensor {
  return record(apply(x, "softplus"), "softplus", [x], (g) => [g.mul(sigmoid(x))]);
}

/** `x` limited to `[min, max]`; d/dx = 1 inside (bounds included), else 0. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  checkNumber(min, "clip", "min");
  checkNumber(max, "clip", "max");
  if (min > max) throw new RangeError(`clip: expected min <= max, found min ${min} > max ${max}`);
  return record(apply(x, "clip", [min, max]), "clip", [x], (g) => [
    g.mul(x.ge(min).mul(x.le(max))),
  ]);
}

function checkNumber(value: unknown, op: string, name: string): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${op}: expected a number for ${name}, found ${describe(value)}`);
  }
}
