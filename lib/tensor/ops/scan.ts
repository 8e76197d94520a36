/**
 * Running reductions along an axis: `cumsum` (and the running products that
 * `prod`'s gradient is made of), on the backend's `scan` primitive.
 *
 * @module
 */

import type { ScanOp } from "../backend.ts";
import { record } from "../autograd.ts";
import { describe, normalizeAxis } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { reshape } from "./movement.ts";

/**
 * The running sum (or product) of `x` along `axis` (already normalised),
 * from the last entry back with `reverse`; no gradient is recorded.
 */
export function scanAxis(x: Tensor, op: ScanOp, axis: number, reverse: boolean): Tensor {
  const storage = x.backend.scan(op, x.storage, x.shape, axis, reverse, x.dtype);
  return new Tensor(storage, x.shape, x.dtype, x.backend);
}

/**
 * The running sum along `axis` (PyTorch's `cumsum`): same shape and dtype. Its
 * gradient is the running sum of the output's gradient taken from the end
 * (PyTorch's flip, cumsum, flip). An int32 running sum stays int32 and is a
 * RangeError where it leaves the int32 range, never wrapped (PyTorch gives
 * int64): at once on the CPU, from the next read on a GPU, which cannot
 * throw without waiting for the result.
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  if (typeof axis !== "number") {
    throw new TypeError(
      `cumsum: expected an integer axis to sum along (it is required, as PyTorch's dim), ` +
        `found ${describe(axis)}`,
    );
  }
  // A 0-d tensor takes axis 0 or -1, as in PyTorch, and is its own running sum.
  if (x.ndim === 0) {
    normalizeAxis(axis, 1, "cumsum");
    return reshape(cumsum(reshape(x, [1]), 0), []);
  }
  const ax = normalizeAxis(axis, x.ndim, "cumsum");
  const out = scanAxis(x, "sum", ax, false);
  return record(out, "cumsum", [x], (g) => [scanAxis(g, "sum", ax, true)]);
}
