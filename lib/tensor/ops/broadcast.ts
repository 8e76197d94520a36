/**
 * Broadcasting as an op, and its backward: summing a gradient back over the
 * axes that were broadcast. Every op that broadcasts sends its gradient through
 * `unbroadcast`, written once here.
 *
 * @module
 */

import { record } from "../autograd.ts";
import {
  broadcastShapes,
  broadcastStrides,
  formatShape,
  sameShape,
  type Shape,
  sizeOf,
  stridesOf,
} from "../shape.ts";
import { ShapeError } from "../../errors.ts";
import { Tensor } from "../tensor.ts";
import { sum } from "./reduce.ts";
import { reshape } from "./movement.ts";

/** `x` repeated along broadcast axes to `shape` (a real copy: storage stays contiguous). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes(x.shape, shape, "broadcastTo");
  if (!sameShape(target, shape)) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`,
    );
  }
  const out = x.backend.zeros(x.dtype, sizeOf(shape));
  x.backend.copy(
    x.storage,
    { strides: broadcastStrides(x.shape, shape), offset: 0 },
    out,
    { strides: stridesOf(shape), offset: 0 },
    shape,
  );
  return record(
    new Tensor(out, shape, x.dtype, x.backend),
    "broadcastTo",
    [x],
    (g) => [unbroadcast(g, x.shape)],
  );
}

/**
 * Sums `grad` over the axes along which a tensor of `shape` was broadcast, so
 * that the result has `shape` again.
 */
export function unbroadcast(grad: Tensor, shape: Shape): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(grad, axes, false), shape);
}
